"""Everything a moderator's queue card or /report screen shows, read in explicit queries.

Nothing here lazy-loads: each piece is one SELECT, so rendering never touches the database.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import Category, NoteCode, ReportStatus, TargetKind
from models.moderation import AuditEntry
from models.report import Evidence, Report, Sighting
from models.volunteer import Volunteer
from services.graffiti.view import GraffitiView, graffiti_details, graffiti_for_target
from services.identity import Target, canonicalize
from services.identity.lookalike import is_lookalike, safe_display
from services.lifecycle import Why, valid_id
from services.probe.check_lines import CheckLine, latest_check_lines
from services.probe.observed import sent_to_blocked_observed
from services.refang import refang
from services.report_photos import ReportPhoto, report_photos
from services.reported_by import reported_by_one
from services.senior_votes import SeniorTally, tally

SIBLING_LIMIT = 10
# Whose words a card quotes (newest first); /report quotes more. Never with a name on the card.
WORDS_ON_CARD = 3
WORDS_IN_REPORT = 10


@dataclass(frozen=True, slots=True)
class ReportLine:
    report_id: int
    status: ReportStatus
    display: str = ""


@dataclass(frozen=True, slots=True)
class CardView:
    report_id: int
    display: str
    kind: TargetKind
    site_key: str | None
    status: ReportStatus
    category: Category | None
    created_at: datetime
    reported_by: int  # volunteers who reported it (services/reported_by)
    siblings: list[ReportLine]
    banned_reporter: bool
    merged_into_id: int | None
    resolution_code: NoteCode | None
    resolution_note: str | None
    batch_id: int | None
    found_by_id: int | None
    # A graffiti report's street details; for an online target, the walls advertising it.
    graffiti: GraffitiView | None = None
    walls: tuple[GraffitiView, ...] = ()
    lookalike: bool = False  # the host mixes alphabets to pass for another site
    # What /photo N sends: a wall's photos, or an online report's screenshots.
    photos: tuple[ReportPhoto, ...] = ()
    # The latest check of the target (the evidence check at intake, for a new web report).
    last_check: CheckLine | None = None
    # What volunteers wrote around their links or under their photo, newest first, no names:
    # for moderators only (services/words.py).
    words: tuple[str, ...] = ()
    # Notes volunteers added later to their own new report (services/finder_notes.py), newest
    # first, no names: for moderators only, like the words.
    notes: tuple[str, ...] = ()
    # Senior volunteers' votes, counted without names, and their call once two agreed.
    seniors: SeniorTally | None = None


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    from_status: ReportStatus
    to_status: ReportStatus
    actor_name: str | None  # None: the bot itself
    why: Why


@dataclass(frozen=True, slots=True)
class Reporter:
    first_name: str
    username: str | None
    telegram_id: int
    at: datetime
    is_finder: bool
    banned: bool


@dataclass(frozen=True, slots=True)
class FullReport:
    card: CardView
    history: list[HistoryLine]
    evidence: list[str]
    reporters: list[Reporter]
    reporters_total: int
    checks: list[CheckLine] = field(default_factory=list)
    # First sent → first check that found it blocked or removed (services/probe/observed.py).
    sent_to_blocked_observed: timedelta | None = None


async def volunteers_words(session: AsyncSession, report_id: int, *, limit: int) -> list[str]:
    """The words kept with the report's sightings, newest first (one volunteer, one entry)."""
    rows = await session.exec(
        select(Sighting.words)
        .where(Sighting.report_id == report_id, col(Sighting.words).is_not(None))
        .order_by(col(Sighting.created_at).desc(), col(Sighting.id).desc())
        .limit(limit)
    )
    return [words for words in rows.all() if words]


async def volunteers_notes(session: AsyncSession, report_id: int, *, limit: int) -> list[str]:
    """The notes kept with the report's sightings, newest sighting first."""
    rows = await session.exec(
        select(Sighting.note)
        .where(Sighting.report_id == report_id, col(Sighting.note).is_not(None))
        .order_by(col(Sighting.created_at).desc(), col(Sighting.id).desc())
        .limit(limit)
    )
    return [note for note in rows.all() if note]


async def load_card(
    session: AsyncSession, report_id: int, *, words_limit: int = WORDS_ON_CARD
) -> CardView | None:
    if not valid_id(report_id):
        return None
    report = await session.get(Report, report_id, populate_existing=True)
    if report is None:
        return None
    banned_reporters = (
        await session.exec(
            select(func.count(col(Volunteer.banned_at)))
            .select_from(Sighting)
            .join(Volunteer, col(Volunteer.id) == col(Sighting.volunteer_id))
            .where(Sighting.report_id == report_id)
        )
    ).one()
    siblings: list[ReportLine] = []
    if report.site_key:
        rows = await session.exec(
            select(Report.id, Report.status)
            .where(Report.site_key == report.site_key, col(Report.id) != report_id)
            .order_by(col(Report.id))
            .limit(SIBLING_LIMIT)
        )
        siblings = [ReportLine(rid or 0, ReportStatus(status)) for rid, status in rows.all()]
    is_graffiti = report.kind == TargetKind.GRAFFITI
    return CardView(
        report_id=report_id,
        display=safe_display(report.kind, report.canonical_key, report.display),
        lookalike=is_lookalike(report.kind, report.canonical_key),
        kind=report.kind,
        site_key=report.site_key,
        status=report.status,
        category=report.category,
        created_at=report.created_at,
        reported_by=await reported_by_one(session, report_id),
        siblings=siblings,
        banned_reporter=banned_reporters > 0,
        merged_into_id=report.merged_into_id,
        resolution_code=report.resolution_code,
        resolution_note=report.resolution_note,
        batch_id=report.batch_id,
        found_by_id=report.found_by_id,
        graffiti=await graffiti_details(session, report_id) if is_graffiti else None,
        walls=() if is_graffiti else tuple(await graffiti_for_target(session, report_id)),
        photos=tuple(await report_photos(session, report_id)),
        last_check=next(iter(await latest_check_lines(session, report_id, limit=1)), None),
        words=tuple(await volunteers_words(session, report_id, limit=words_limit)),
        notes=tuple(await volunteers_notes(session, report_id, limit=words_limit)),
        seniors=await tally(session, report_id, report.seniors_say),
    )


async def load_full(
    session: AsyncSession, report_id: int, *, reporter_limit: int = 25, history_limit: int = 20
) -> FullReport | None:
    card = await load_card(session, report_id, words_limit=WORDS_IN_REPORT)
    if card is None:
        return None
    history_rows = await session.exec(
        select(AuditEntry, Volunteer.first_name)
        .outerjoin(Volunteer, col(Volunteer.id) == col(AuditEntry.actor_id))
        .where(AuditEntry.report_id == report_id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(history_limit)
    )
    history = [
        HistoryLine(
            entry.at,
            entry.from_status,
            entry.to_status,
            name,
            Why(entry.code, entry.note, ref_id=entry.ref_id, district=entry.district),
        )
        for entry, name in reversed(history_rows.all())
    ]
    evidence = (
        await session.exec(
            select(Evidence.url)
            .where(Evidence.report_id == report_id)
            .order_by(col(Evidence.id))
            .limit(10)
        )
    ).all()
    reporter_rows = await session.exec(
        select(Volunteer, Sighting.created_at)
        .join(Sighting, col(Sighting.volunteer_id) == col(Volunteer.id))
        .where(Sighting.report_id == report_id)
        .order_by(col(Sighting.created_at), col(Sighting.id))
        .limit(reporter_limit)
    )
    reporters = [
        Reporter(
            first_name=volunteer.first_name,
            username=volunteer.username,
            telegram_id=volunteer.telegram_id,
            at=at,
            is_finder=volunteer.id == card.found_by_id,
            banned=volunteer.banned_at is not None,
        )
        for volunteer, at in reporter_rows.all()
    ]
    return FullReport(
        card,
        history,
        list(evidence),
        reporters,
        card.reported_by,
        checks=await latest_check_lines(session, report_id),
        sent_to_blocked_observed=await sent_to_blocked_observed(session, report_id),
    )


@dataclass(frozen=True, slots=True)
class FindResult:
    target: Target | None  # None: the query is not a link, domain or handle
    reports: list[ReportLine]


async def find_reports(session: AsyncSession, query: str, *, limit: int = 30) -> FindResult:
    """By canonical key; a bare domain or handle also finds every report on that site."""
    target = canonicalize(refang(query.strip()))
    if not isinstance(target, Target):
        return FindResult(None, [])
    exact = or_(col(Report.canonical_key) == target.key, col(Report.site_key) == target.site_key)
    if target.key != target.site_key:
        # A page: the page itself, and its site's other reports only if the page is unknown.
        known = (
            await session.exec(select(Report.id).where(Report.canonical_key == target.key))
        ).first()
        if known is not None:
            exact = col(Report.canonical_key) == target.key
    rows = await session.exec(
        select(Report.id, Report.status, Report.display)
        .where(exact)
        .order_by(col(Report.id))
        .limit(limit)
    )
    return FindResult(
        target,
        [
            ReportLine(rid or 0, ReportStatus(status), display)
            for rid, status, display in rows.all()
        ],
    )
