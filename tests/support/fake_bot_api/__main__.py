"""``python -m tests.support.fake_bot_api --port 8081``: run the fake server until interrupted."""

import argparse
import asyncio
import logging
import signal

from .server import FakeBotAPI

logger = logging.getLogger(__name__)


async def serve(host: str, port: int) -> None:
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with FakeBotAPI(host, port) as api:
        logger.info("Fake Bot API listening on %s (Ctrl-C to stop)", api.base_url)
        await stop.wait()
    logger.info("Fake Bot API stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
