"""The weekly digest: posted by a periodic job (`weekly_digest`) and by /digest_now, exactly once.

The job runs on start-up, so a digest that is due and not yet delivered is posted then
(catch-up within the week); then at the digest's moment (`[digest] weekday` and `time`, Asia/
Almaty), and at least hourly in between, so that deliveries that failed, or volunteers who
turned the message back on, are served within the week too. /digest_now reaches the same
BulkMessages through the handlers' dependencies and spawns its run on the job runner.

Bulk posts go through the one PacedSender. Each digest recipient's delivery is recorded right
after its send succeeded; recipients already recorded for the week are left out, so a run cut
short (crash, restart, a second /digest_now) resumes where it stopped, and a run with nobody
waiting returns before building anything. A run first freezes the funnel counts of the chart's
ended weeks (services/digest/counts.py), in its own short transaction, so the digest itself reads
eleven small rows instead of counting three months of history.
"""

import asyncio
import logging
from datetime import datetime

from aiogram import Bot
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import message_delivery, telegram_call
from bot.jobs.runner import Periodic
from bot.jobs.schedules import Weekly
from models.enums import RecipientKind
from services.clock import utcnow
from services.digest.build import PersonalNumbers, build_digest, chart_weeks, personal_numbers
from services.digest.counts import freeze_ended_weeks
from services.digest.deliveries import (
    DigestRunReport,
    PersonalRecipient,
    pending_chats,
    pending_volunteers,
    record_delivery,
)
from services.first_start import first_start
from services.locales import pick_locale
from services.pacing import Delivery, DeliveryOutcome, PacedSender
from services.schedule import due_week, parse_clock
from services.tallies import PointWeights, Tally, ranks
from services.volunteers import mark_unreachable
from services.weeks import Week
from views.digest import personal_text, render_for_chat

logger = logging.getLogger(__name__)

RECHECK_EVERY = 3600.0


def weights_of(settings: Settings) -> PointWeights:
    return PointWeights(**settings.points.model_dump())


def _chat_delivery(bot: Bot, chat_id: int, text: str, png: bytes, text_sent: set[int]) -> Delivery:
    # The text and its chart are one delivery; after a 429 only the part not yet sent is retried.
    # `text_sent` learns the chats that have the text, whatever then becomes of the chart.
    done: set[str] = set()

    async def send_text() -> object:
        return await bot.send_message(chat_id=chat_id, text=text)

    async def send_chart() -> object:
        return await bot.send_photo(
            chat_id=chat_id, photo=BufferedInputFile(png, filename="digest.png")
        )

    async def send() -> None:
        for name, call in (("text", send_text), ("chart", send_chart)):
            if name not in done:
                await telegram_call(call)()
                done.add(name)
                if name == "text":
                    text_sent.add(chat_id)

    return Delivery(chat_id=chat_id, send=send, key=(RecipientKind.CHAT, chat_id))


def _personal_texts(
    i18n: I18n, week: Week, people: list[PersonalRecipient], numbers: PersonalNumbers
) -> dict[int, str]:
    week_ranks = ranks(numbers.points(all_time=False))
    total_ranks = ranks(numbers.points(all_time=True))
    texts = {}
    with i18n.context():
        for person in people:
            volunteer_id = person.volunteer_id
            with i18n.use_locale(pick_locale(person.language, person.telegram_language)):
                texts[volunteer_id] = personal_text(
                    week=week,
                    tally=numbers.week.get(volunteer_id, Tally(volunteer_id)),
                    week_rank=week_ranks.get(volunteer_id),
                    total_points=numbers.all_time.get(volunteer_id, Tally(volunteer_id)).points,
                    total_rank=total_ranks.get(volunteer_id),
                )
    return texts


class BulkMessages:
    def __init__(
        self,
        *,
        settings: Settings,
        session_maker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        sender: PacedSender,
    ) -> None:
        self.settings, self.session_maker, self.i18n = settings, session_maker, i18n
        self.sender = sender
        # The scheduler and /digest_now share this object: two runs at once would both find the
        # same people waiting and send them two copies.
        self._digest_lock = asyncio.Lock()

    async def run_digest(self, *, bot: Bot, week: Week) -> DigestRunReport:
        """Post `week`'s digest to everyone who has not had it yet (one run at a time)."""
        async with self._digest_lock:
            return await self._run_digest(bot=bot, week=week)

    async def _run_digest(self, *, bot: Bot, week: Week) -> DigestRunReport:
        weights = weights_of(self.settings)
        languages = {chat.chat_id: chat.language for chat in self.settings.digest.chats}
        async with self.session_maker() as session:
            started = await first_start(session)
            if started is not None and week.end <= started:
                return DigestRunReport(week, 0, 0, None, predates_bot=True)
            chat_ids = await pending_chats(session, week=week, chat_ids=list(languages))
            people = await pending_volunteers(session, week=week)
            if not chat_ids and not people:
                return DigestRunReport(week, 0, 0, None)
            if await freeze_ended_weeks(session, chart_weeks(week), now=utcnow()):
                await session.commit()
            digest = await build_digest(session, week=week, weights=weights)
            numbers = await personal_numbers(
                session, week=week, weights=weights, week_tallies=digest.tallies
            )
        deliveries: list[Delivery] = []
        rendered: dict[str, tuple[str, bytes]] = {}
        text_sent: set[int] = set()
        # The channel post ends with the bot's @username, so readers can join from it; getMe is
        # asked once per Bot (aiogram keeps the answer) and only when a chat is waiting.
        username = (await bot.me()).username if chat_ids else None
        for chat_id in chat_ids:
            locale = languages[chat_id]
            if locale not in rendered:
                rendered[locale] = await render_for_chat(
                    digest, self.i18n, locale, bot_username=username
                )
            deliveries.append(_chat_delivery(bot, chat_id, *rendered[locale], text_sent))
        texts = _personal_texts(self.i18n, week, people, numbers)
        deliveries += [
            message_delivery(
                bot,
                person.telegram_id,
                texts[person.volunteer_id],
                key=(RecipientKind.VOLUNTEER, person.volunteer_id),
            )
            for person in people
        ]

        async def on_outcome(delivery: Delivery, outcome: DeliveryOutcome) -> None:
            assert isinstance(delivery.key, tuple)
            kind: RecipientKind = delivery.key[0]
            recipient_id: int = delivery.key[1]
            # A chat that has the text but refused the chart (no right to post photos, say) is
            # served: the hourly pass would otherwise post the same text again and again.
            chart_only = kind is RecipientKind.CHAT and recipient_id in text_sent
            if chart_only and outcome is not DeliveryOutcome.SENT:
                logger.warning("digest %s: the chart to chat %s failed", week.key, recipient_id)
            async with self.session_maker() as session:
                if outcome is DeliveryOutcome.SENT or chart_only:
                    await record_delivery(session, week=week, kind=kind, recipient_id=recipient_id)
                elif outcome is DeliveryOutcome.UNAVAILABLE and kind is RecipientKind.VOLUNTEER:
                    await mark_unreachable(session, volunteer_id=recipient_id)
                elif outcome is DeliveryOutcome.FAILED:
                    logger.warning("digest %s to %s %s failed", week.key, kind, recipient_id)

        progress = await self.sender.deliver(deliveries, on_outcome=on_outcome)
        logger.info(
            "digest %s: %s sent, %s unavailable, %s failed",
            week.key,
            progress.sent,
            progress.unavailable,
            progress.failed,
        )
        return DigestRunReport(week, len(chat_ids), len(people), progress)


def digest_schedule(settings: Settings) -> Weekly:
    return Weekly(
        weekday=settings.digest.weekday,
        at=parse_clock(settings.digest.time),
        recheck_every=RECHECK_EVERY,
    )


def weekly_digest(*, bot: Bot, bulk: BulkMessages, settings: Settings) -> Periodic:
    schedule = digest_schedule(settings)

    async def run(now: datetime) -> DigestRunReport | None:
        week = due_week(now, weekday=schedule.weekday, at=schedule.at)
        if week is None:
            return None
        return await bulk.run_digest(bot=bot, week=week)

    return Periodic("weekly-digest", run, schedule)
