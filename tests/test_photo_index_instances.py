"""Two bot instances on one database see each other's wall photos as possible duplicates.

Each instance (dispatcher, Bot, engine) keeps its own photo-hash index, as two processes would;
the index catches up with the database before each match (services/graffiti/photo_index.py).
"""

from collections.abc import AsyncIterator

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot, create_dispatcher, deps_of
from models.engine import create_engine, create_session_maker
from models.graffiti import Graffiti
from services.graffiti.photo_index import GAP_SECONDS, PhashIndex
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, text
from tests.support.graffiti_helpers import graffiti, jpeg, send_location, send_photo, wall_image
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import wall_report


@pytest.fixture
async def other_instance(
    engine: AsyncEngine, settings: Settings, i18n: I18n
) -> AsyncIterator[BotClient]:
    """A second instance: its own engine, dispatcher, index and Bot, on the same database."""
    own = create_engine(engine.url.render_as_string(hide_password=False))
    dispatcher = create_dispatcher(
        settings=settings, session_maker=create_session_maker(own), i18n=i18n
    )
    fake = RecordingSession()
    yield BotClient(dispatcher, create_bot(settings, session=fake), fake, user_id=1202)
    await own.dispose()


async def near_copy(client: BotClient, seed: int) -> int:
    """The same wall photographed again (recompressed: another file, a near-identical hash)."""
    await send_photo(client, jpeg(wall_image(seed), 60))
    await send_location(client, (43.25, 76.92))
    return numbers(text(await client.send("-")))[0]


async def whole_wall(client: BotClient, seed: int) -> int:
    await send_photo(client, jpeg(wall_image(seed)))
    await send_location(client, (43.26, 76.93))
    return numbers(text(await client.send("-")))[0]


async def test_a_wall_saved_on_one_instance_is_a_possible_duplicate_on_the_other(
    client: BotClient, other_instance: BotClient, db: AsyncSession
) -> None:
    # Each instance has matched once (its index is loaded) before the other saves anything.
    await whole_wall(other_instance, 40)
    await whole_wall(client.as_user(1203), 41)
    first = await whole_wall(client, 42)
    second = await near_copy(other_instance.as_user(1204), 42)
    assert second != first
    assert (await graffiti(db, second)).possible_duplicate_of == first
    # What the moderator reads on instance B names the wall instance A saved.
    moderator = other_instance.as_user(ADMIN_ID, language_code="en")
    assert f"Possible duplicate of #{first}." in text(await moderator.send(f"/report {second}"))
    # And the other way round: B saves a wall, A sees it.
    third = await whole_wall(other_instance.as_user(1205), 43)
    fourth = await near_copy(client.as_user(1206), 43)
    assert (await graffiti(db, fourth)).possible_duplicate_of == third
    # A different wall is no duplicate of anything.
    fifth = await near_copy(other_instance.as_user(1207), 44)
    assert (await graffiti(db, fifth)).possible_duplicate_of is None
    # Each index holds every photo once, whichever instance saved it.
    for instance in (client, other_instance):
        index = deps_of(instance.dispatcher).phash_index
        await index.catch_up(db)
        assert len(index) == 7


async def add_wall(db: AsyncSession, *, row_id: int, phash: int, volunteer: int) -> int:
    report_id = await wall_report(db, volunteer)
    db.add(
        Graffiti(
            id=row_id,
            report_id=report_id,
            file_id=f"f{row_id}",
            file_unique_id=f"u{row_id}",
            phash=phash,
        )
    )
    await db.commit()
    return report_id


async def test_a_row_committed_after_a_higher_one_is_still_read(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    """On PostgreSQL id 10 may commit after id 11: the index looks for the hole again."""
    now = [0.0]
    index = PhashIndex(clock=lambda: now[0])
    async with session_maker() as db:
        high = await add_wall(db, row_id=11, phash=0x0F0F, volunteer=1301)
        await index.catch_up(db)
        assert [m.report_id for m in index.search(0x0F0F, 0)] == [high]
        # Committed late, and read however long after it was first missed.
        now[0] = 10 * GAP_SECONDS
        late = await add_wall(db, row_id=10, phash=0x7777, volunteer=1302)
        await index.catch_up(db)
        assert [m.report_id for m in index.search(0x7777, 0)] == [late]
        await index.catch_up(db)
        assert len(index) == 2  # nothing read twice
