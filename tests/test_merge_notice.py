"""A merge tells the volunteers whose reports moved where to follow them: one message each."""

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.notices import NoticeDrainer
from models.enums import NoticeEvent
from models.moderation import Notice
from services.pacing import PacedSender
from tests.support.client import BotClient, text
from tests.support.fake_clock import FakeClock
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import NUMBER, make_moderator


@pytest.fixture
def drainer(
    bot: Bot, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> NoticeDrainer:
    return NoticeDrainer(
        bot=bot, session_maker=session_maker, sender=PacedSender(clock=FakeClock()), i18n=i18n
    )


def messages(session: RecordingSession) -> dict[int, list[str]]:
    by_chat: dict[int, list[str]] = {}
    for request in session.sent(SendMessage):
        by_chat.setdefault(int(request.chat_id), []).append(request.text)
    return by_chat


async def sent(volunteer: BotClient, link: str) -> int:
    return int(NUMBER.findall(text(await volunteer.send(link)))[0])


async def test_merge_tells_each_moved_volunteer_once_where_the_report_lives(
    client: BotClient, db: AsyncSession, drainer: NoticeDrainer, fake_session: RecordingSession
) -> None:
    finder = client.as_user(5201, language_code="en", first_name="Secret Finder")
    confirmer = client.as_user(5202, first_name="Другой Волонтёр")
    both = client.as_user(5203, language_code="en")
    kazakh = client.as_user(5204, language_code="kk")
    quiet = client.as_user(5205, language_code="en")
    one = await sent(finder, "t.me/merge_shop_one")
    two = await sent(finder, "t.me/merge_shop_two")
    await confirmer.send("t.me/merge_shop_two")
    survivor = await sent(both, "t.me/merge_shop_main")
    await both.send("t.me/merge_shop_one")  # sighted a source and the survivor
    await kazakh.send("t.me/merge_shop_one")
    await quiet.send("t.me/merge_shop_one")
    await quiet.press(await quiet.send("/settings"), "Turn notices off")
    moderator = await make_moderator(client, 5299)

    reply = text(await moderator.send(f"/merge {one} {two} into {survivor}"))
    assert f"#{survivor}" in reply
    # Written with the merge: pending before anything is sent.
    rows = (await db.exec(select(Notice).where(Notice.event == NoticeEvent.MERGED))).all()
    # finder ×2, the confirmer, the Kazakh and the quiet volunteer; nobody of the survivor.
    assert sorted(row.report_id for row in rows) == sorted([one, one, one, two, two])
    assert all(row.done_at is None for row in rows)
    fake_session.clear()
    await drainer.drain_once()

    news = messages(fake_session)
    assert sorted(news) == [tg_id(5201), tg_id(5202), tg_id(5204)]
    assert all(len(texts) == 1 for texts in news.values())
    [english] = news[tg_id(5201)]
    assert f"Your reports #{one}, #{two} were joined with #{survivor}: follow it there." in english
    [russian] = news[tg_id(5202)]
    assert f"#{two}" in russian
    assert f"#{survivor}" in russian
    assert f"#{one}" not in russian  # not theirs
    assert "объединена с" in russian
    [kazakh_text] = news[tg_id(5204)]
    assert f"#{one}" in kazakh_text
    assert f"#{survivor}" in kazakh_text
    assert "біріктірілді" in kazakh_text
    for shown in (english, russian, kazakh_text):
        assert "Secret" not in shown
        assert "Другой" not in shown
        assert "Thank you" not in shown
    db.expire_all()
    assert (
        await db.exec(select(Notice).where(col(Notice.done_at).is_(None)))
    ).all() == []  # the quiet volunteer's row is closed unsent

    fake_session.clear()
    await drainer.drain_once()
    assert fake_session.sent(SendMessage) == []


async def test_a_later_merge_is_followed_to_the_report_that_lives_on(
    client: BotClient, drainer: NoticeDrainer, fake_session: RecordingSession
) -> None:
    finder = client.as_user(5211, language_code="en")
    first = await sent(finder, "t.me/chain_shop_a")
    middle = await sent(client.as_user(5212, language_code="en"), "t.me/chain_shop_b")
    last = await sent(client.as_user(5213, language_code="en"), "t.me/chain_shop_c")
    moderator = await make_moderator(client, 5298)
    await moderator.send(f"/merge {first} into {middle}")
    await moderator.send(f"/merge {middle} into {last}")
    fake_session.clear()
    await drainer.drain_once()

    news = messages(fake_session)
    [finder_text] = news[tg_id(5211)]
    # Both of its numbers now live under the last one; nothing points at the merged middle.
    assert f"were joined with #{last}: follow it there." in finder_text
    assert f"joined with #{middle}" not in finder_text
    [middle_text] = news[tg_id(5212)]
    assert f"Your report #{middle} was joined with #{last}" in middle_text
    assert tg_id(5213) not in news
