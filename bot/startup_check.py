"""Before anything else talks to Telegram: is the Bot API there, and does it take our token?

Without this check an unreachable API surfaced half a minute later as a long traceback from
whichever call came first. One getMe call with a short timeout tells the two cases apart, and
the operator reads one line saying which.
"""

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.types import User

from bot.config import Settings
from bot.telegram_retry import CALLER_RETRIES

# Exit codes of `python -m bot` (2 is a configuration error, see bot/__main__.py).
EXIT_UNREACHABLE = 3
EXIT_BAD_TOKEN = 4
# Long enough for a slow network, short enough that a dead one is reported at once.
CHECK_TIMEOUT_SECONDS = 10
OFFICIAL_API = "https://api.telegram.org"


class StartupCheckError(Exception):
    def __init__(self, exit_code: int, line: str) -> None:
        super().__init__(line)
        self.exit_code = exit_code
        self.line = line


def api_base(settings: Settings) -> str:
    return settings.telegram.api_base or OFFICIAL_API


async def check_bot_api(bot: Bot, settings: Settings) -> User:
    """The bot's own user; raises StartupCheckError with the line to print and the exit code."""
    base = api_base(settings)
    one_attempt = CALLER_RETRIES.set(True)
    try:
        return await bot.get_me(request_timeout=CHECK_TIMEOUT_SECONDS)
    except (TelegramUnauthorizedError, TelegramNotFound) as error:
        # Telegram answers 401 for a revoked or mistyped token, 404 for one of the wrong shape.
        raise StartupCheckError(
            EXIT_BAD_TOKEN,
            f"the Bot API at {base} refused the token (telegram.token): {error.message}",
        ) from None
    except TelegramNetworkError as error:
        raise StartupCheckError(
            EXIT_UNREACHABLE, f"cannot reach the Bot API at {base}: {error.message}"
        ) from None
    except TelegramAPIError as error:
        raise StartupCheckError(
            EXIT_UNREACHABLE, f"the Bot API at {base} is not answering properly: {error.message}"
        ) from None
    finally:
        CALLER_RETRIES.reset(one_attempt)
