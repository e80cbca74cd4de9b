"""Benchmark: sequential round trips through a Bot API emulator, black-box.

    python bench/bench_roundtrip.py [--messages 300]

The real bot (`python -m bot`, SQLite in a temporary file, long polling) and, as the baseline,
a minimal aiogram echo bot (bench/echo_bot.py) each run as their own process against the same
emulator (tests/support/fake_bot_api, served from this process). A volunteer sends a link,
waits for the bot's reply, then sends the next (mostly new links, some repeats, from 50
volunteers). Printed: replies a second for each; the ratio is bot ÷ echo, so 1.0 would mean
intake adds nothing to a round trip. Waiting is event-driven (the emulator's own records),
not polling.
"""

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rows import Row, table
from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env
from tests.support.fake_bot_api import FakeBotAPI, private_message

ROOT = Path(__file__).resolve().parent.parent
FIRST_USER = 5_000_200_000
VOLUNTEERS = 50
WARM_UP = 20


def link(number: int) -> str:
    # Every fifth message repeats an earlier link: a confirmation or "you already sent this".
    return f"https://shop-{number // 5 if number % 5 == 0 else number}.example.org/p"


async def round_trips(api: FakeBotAPI, count: int, start: int) -> float:
    """Seconds for `count` sequential messages, each answered before the next is sent."""
    started = time.perf_counter()
    for number in range(start, start + count):
        user = FIRST_USER + number % VOLUNTEERS
        since = len(api.recorded)
        api.enqueue_update(private_message(user, link(number), language_code="en"))
        await api.wait_for("sendMessage", chat_id=user, since=since, timeout=30)
    return time.perf_counter() - started


async def measure(api: FakeBotAPI, command: list[str], env: dict[str, str], count: int) -> float:
    """Replies a second of the bot started by `command`, after a warm-up."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        since = len(api.recorded)
        await api.wait_for("getUpdates", since=since, timeout=START_TIMEOUT)
        await round_trips(api, WARM_UP, 0)
        return count / await round_trips(api, count, WARM_UP)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        if process.returncode not in (0, -signal.SIGTERM):
            print(stderr.decode()[-2000:], file=sys.stderr)


async def rows(messages: int = 300) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeBotAPI() as api:
            echo = [sys.executable, "-m", "bench.echo_bot", "--api-base", api.base_url,
                    "--token", TOKEN]  # fmt: skip
            baseline = await measure(api, echo, dict(os.environ), messages)
            env = child_env(f"sqlite+aiosqlite:///{Path(folder) / 'roundtrip.db'}")
            env |= {"CVBOT_TELEGRAM__TOKEN": TOKEN, "CVBOT_TELEGRAM__API_BASE": api.base_url}
            command = [sys.executable, "-m", "bot", "--config", "config.example.toml"]
            bot = await measure(api, command, env, messages)
    return [
        Row(
            measure=f"black-box round trips through a Bot API emulator ({messages:,} links, "
            "one at a time)",
            figure=f"{bot:.0f}/s",
            baseline=f"minimal echo bot, same emulator: {baseline:.0f}/s",
            ratio=bot / baseline,
            target="≥ 0.7",
        )
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    print(table(await rows(args.messages)))


if __name__ == "__main__":
    asyncio.run(main())
