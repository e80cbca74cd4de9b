"""The moderators' group never learns where a volunteer stood: a wall shows its district or a
place rounded to ~100 m; the exact coordinates stay on the private card and in crew files."""

from datetime import UTC, datetime

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services.mod_summary import SummaryAction
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text
from tests.support.fake_clock import FakeClock
from tests.support.graffiti_helpers import (
    NOTHING_READABLE,
    jpeg,
    report_wall,
    send_photo,
    wall_image,
)
from tests.support.mod_summary import GROUP, summary
from tests.support.recording_session import RecordingSession

T0 = datetime(2025, 5, 10, 7, 0, tzinfo=UTC)
# Where the volunteer stood: outside every district's 15 km, so no district is suggested.
STOOD = (43.412345, 77.123456)


async def test_group_summary_rounds_the_place(
    client: BotClient,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    fake_session: RecordingSession,
) -> None:
    loop = summary(bot, session_maker, i18n, FakeClock())
    assert await loop.tick(T0) is SummaryAction.NOTHING
    located = await report_wall(client, 801, point=STOOD, handle="@rounded_shop")
    asked = await send_photo(client, jpeg(wall_image(802)))
    handle_question = await client.press(asked, "Турксибский")
    await client.press(handle_question, NOTHING_READABLE)
    fake_session.clear()
    assert await loop.tick(T0) is SummaryAction.SEND
    [message] = [m for m in fake_session.sent(SendMessage) if m.chat_id == GROUP]
    assert "43.412345" not in message.text
    assert "43.41234" not in message.text
    assert "77.12346" not in message.text
    assert "≈43.412, 77.123" in message.text
    assert "Turksib" in message.text  # the other wall by its district only
    assert "rounded_shop" in message.text
    # The private card keeps the exact point for moderators.
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    card = text(await moderator.send(f"/report {located}"))
    assert "43.41234" in card
