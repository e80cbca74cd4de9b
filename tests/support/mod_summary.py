"""The moderators' summary loop wired to the test bot, with a clock the test moves."""

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.mod_summary import ModeratorSummary
from services.pacing import PacedSender
from tests.support.fake_clock import FakeClock

GROUP = -1001234567890


def summary(
    bot: Bot, session_maker: async_sessionmaker[AsyncSession], i18n: I18n, clock: FakeClock
) -> ModeratorSummary:
    return ModeratorSummary(
        bot=bot,
        session_maker=session_maker,
        sender=PacedSender(clock=clock),
        i18n=i18n,
        chat_id=GROUP,
        locale="en",
    )
