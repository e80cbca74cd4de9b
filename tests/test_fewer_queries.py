"""A link from a known volunteer reads neither their row nor their drafts: the sender comes from
the volunteer cache (services/volunteer_cache.py), and whether a graffiti conversation is open
from the conversation state. Every change still counts from the next update."""

from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import background_of, create_dispatcher, deps_of
from bot.jobs.graffiti import finish_abandoned_once
from models.engine import create_engine, create_session_maker
from models.enums import Role
from models.volunteer import Volunteer
from services import volunteers
from services.actor import Actor
from services.clock import utcnow
from services.volunteer_cache import VolunteerCache
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, text
from tests.support.graffiti_helpers import jpeg, send_photo, wall_image
from tests.support.recording_session import RecordingSession
from tests.support.statements import statements
from tests.support.telegram_ids import tg_id

MODERATORS_ONLY = "This command is for moderators only."


async def test_a_known_volunteers_link_reads_neither_their_row_nor_drafts(
    client: BotClient, engine: AsyncEngine
) -> None:
    volunteer = client.as_user(5101, language_code="en")
    await volunteer.send("t.me/first_cached_shop")  # registers: a write, nothing kept yet
    await volunteer.send("t.me/second_cached_shop")  # read once, kept
    with statements(engine) as seen:
        reply = text(await volunteer.send("t.me/third_cached_shop"))
    assert "new report" in reply
    assert not [sql for sql in seen if "FROM volunteer" in sql]
    assert not [sql for sql in seen if "graffiti_draft" in sql]
    if engine.dialect.name == "sqlite":
        assert seen == []  # the link went through intake's own writer (models/sqlite_writer.py)


async def test_role_ban_and_language_count_from_the_next_update(client: BotClient) -> None:
    volunteer = client.as_user(5102, language_code="en")
    for shop in ("a", "b", "c"):
        await volunteer.send(f"t.me/cached_role_{shop}")
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send(f"/grant {tg_id(5102)}")
    assert MODERATORS_ONLY not in text(await volunteer.send("/queue"))
    await admin.send(f"/revoke {tg_id(5102)}")
    assert MODERATORS_ONLY in text(await volunteer.send("/queue"))
    await volunteer.send("t.me/cached_role_d")
    await admin.send(f"/ban {tg_id(5102)} spam")
    assert "not accepted" in text(await volunteer.send("t.me/cached_role_e"))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _resolve(
    session_maker: async_sessionmaker[AsyncSession], cache: VolunteerCache
) -> Actor:
    async with session_maker() as session:
        return await volunteers.resolve(
            session,
            cache,
            telegram_id=tg_id(5103),
            first_name="Dana",
            username=None,
            telegram_language="ru",
        )


async def _change(session_maker: async_sessionmaker[AsyncSession], **values: Any) -> None:
    async with session_maker() as session:
        await session.exec(
            update(Volunteer).where(col(Volunteer.telegram_id) == tg_id(5103)).values(**values)
        )
        await session.commit()


async def test_another_process_change_shows_within_the_ttl(
    engine: AsyncEngine, database_url: str
) -> None:
    clock = Clock()
    cache = VolunteerCache(ttl_seconds=10, clock=clock).watch(engine)
    here = create_session_maker(engine)
    other_engine = create_engine(database_url)  # another process: its writes go unseen here
    there = create_session_maker(other_engine)
    try:
        actor = await _resolve(here, cache)
        assert (await _resolve(here, cache)) == actor  # the first was a write: read again

        await _change(there, banned_at=utcnow(), language="kk")
        assert not (await _resolve(here, cache)).banned
        clock.now += 11
        again = await _resolve(here, cache)
        assert again.banned
        assert again.language == "kk"

        # Staff are never kept: a demotion elsewhere counts at the next update.
        await _change(there, banned_at=None, role=Role.MODERATOR.value)
        clock.now += 11
        assert (await _resolve(here, cache)).role == Role.MODERATOR
        await _change(there, role=Role.VOLUNTEER.value)
        assert (await _resolve(here, cache)).role == Role.VOLUNTEER
    finally:
        await other_engine.dispose()


async def test_a_write_in_this_process_counts_at_once(engine: AsyncEngine) -> None:
    cache = VolunteerCache(ttl_seconds=3600).watch(engine)
    here = create_session_maker(engine)
    actor = await _resolve(here, cache)
    await _resolve(here, cache)
    async with here() as session:
        await volunteers.set_language(session, volunteer_id=actor.id, language="en")
    assert (await _resolve(here, cache)).language == "en"
    await _change(here, banned_at=utcnow())
    assert (await _resolve(here, cache)).banned


async def test_a_conversation_open_before_a_restart_still_takes_the_answers(
    client: BotClient, settings: Settings, session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n, bot: Bot, *, fake_session: RecordingSession,
) -> None:  # fmt: skip
    await send_photo(client, jpeg(wall_image(31)))
    # A new process with in-memory conversation state: the flag is unknown, one query finds
    # the draft.
    restarted = BotClient(
        create_dispatcher(settings=settings, session_maker=session_maker, i18n=i18n),
        bot,
        fake_session,
    )
    assert "@" in text(await restarted.send("Abay Ave 10"))  # the place; now the handle
    saved = text(await restarted.send("@restart_wall_shop"))
    assert len(numbers(saved)) == 2


async def test_a_link_after_the_finisher_saved_the_wall_is_a_report(
    client: BotClient, bot: Bot, i18n: I18n, dispatcher: Dispatcher
) -> None:
    await send_photo(client, jpeg(wall_image(32)))
    background = background_of(dispatcher)
    [saved] = await finish_abandoned_once(
        bot=bot,
        session_maker=background.session_maker,
        i18n=i18n,
        options=deps_of(dispatcher).graffiti_options,
        sender=background.sender,
        index=deps_of(dispatcher).phash_index,
        now=utcnow() + timedelta(minutes=11),
    )
    reply = text(await client.send("t.me/after_the_wall_shop"))
    [number] = numbers(reply)
    assert number != saved.report_id


async def test_a_wall_after_links_takes_the_next_text_as_its_place(client: BotClient) -> None:
    await client.send("t.me/before_the_wall_shop")  # known: no conversation open
    await client.send("t.me/before_the_wall_shop_2")
    await send_photo(client, jpeg(wall_image(33)))
    assert "@" in text(await client.send("Abay Ave 12"))  # the place; now the handle
    assert len(numbers(text(await client.send("@after_links_wall_shop")))) == 2
    assert "#" in text(await client.send("t.me/after_the_wall_shop"))
