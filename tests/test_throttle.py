"""Per-volunteer throttling through the real dispatcher: one notice, then silence, nothing saved,
and the next window admits again. Time is the frozen clock's; no test sleeps."""

from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_dispatcher
from bot.throttle_store import MemoryCounters
from models.enums import Role
from models.graffiti import GraffitiDraft
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services.throttle import Limit, Throttle, ThrottleLimits, Verdict
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, texts
from tests.support.fake_clock import FrozenClock
from tests.support.graffiti_helpers import jpeg, send_photo, wall_image
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import count
from tests.support.telegram_ids import tg_id

# Ten seconds into a clock minute and into a clock hour.
START = datetime(2026, 11, 2, 10, 0, 10, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, START)


def throttled(settings: Settings, *, messages: int = 0, links: int = 0) -> Settings:
    return settings.model_copy(
        update={
            "throttle": settings.throttle.model_copy(
                update={"messages_per_minute": messages, "links_per_hour": links}
            )
        }
    )


def client_for(
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> BotClient:
    dispatcher = create_dispatcher(settings=settings, session_maker=session_maker, i18n=i18n)
    return BotClient(dispatcher, bot, fake_session)


@pytest.fixture
def three_a_minute(
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> BotClient:
    return client_for(throttled(settings, messages=3), session_maker, i18n, bot, fake_session)


async def test_over_the_message_limit_one_notice_then_silence(
    three_a_minute: BotClient, db: AsyncSession, clock: FrozenClock
) -> None:
    for n in range(3):
        assert "новая жалоба" in " ".join(texts(await three_a_minute.send(f"t.me/shop_{n}")))
    [notice] = texts(await three_a_minute.send("t.me/shop_3"))
    assert "слишком часто" in notice
    assert "1 мин" in notice
    assert "не сохранил" in notice
    for n in range(4, 7):
        assert await three_a_minute.send(f"t.me/shop_{n}") == []
    assert await count(db, Report) == 3
    assert await count(db, Sighting) == 3

    clock.set(START + timedelta(seconds=50))  # the next clock minute
    assert "новая жалоба" in " ".join(texts(await three_a_minute.send("t.me/shop_7")))
    assert await count(db, Sighting) == 4


@pytest.mark.usefixtures("clock")
async def test_a_throttled_photo_or_command_stores_nothing(
    three_a_minute: BotClient, db: AsyncSession
) -> None:
    for n in range(4):
        await three_a_minute.send(f"t.me/shop_{n}")
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 800, "height": 600}]}
    assert await three_a_minute.send(caption="wall on Abaya", extra=photo) == []
    assert await three_a_minute.send("/start", entities=[_command("/start")]) == []
    state = await three_a_minute.dispatcher.fsm.get_context(
        three_a_minute.bot, three_a_minute.user_id, three_a_minute.user_id
    ).get_state()
    assert state is None  # no graffiti draft begun
    assert await count(db, Report) == 3


@pytest.fixture
def five_links_an_hour(
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> BotClient:
    client = client_for(throttled(settings, links=5), session_maker, i18n, bot, fake_session)
    return client.as_user(1003, language_code="en")


@pytest.mark.usefixtures("clock")
async def test_an_album_counts_once_and_is_never_cut_in_half(
    three_a_minute: BotClient, db: AsyncSession
) -> None:
    await three_a_minute.send("hello")
    await three_a_minute.send("hello")
    album = {"media_group_id": "wall-album-1"}
    assert len(texts(await send_photo(three_a_minute, jpeg(wall_image(1)), extra=album))) == 2
    for seed in (2, 3):  # parts two and three: the third and fourth messages of the minute
        assert texts(await send_photo(three_a_minute, jpeg(wall_image(seed)), extra=album)) == []
    assert await count(db, GraffitiDraft) == 1
    [notice] = texts(await three_a_minute.send("hello"))
    assert "слишком часто" in notice

    refused = {"media_group_id": "wall-album-2"}
    for seed in (4, 5, 6):  # over the limit from its first part: no part is kept
        assert await send_photo(three_a_minute, jpeg(wall_image(seed)), extra=refused) == []
    drafts = (await db.exec(select(GraffitiDraft))).all()
    assert [draft.media_group_id for draft in drafts] == ["wall-album-1"]


async def test_over_the_link_limit_refuses_the_whole_message(
    five_links_an_hour: BotClient, db: AsyncSession, clock: FrozenClock
) -> None:
    client = five_links_an_hour
    reply = " ".join(texts(await client.send("t.me/a_shop t.me/b_shop t.me/c_shop")))
    assert reply.count("new report") == 3
    [notice] = texts(await client.send("t.me/d_shop t.me/e_shop t.me/f_shop"))
    assert "a lot of links this hour" in notice
    assert "did not save this message" in notice
    assert "next 60 min" in notice
    assert await client.send("t.me/g_shop") == []
    assert await client.send("no links at all") != []  # the message limit is off
    assert await count(db, Sighting) == 3

    clock.set(START + timedelta(hours=1))
    assert "new report" in " ".join(texts(await client.send("t.me/g_shop")))
    assert await count(db, Sighting) == 4


@pytest.mark.usefixtures("clock")
async def test_staff_are_never_throttled(three_a_minute: BotClient, db: AsyncSession) -> None:
    db.add(Volunteer(telegram_id=tg_id(77), role=Role.MODERATOR, first_name="Mod"))
    await db.commit()
    moderator = three_a_minute.as_user(77)
    admin = three_a_minute.as_user(9001)
    assert admin.user_id == ADMIN_ID
    for person in (moderator, admin):
        for n in range(6):
            answer = " ".join(texts(await person.send(f"t.me/shop_{person.user_id}_{n}")))
            assert "жалоба" in answer, (person.user_id, n, answer)


@pytest.mark.usefixtures("clock")
async def test_senior_volunteers_are_throttled_like_volunteers(
    three_a_minute: BotClient, db: AsyncSession
) -> None:
    """A senior sends links as a volunteer does: the role exempts only moderators."""
    db.add(Volunteer(telegram_id=tg_id(78), role=Role.SENIOR, first_name="Senior"))
    await db.commit()
    senior = three_a_minute.as_user(78)
    for n in range(3):
        assert "новая жалоба" in " ".join(texts(await senior.send(f"t.me/senior_shop_{n}")))
    [notice] = texts(await senior.send("t.me/senior_shop_3"))
    assert "слишком часто" in notice
    assert await count(db, Report) == 3


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["слишком часто", "1 мин", "не сохранил"]),
        ("kk", ["тым жиі", "1 мин", "сақтамадым"]),
        ("en", ["too fast", "1 min", "did not save"]),
    ],
)
@pytest.mark.usefixtures("clock")
async def test_the_notice_speaks_the_volunteers_language(
    three_a_minute: BotClient, language: str, words: list[str]
) -> None:
    client = three_a_minute.as_user(1010, language_code=language)
    for n in range(3):
        await client.send(f"hello {n}")
    [notice] = texts(await client.send("hello again"))
    for word in words:
        assert word in notice, (language, notice)


async def test_the_service_decides_admit_notify_silent(clock: FrozenClock) -> None:
    store = MemoryCounters()
    throttle = Throttle(store, ThrottleLimits(messages_per_minute=2, links_per_hour=0))
    verdicts = [(await throttle.check(7)).verdict for _ in range(4)]
    assert verdicts == [Verdict.ADMIT, Verdict.ADMIT, Verdict.NOTIFY, Verdict.SILENT]
    refused = await throttle.check(7)
    assert (refused.limit, refused.retry_minutes) == (Limit.MESSAGES, 1)
    assert (await throttle.check(8)).verdict is Verdict.ADMIT  # another volunteer's count
    clock.set(START + timedelta(minutes=1))
    assert (await throttle.check(7)).verdict is Verdict.ADMIT


async def test_the_parts_of_an_album_share_its_first_verdict(clock: FrozenClock) -> None:
    throttle = Throttle(MemoryCounters(), ThrottleLimits(messages_per_minute=2, links_per_hour=2))
    parts = [(await throttle.check(7, album="a")).verdict for _ in range(5)]
    assert parts == [Verdict.ADMIT] * 5
    assert (await throttle.check(7, album="a", links=3)).verdict is Verdict.NOTIFY  # links count
    assert (await throttle.check(7)).verdict is Verdict.ADMIT  # the album was one message
    over = [(await throttle.check(7, album="b")).verdict for _ in range(3)]
    assert over == [Verdict.NOTIFY, Verdict.SILENT, Verdict.SILENT]
    clock.set(START + timedelta(minutes=1))
    assert (await throttle.check(7, album="b")).verdict is Verdict.SILENT  # still that album


async def test_memory_counters_expire_and_are_swept() -> None:
    store = MemoryCounters()
    assert await store.add("k", 2, ttl_s=10, now=100.0) == 2
    assert await store.add("k", 1, ttl_s=10, now=105.0) == 3
    assert await store.add("k", 1, ttl_s=10, now=116.0) == 1  # expired: counting starts again
    assert await store.first("n", ttl_s=10, now=100.0)
    assert not await store.first("n", ttl_s=10, now=109.0)
    assert await store.first("n", ttl_s=10, now=111.0)
    await store.add("other", 1, ttl_s=10, now=1000.0)  # a sweep is due: the old keys go
    assert len(store) == 1


def _command(command: str) -> dict[str, object]:
    return {"type": "bot_command", "offset": 0, "length": len(command)}
