"""Benchmark: a broadcast through the real PacedSender and aiogram Bot to the fake Bot API server.

    python bench/bench_broadcast.py [--messages 3000] [--rate 25] [--inject-every 500]

The server enforces Telegram-like limits (30 messages a second overall, one a second per chat)
and answers one request with 429 (retry_after 2 s) every `--inject-every` messages. Printed:
the total time against the ideal (messages ÷ rate), the 429s answered, and how many messages
were lost (not delivered) or doubled. 3,000 messages at 25/s take a little over two minutes.
"""

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.rows import Row, table
from bot.delivery import message_delivery
from services.pacing import PacedSender, Progress
from tests.support.fake_bot_api import TEST_TOKEN, FakeBotAPI


async def inject_429s(api: FakeBotAPI, every: int, done: asyncio.Event) -> int:
    """Make the server refuse one request with 429 each time `every` more were delivered."""
    injected, next_at = 0, every
    while not done.is_set():
        delivered = sum(1 for r in api.requests("sendMessage") if r.error is None)
        if delivered >= next_at:
            api.fail_next("sendMessage", count=1, retry_after=2)
            injected, next_at = injected + 1, next_at + every
        await asyncio.sleep(0.05)
    return injected


async def rows(messages: int = 3000, rate: float = 25.0, inject_every: int = 500) -> list[Row]:
    async with FakeBotAPI() as api:
        api.set_rate_limit(per_second=30, per_chat_per_second=1)
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        async with Bot(TEST_TOKEN, session=session) as bot:
            sender = PacedSender(rate_per_second=rate)
            chats = range(100_000, 100_000 + messages)
            deliveries = [message_delivery(bot, chat, f"Broadcast #{chat}") for chat in chats]
            done = asyncio.Event()
            injector = asyncio.create_task(inject_429s(api, inject_every, done))
            last = time.monotonic()

            async def on_progress(progress: Progress) -> None:
                nonlocal last
                if time.monotonic() - last >= 15:
                    last = time.monotonic()
                    left = f"~{progress.eta_seconds:.0f} s left"
                    print(f"  {progress.sent}/{progress.total} sent, {left}", file=sys.stderr)

            started = time.monotonic()
            progress = await sender.deliver(deliveries, on_progress=on_progress)
            elapsed = time.monotonic() - started
            done.set()
            injected = await injector
    answered = [r for r in api.requests("sendMessage")]
    refused = sum(1 for r in answered if r.error is not None and r.error["error_code"] == 429)
    copies = Counter(r.params["chat_id"] for r in answered if r.error is None)
    lost = sum(1 for chat in chats if copies[chat] == 0)
    doubled = sum(1 for count in copies.values() if count > 1)
    ideal = messages / rate
    return [
        Row(
            measure=(
                f"broadcast of {messages:,} at {rate:g}/s against a 429-injecting API "
                f"({injected} 429s injected, {refused} answered; "
                f"lost {lost}, doubled {doubled}, failed {progress.failed})"
            ),
            figure=f"{elapsed:.1f} s",
            baseline=f"ideal n ÷ rate: {ideal:.1f} s",
            ratio=elapsed / ideal,
            target="≤ 1.1, 0 lost",
        )
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--inject-every", type=int, default=500)
    args = parser.parse_args()
    print(table(await rows(args.messages, args.rate, args.inject_every)))


if __name__ == "__main__":
    asyncio.run(main())
