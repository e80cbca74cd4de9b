#!/usr/bin/env bash
# Build the image and run the bot in it against the fake Bot API (read-only root file system,
# /data a fresh volume owned by the image's user): it must start, answer a link, and report
# itself healthy. Where no container builder works, say so and skip (exit 0): CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    echo "container check skipped: no container builder (docker) is available on this machine"
    exit 0
fi

TAG="cvbot-check-$$"
DATA="$(mktemp -d)"
free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT="$(free_port)"
OPS_PORT="$(free_port)"
API_PID=""
cleanup() {
    docker logs "$TAG" 2>&1 | tail -20 || true
    docker rm -f "$TAG" >/dev/null 2>&1 || true
    docker rmi -f "$TAG" >/dev/null 2>&1 || true
    [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null || true
    rm -rf "$DATA"
}
trap cleanup EXIT

docker build -q -t "$TAG" . >/dev/null
python -m tests.support.fake_bot_api --port "$API_PORT" >/dev/null 2>&1 &
API_PID=$!
# The image's user (uid 10001) must own the volume, as README "Docker" says.
chown 10001:10001 "$DATA" 2>/dev/null || chmod 0777 "$DATA"
docker run -d --name "$TAG" --network host --read-only -v "$DATA:/data" \
    -e CVBOT_TELEGRAM__TOKEN="123456789:$(printf 'A%.0s' $(seq 35))" \
    -e CVBOT_TELEGRAM__API_BASE="http://127.0.0.1:$API_PORT" \
    -e CVBOT_OPS__LISTEN=127.0.0.1 -e CVBOT_OPS__PORT="$OPS_PORT" \
    "$TAG" python -m bot >/dev/null
python scripts/tg.py --url "http://127.0.0.1:$API_PORT" wait-ready
python scripts/tg.py --url "http://127.0.0.1:$API_PORT" send --user 5000000001 --lang en \
    "https://container-check.kz/shop" | grep -q "new report"
python - "$OPS_PORT" <<'PY'
import sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=5) as answer:
            if answer.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("the container never reported itself healthy")
    time.sleep(1)
PY
echo "container check passed: the image starts read-only, answers a link and is healthy"
