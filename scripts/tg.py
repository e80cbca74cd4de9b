"""Drive a bot by hand through the fake Bot API server (``python -m tests.fake_bot_api``).

python scripts/tg.py send --user 111 --lang ru "text"
python scripts/tg.py click --user 111 --message-id 5 "triage:accept:12"
python scripts/tg.py forward --user 111 --channel somechannel --post 5 "text"
python scripts/tg.py log [--json]
"""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fake_bot_api.updates import (
    callback_query,
    channel_origin,
    private_message,
)


def requests(client: httpx.Client, since: int = 0, polls: bool = False) -> list[dict[str, Any]]:
    answer = client.get("/_test/requests", params={"since": since}).raise_for_status()
    return [r for r in answer.json()["result"] if polls or r["method"] != "getUpdates"]


def describe(entry: dict[str, Any]) -> str:
    params, result = entry["params"], entry["result"]
    head = f"#{entry['index']} {entry['method']}"
    if isinstance(result, dict) and "message_id" in result:
        head += f" → message {result['message_id']}"
    if entry["error"]:
        head += f" ✗ {entry['error']['error_code']} {entry['error']['description']}"
    lines = [head]
    for key in ("text", "caption"):
        if key in params:
            lines.append("  " + str(params[key]).replace("\n", "\n  "))
    lines += [f"  📎 {f['filename']} ({f['size']} bytes)" for f in entry["files"].values()]
    markup = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        lines.append("  " + "   ".join(f"[{b['text']}] {_action(b)}" for b in row))
    for row in markup.get("keyboard", []):
        lines.append(
            "  " + "   ".join(f"<{b['text'] if isinstance(b, dict) else b}>" for b in row)
        )
    if len(lines) == 1 and params:
        lines.append("  " + json.dumps(params, ensure_ascii=False))
    return "\n".join(lines)


def _action(button: dict[str, Any]) -> str:
    return next((f"{k}={v}" for k, v in button.items() if k != "text"), "")


def post_and_show(client: httpx.Client, update: dict[str, Any], chat_id: int, wait: float) -> None:
    since = len(requests(client, polls=True))
    client.post("/_test/updates", json=update).raise_for_status()
    time.sleep(wait)
    for entry in requests(client, since):
        if entry["params"].get("chat_id") in (None, chat_id):
            print(describe(entry))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8081", help="fake server base URL")
    parser.add_argument("--wait", type=float, default=2.0, help="seconds to wait for replies")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("send", "click", "forward"):
        command = commands.add_parser(name)
        command.add_argument("--user", type=int, required=True)
        command.add_argument("--lang", default="ru")
        command.add_argument("--name", default="Test", help="the user's first name")
    commands.choices["send"].add_argument("text")
    commands.choices["send"].add_argument("--photo", help="send a photo with this file_id")
    commands.choices["click"].add_argument("--message-id", type=int, required=True)
    commands.choices["click"].add_argument("data")
    commands.choices["forward"].add_argument("--channel", required=True)
    commands.choices["forward"].add_argument("--post", type=int, required=True)
    commands.choices["forward"].add_argument("text")
    log = commands.add_parser("log")
    log.add_argument("--json", action="store_true", help="print raw recorded requests")
    log.add_argument("--all", action="store_true", help="include getUpdates polls")
    args = parser.parse_args()

    with httpx.Client(base_url=args.url, timeout=10) as client:
        if args.command == "log":
            for entry in requests(client, polls=args.all):
                print(json.dumps(entry, ensure_ascii=False) if args.json else describe(entry))
            return
        user = {"language_code": args.lang, "first_name": args.name}
        if args.command == "send":
            update = private_message(args.user, args.text, photo=args.photo, **user)
        elif args.command == "click":
            update = callback_query(args.user, args.message_id, args.data, **user)
        else:
            origin = channel_origin(args.channel, args.post)
            update = private_message(args.user, args.text, forward_origin=origin, **user)
        post_and_show(client, update, args.user, args.wait)


if __name__ == "__main__":
    main()
