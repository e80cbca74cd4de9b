"""The baseline of bench_roundtrip: a minimal aiogram bot that answers every message once.

python -m bench.echo_bot --api-base http://127.0.0.1:P --token 123456789:AAAA…
"""

import argparse
import asyncio

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-base", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "ok")

    session = AiohttpSession(api=TelegramAPIServer.from_base(args.api_base))
    async with Bot(args.token, session=session) as bot:
        await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
