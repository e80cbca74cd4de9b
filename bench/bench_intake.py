"""Benchmark: link intake through the production dispatcher, against a bare aiogram dispatcher.

    python bench/bench_intake.py [--messages 2000]

Volunteers send links in the mix the field sees: mostly new links, 30 % repeats of earlier
links, 10 % messages with three links. Every update goes through `Dispatcher.feed_update` of
the dispatcher `python -m bot` builds (middlewares, routers, services, SQLite through
aiosqlite), answered by a recording session instead of Telegram. The baseline is a bare
dispatcher whose one handler replies once to every message, fed the same updates in the same
run, in alternating batches of 100. Each volunteer's first two messages only warm up (the bot
then knows them all, as it knows a city's volunteers). Figures are CPU seconds of this process
per message; the ratio is baseline ÷ intake, so 1.0 would mean intake costs no more than
replying.
"""

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update

from bench.rows import Row, table
from bot.config import Settings
from bot.factory import create_bot, create_dispatcher
from bot.i18n import create_i18n
from models.engine import create_engine, create_schema, create_session_maker
from tests.support.accounts import TEST_TOKEN
from tests.support.recording_session import RecordingSession

FIRST_USER = 5_000_100_000
VOLUNTEERS = 200
# Two messages from each volunteer before measuring: the bot then knows them all, as it knows a
# city's volunteers (registering a newcomer is not what this measures).
WARM_UP = 2 * VOLUNTEERS


def texts(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    sent: list[str] = []
    made = 0

    def new_link() -> str:
        nonlocal made
        made += 1
        return f"https://shop-{made}.example.com/item/{made}"

    for _ in range(count):
        roll = rng.random()
        if roll < 0.3 and sent:
            sent.append(rng.choice(sent))
        elif roll < 0.4:
            sent.append(" ".join(new_link() for _ in range(3)))
        else:
            sent.append(new_link())
    return sent


def updates(bot: Bot, count: int) -> list[Update]:
    now = int(datetime.now(UTC).timestamp())
    result = []
    for number, text in enumerate(texts(count), start=1):
        user = FIRST_USER + number % VOLUNTEERS
        raw: dict[str, Any] = {
            "update_id": number,
            "message": {
                "message_id": number,
                "date": now,
                "chat": {"id": user, "type": "private"},
                "from": {"id": user, "is_bot": False, "first_name": "V", "language_code": "ru"},
                "text": text,
            },
        }
        result.append(Update.model_validate(raw, context={"bot": bot}))
    return result


Feed = Callable[[Update], Awaitable[Any]]
BATCH = 100


async def cpu_seconds(feed: Feed, batch: list[Update]) -> float:
    started = time.process_time()
    for update in batch:
        await feed(update)
    return time.process_time() - started


def bare_dispatcher(count: int) -> tuple[Feed, list[Update]]:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def reply(message: Message) -> None:
        await message.answer("ok")

    bot = Bot(TEST_TOKEN, session=RecordingSession())
    return (lambda update: dispatcher.feed_update(bot, update)), updates(bot, count)


async def measure(count: int, folder: Path) -> tuple[float, float]:
    """CPU seconds a message of the production dispatcher and of the bare one, measured in
    alternating batches so that a busy moment of the machine weighs on both alike."""
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    settings = Settings(telegram={"token": TEST_TOKEN}, database={"url": url})
    engine = create_engine(url)
    await create_schema(engine)
    dispatcher = create_dispatcher(
        settings=settings, session_maker=create_session_maker(engine), i18n=create_i18n()
    )
    bot = create_bot(settings, session=RecordingSession())
    production: Feed = lambda update: dispatcher.feed_update(bot, update)  # noqa: E731
    bare, bare_batch = bare_dispatcher(WARM_UP + count)
    feeds = [(production, updates(bot, WARM_UP + count)), (bare, bare_batch)]
    spent = [0.0, 0.0]
    for feed, batch in feeds:
        await cpu_seconds(feed, batch[:WARM_UP])
    for start in range(WARM_UP, WARM_UP + count, BATCH):
        for which, (feed, batch) in enumerate(feeds):
            spent[which] += await cpu_seconds(feed, batch[start : start + BATCH])
    await engine.dispose()
    return spent[0] / count, spent[1] / count


async def rows(messages: int = 2000) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        cost, baseline = await measure(messages, Path(folder))
    return [
        Row(
            measure=f"link intake, production dispatcher ({messages:,} messages, CPU per message)",
            figure=f"{cost * 1000:.2f} ms",
            baseline=f"bare dispatcher, one reply: {baseline * 1000:.3f} ms",
            ratio=baseline / cost,
            target="≥ 0.25",
        )
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    print(table(await rows(args.messages)))


if __name__ == "__main__":
    asyncio.run(main())
