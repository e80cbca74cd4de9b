"""Benchmark: sequential round trips through a Bot API emulator, black-box.

    python bench/bench_roundtrip.py [--messages 300]

The real bot (`python -m bot`, SQLite in a temporary file, long polling) and, as the baseline,
a minimal aiogram echo bot (bench/echo_bot.py) each run as their own process, each against its
own instance of the emulator (tests/support/fake_bot_api, served from this process). A
volunteer sends a link, waits for the reply, then sends the next (mostly new links, every
fifth a repeat, from 50 volunteers the bot already knows); batches of 25 alternate between the
two bots, so a busy moment of the machine slows both alike. Printed: replies a second for
each; the ratio is bot ÷ echo, so 1.0 would mean intake adds nothing to a round trip. Waiting
is event-driven (the emulator's own records), not polling.
"""

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rows import Row, table
from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env
from tests.support.fake_bot_api import FakeBotAPI, private_message

ROOT = Path(__file__).resolve().parent.parent
FIRST_USER = 5_000_200_000
VOLUNTEERS = 50
# Two messages from each volunteer first: the bot then knows them all, as it knows a city's
# volunteers (a newcomer's first message also registers them).
WARM_UP = 2 * VOLUNTEERS
BATCH = 25


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


@asynccontextmanager
async def polling(api: FakeBotAPI, command: list[str], env: dict[str, str]) -> AsyncIterator[None]:
    """The bot started by `command` polls `api` until the block ends (then SIGTERM)."""
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await api.wait_for("getUpdates", timeout=START_TIMEOUT)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        if process.returncode not in (0, -signal.SIGTERM):
            print(stderr.decode()[-2000:], file=sys.stderr)


async def rows(messages: int = 300) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeBotAPI() as echo_api, FakeBotAPI() as bot_api:
            echo = [sys.executable, "-m", "bench.echo_bot", "--api-base", echo_api.base_url,
                    "--token", TOKEN]  # fmt: skip
            env = child_env(f"sqlite+aiosqlite:///{Path(folder) / 'roundtrip.db'}")
            env |= {"CVBOT_TELEGRAM__TOKEN": TOKEN, "CVBOT_TELEGRAM__API_BASE": bot_api.base_url}
            command = [sys.executable, "-m", "bot", "--config", "config.example.toml"]
            async with polling(echo_api, echo, dict(os.environ)), polling(bot_api, command, env):
                await round_trips(echo_api, WARM_UP, 0)
                await round_trips(bot_api, WARM_UP, 0)
                # Alternating batches: a busy moment of the machine slows both alike.
                echo_seconds = bot_seconds = 0.0
                for start in range(WARM_UP, WARM_UP + messages, BATCH):
                    count = min(BATCH, WARM_UP + messages - start)
                    echo_seconds += await round_trips(echo_api, count, start)
                    bot_seconds += await round_trips(bot_api, count, start)
    bot, baseline = messages / bot_seconds, messages / echo_seconds
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
