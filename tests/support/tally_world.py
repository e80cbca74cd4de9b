"""Helpers for the tallies, digest and broadcast tests: volunteers, reports, digest chats.

Data is built through the services (intake, lifecycle); graffiti rows are written the way
services/graffiti/finish.py writes them, without the photo conversation.
"""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.methods import GetMe, TelegramMethod
from aiogram.methods.base import TelegramType
from sqlmodel.ext.asyncio.session import AsyncSession

import services.clock
from bot.config import DigestChat, DigestSettings, Settings
from models.base import saved_id
from models.enums import District, ReportStatus, TargetKind
from models.graffiti import Graffiti
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services import kept_tallies, volunteers
from services.clock import ALMATY
from services.intake import submit_links
from services.lifecycle import change_status
from tests.support.fake_clock import FrozenClock
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import realistic


def almaty(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ALMATY)


async def make_volunteer(
    db: AsyncSession, telegram_id: int, first_name: str = "", username: str | None = None
) -> Volunteer:
    return await volunteers.register(
        db,
        telegram_id=realistic(telegram_id),
        first_name=first_name or f"Name{telegram_id}",
        username=username,
        telegram_language="ru",
    )


async def send_links(db: AsyncSession, volunteer: Volunteer, *links: str) -> list[int]:
    result = await submit_links(
        db,
        volunteer_id=saved_id(volunteer),
        chat_id=volunteer.telegram_id,
        message_id=1,
        links=list(links),
        max_links=20,
    )
    return [link.report_id or 0 for link in result.links]


async def send_graffiti(db: AsyncSession, volunteer: Volunteer, district: District) -> int:
    now = services.clock.utcnow()
    report = Report(
        kind=TargetKind.GRAFFITI,
        display="graffiti",
        found_by_id=volunteer.id,
        created_at=now,
        status_changed_at=now,
    )
    db.add(report)
    await db.flush()
    db.add(
        Sighting(
            report_id=saved_id(report),
            volunteer_id=saved_id(volunteer),
            chat_id=volunteer.telegram_id,
            message_id=1,
            text_as_sent="[photo]",
            created_at=now,
        )
    )
    await kept_tallies.sighting_added(
        db, report=report, volunteer_id=saved_id(volunteer), created_at=now
    )
    unique = f"u{report.id}"
    db.add(Graffiti(report_id=saved_id(report), file_id=unique, file_unique_id=unique,
                    district=district))  # fmt: skip
    await db.commit()
    return saved_id(report)


async def move(db: AsyncSession, ids: list[int], to: ReportStatus, actor: Volunteer) -> None:
    result = await change_status(db, report_ids=ids, to=to, actor_id=actor.id)
    assert not result.refused, result.refused


class ScriptedSession(RecordingSession):
    """A recording session that answers 403 for blocked chats and can 'crash' after k sends."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: set[int] = set()
        self.crash_after: int | None = None
        self.crash: asyncio.Event = asyncio.Event()
        self.delivered: list[TelegramMethod[Any]] = []
        # Requests held at the crash: they never reach Telegram and end only when cancelled.
        self.stuck: set[asyncio.Task[Any]] = set()
        self._stuck_more = asyncio.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        chat_id = getattr(method, "chat_id", None)
        if self.crash_after is not None and len(self.delivered) >= self.crash_after:
            self.crash.set()
            task = asyncio.current_task()
            assert task is not None
            self.stuck.add(task)
            self._stuck_more.set()
            # The process dies before this request reaches Telegram: wait for the kill.
            await asyncio.get_running_loop().create_future()
        if chat_id in self.blocked:
            self.fail_next(
                type(method).__name__,
                error_code=403,
                description="Forbidden: bot was blocked by the user",
            )
        result = await super().make_request(bot, method, timeout)
        if not isinstance(method, GetMe):  # the digest asks who the bot is: not a delivery
            self.delivered.append(method)
        return result

    async def settled(self, *, besides: set["asyncio.Future[Any]"]) -> None:
        """Return once every other task is done or held at the crash: the sends that reached
        Telegram have their outcomes recorded. `besides` are the tasks that wait on those sends
        (the run itself); the paced sender's scheduler waits for them too."""
        while True:
            waiting = {
                task
                for task in asyncio.all_tasks()
                if not task.done()
                and task is not asyncio.current_task()
                and task not in self.stuck
                and task not in besides
                and task.get_name() != "paced-sender"
            }
            if not waiting:
                return
            self._stuck_more.clear()
            more_stuck = asyncio.ensure_future(self._stuck_more.wait())
            await asyncio.wait({*waiting, more_stuck}, return_when=asyncio.FIRST_COMPLETED)
            more_stuck.cancel()
            await asyncio.wait({more_stuck})  # gone before the next look at all tasks


def week_of_fixture() -> tuple[datetime, datetime]:
    """2026-W47 (Monday 16 to Sunday 22 November, Almaty)."""
    start = almaty(11, 16, 0)
    return start, start + timedelta(days=7)


async def fixture_weeks(db: AsyncSession, clock: FrozenClock) -> dict[str, Volunteer]:
    """Weeks 46 and 47 of 2026, as described in tests/test_digest.py."""
    people = {
        "mod": await make_volunteer(db, 500, "Moderator"),
        "a": await make_volunteer(db, 501, "Aruzhan", "aruzhan_a"),
        "b": await make_volunteer(db, 502, "Bakhyt", "bakhyt_b"),
        "c": await make_volunteer(db, 503, "Camila"),
        "d": await make_volunteer(db, 504, "Daniyar"),
        "g": await make_volunteer(db, 505, "Gulnara", "gulnara_g"),
    }
    mod = people["mod"]
    clock.set(almaty(11, 10, 10))
    one, two = await send_links(db, people["a"], "t.me/shop_one", "shop-two.kz")
    old_wall = await send_graffiti(db, people["g"], District.ALMALY)
    clock.set(almaty(11, 11, 12))
    await move(db, [one], ReportStatus.ACCEPTED, mod)
    clock.set(almaty(11, 16, 9))
    _, three = await send_links(db, people["b"], "t.me/shop_one", "t.me/shop_three")
    clock.set(almaty(11, 16, 9, 30))
    _, four = await send_links(db, people["c"], "t.me/shop_three", "t.me/shop_four")
    clock.set(almaty(11, 16, 12))
    await move(db, [two, three], ReportStatus.ACCEPTED, mod)
    clock.set(almaty(11, 17, 10))
    walls = [
        await send_graffiti(db, people["g"], district)
        for district in (District.ALMALY, District.ALMALY, District.MEDEU)
    ]
    clock.set(almaty(11, 17, 12))
    await move(db, [four], ReportStatus.REJECTED, mod)
    await move(db, [old_wall, *walls], ReportStatus.ACCEPTED, mod)
    clock.set(almaty(11, 18, 12))
    await move(db, [one, two, three], ReportStatus.SENT, mod)
    clock.set(almaty(11, 19, 12))
    await move(db, [one], ReportStatus.BLOCKED, mod)
    clock.set(almaty(11, 20, 12))
    await move(db, [three], ReportStatus.BLOCKED, mod)
    clock.set(almaty(11, 21, 10))
    await send_links(db, people["d"], "t.me/shop_one")  # already blocked: worth nothing
    await move(db, [walls[0]], ReportStatus.PAINTED_OVER, mod)
    clock.set(almaty(11, 23, 11))  # Monday of week 48, after the digest moment
    return people


async def active_volunteers(
    db: AsyncSession, count: int, *, first_id: int = 7000
) -> list[Volunteer]:
    """Volunteers who each sent one link now: the ones a personal weekly message goes to."""
    people = []
    for index in range(count):
        person = await make_volunteer(db, first_id + index)
        await send_links(db, person, f"t.me/active_shop_{first_id + index}")
        people.append(person)
    return people


def with_digest_chats(settings: Settings, chats: list[tuple[int, str]]) -> Settings:
    """The test settings with these (chat id, language) pairs receiving the digest."""
    digest = DigestSettings(chats=[DigestChat(chat_id=c, language=lang) for c, lang in chats])
    return settings.model_copy(update={"digest": digest})


class SlowAnswers(RecordingSession):
    """Telegram gets every request at once; its answers come back only once `answers` is set
    (by the test, or by itself when `answer_after` requests are in): a test decides when."""

    def __init__(self, answer_after: int | None = None) -> None:
        super().__init__()
        self.answer_after = answer_after
        self.arrived = asyncio.Event()
        self.answers = asyncio.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        result = await super().make_request(bot, method, timeout)
        if isinstance(method, GetMe):  # who the bot is: answered at once, not a delivery
            return result
        self.arrived.set()
        deliveries = [r for r in self.requests if not isinstance(r, GetMe)]
        if self.answer_after is not None and len(deliveries) >= self.answer_after:
            self.answers.set()
        await self.answers.wait()
        return result


async def active_before_digest(
    clock: FrozenClock, db: AsyncSession, count: int
) -> list[Volunteer]:
    """`count` volunteers active in week 47, the clock then at the digest's Monday hour."""
    clock.set(almaty(11, 18))
    people = await active_volunteers(db, count, first_id=7100)
    clock.set(almaty(11, 23, 11))
    return people
