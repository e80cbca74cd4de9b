"""The regulator's verdicts: blocked or declined, by report numbers or by an uploaded URL list.

A list line is matched by canonical key, so any spelling of a link finds its report. A line
that names only a domain (`shop.kz`) stands for every report on that site: such matches are
returned separately so that the moderator confirms them before anything changes.

A verdict is recorded in chunks of `CHUNK_REPORTS` reports, each its own short transaction. A
5,000-line list written as one transaction held SQLite's write lock and the event loop for
seconds, and every volunteer's link waited behind it. Chunking keeps the house rule "a reply
says saved only after the commit" where it matters: each report's verdict is an independent
fact with its own audit entry and notices, committed with its chunk (the writer rests between
chunks, see REST_SECONDS); the reply lists exactly the reports whose chunk committed, and, if a
chunk fails, which reports were not recorded (the failed chunk and every later one: nothing
after a failure is tried). Sending the list again is safe: reports already marked come back as
"Not changed: … — blocked". The parsing (decoding, CSV, canonical keys) is CPU work and runs
in a worker thread.
"""

import asyncio
import csv
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus, TargetKind
from models.report import Report
from models.sqlite_writer import write_gate
from services import lifecycle
from services.identity import Target, canonicalize
from services.refang import refang
from services.text_files import decode_text

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 1_000_000
MAX_LINES = 5_000
MAX_REASON_LENGTH = 500
URL_COLUMNS = frozenset({"url", "link", "ссылка"})
# still online: a sent target a moderator checked is not blocked yet; reappeared: a blocked
# target is back, so the next /batch sends it again. The rechecks (services/probe) record
# them too, after two consistent checks; moderators may still record them by hand.
VERDICTS = frozenset(
    {
        ReportStatus.BLOCKED,
        ReportStatus.DECLINED,
        ReportStatus.STILL_ONLINE,
        ReportStatus.REAPPEARED,
    }
)
# Reports read per query when matching a list: loading a report costs event-loop time too.
_CHUNK = 100
# Reports per transaction of a verdict: some 6 ms of work each on the development machine, so
# the event loop and SQLite's write lock are never held much longer than a link's own reply.
CHUNK_REPORTS = 10
# After each chunk the writer rests as long as the chunk took (within these bounds): a bulk
# write takes at most about half of the loop and of SQLite's write lock. Without the rest,
# volunteers' links waiting in SQLite's busy handler (which polls every 100 ms once it has
# waited a while) rarely found the lock free and waited seconds, some past the 5 s time-out.
REST_SECONDS = (0.01, 0.2)
_HOST_END = re.compile(r"[/?#]")


@dataclass(slots=True)
class VerdictResult(lifecycle.TransitionResult):
    # Reports left unchanged because their chunk (or an earlier one) failed to commit.
    not_recorded: list[int] = field(default_factory=list)


async def record_verdict(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    verdict: ReportStatus,
    actor_id: int,
    reason: str | None = None,
    progress: Callable[[int, int], Awaitable[None]] | None = None,
) -> VerdictResult:
    """What the regulator or a check found; reports whose status forbids it come back refused.

    Committed chunk by chunk; `changed` and `refused` are what the committed chunks did.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"not a verdict: {verdict}")
    note = (reason or "").strip()[:MAX_REASON_LENGTH] or None
    ids = list(dict.fromkeys(report_ids))
    result = VerdictResult()
    # Intake's writer waits for each chunk here rather than in SQLite's busy handler.
    gate = write_gate(session.bind)  # type: ignore[arg-type]
    took = 0.0
    for start in range(0, len(ids), CHUNK_REPORTS):
        chunk = ids[start : start + CHUNK_REPORTS]
        if start:
            await _rest(took)
        began = time.monotonic()
        try:
            async with gate or nullcontext():
                done = await lifecycle.change_status(
                    session, report_ids=chunk, to=verdict, actor_id=actor_id,
                    why=lifecycle.Why(text=note),
                )  # fmt: skip
        except SQLAlchemyError:
            logger.exception("verdict %s: chunk of %s reports not recorded", verdict, len(chunk))
            await _discard(session)
            result.not_recorded = ids[start:]
            return result
        result.changed += done.changed
        result.refused += done.refused
        took = time.monotonic() - began
        if progress is not None:
            await progress(start + len(chunk), len(ids))
    return result


async def _rest(took: float) -> None:
    low, high = REST_SECONDS
    await asyncio.sleep(min(max(took, low), high))


async def _discard(session: AsyncSession) -> None:
    """Drop the failed chunk; the reports of committed chunks stay readable for the reply."""
    # Detached first: a rollback would expire them, and the reply reads their kinds.
    session.expunge_all()
    try:
        await session.rollback()
    except SQLAlchemyError:
        logger.exception("rollback after a failed verdict chunk")


class ListTooLongError(ValueError):
    pass


def read_url_list(data: bytes, *, as_csv: bool) -> list[str]:
    """The link of every line: one a line (TXT) or the url/link/ссылка column (else the first).

    Raises ListTooLongError past MAX_LINES lines and text_files.NotTextError for binary files.
    """
    lines = decode_text(data).splitlines()
    if len(lines) > MAX_LINES + 1:  # one line of slack for a header
        raise ListTooLongError(len(lines))
    values = _csv_column(lines) if as_csv else [line.strip() for line in lines]
    values = [value for value in values if value and not value.startswith("#")]
    if len(values) > MAX_LINES:
        raise ListTooLongError(len(values))
    return values


def _csv_column(lines: list[str]) -> list[str]:
    sample = "\n".join(lines[:5])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(lines, dialect) if row]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((i for i, name in enumerate(header) if name in URL_COLUMNS), None)
    if column is not None:
        rows = rows[1:]
    else:
        column = 0
        if not isinstance(canonicalize(rows[0][0]), Target):
            rows = rows[1:]  # a header with some other name
    return [row[column].strip() for row in rows if len(row) > column]


@dataclass(slots=True)
class ListMatch:
    exact: list[int] = field(default_factory=list)  # matched by canonical key
    by_domain: dict[str, list[int]] = field(default_factory=dict)  # domain line → more reports
    unmatched: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return any(self.by_domain.values())

    @property
    def report_ids(self) -> list[int]:
        ids = [*self.exact, *(i for ids in self.by_domain.values() for i in ids)]
        return list(dict.fromkeys(ids))


def _is_domain_only(target: Target) -> bool:
    return target.kind == TargetKind.WEBSITE and not _HOST_END.search(target.key)


def _host(key: str) -> str:
    return _HOST_END.split(key, maxsplit=1)[0]


async def read_url_list_off_loop(data: bytes, *, as_csv: bool) -> list[str]:
    """read_url_list in a worker thread: decoding and CSV of 5,000 lines is CPU work."""
    return await asyncio.to_thread(read_url_list, data, as_csv=as_csv)


def _targets(lines: Sequence[str]) -> tuple[dict[str, Target], list[str]]:
    targets: dict[str, Target] = {}
    unmatched: list[str] = []
    for line in dict.fromkeys(lines):
        target = canonicalize(refang(line))  # regulators' and analysts' lists come defanged
        if isinstance(target, Target):
            targets[line] = target
        else:
            unmatched.append(line)
    return targets, unmatched


# Below this many lines canonicalising costs less than handing the work to a thread.
_THREAD_LINES = 200


async def match_url_list(session: AsyncSession, lines: Sequence[str]) -> ListMatch:
    if len(lines) > _THREAD_LINES:
        targets, unmatched = await asyncio.to_thread(_targets, lines)
    else:
        targets, unmatched = _targets(lines)
    result = ListMatch(unmatched=unmatched)
    by_key = await _reports_by(session, "canonical_key", {t.key for t in targets.values()})
    domains = {t.site_key for t in targets.values() if _is_domain_only(t)}
    by_site = await _reports_by(session, "site_key", domains)
    exact = {saved_id(r): None for t in targets.values() for r in by_key.get(t.key, [])}
    result.exact = list(exact)
    for line, target in targets.items():
        on_site = []
        if _is_domain_only(target):
            on_site = [
                saved_id(r) for r in by_site.get(target.site_key, []) if _on_host(r, target)
            ]
        extra = [report_id for report_id in on_site if report_id not in exact]
        if extra:
            result.by_domain[line] = extra
        if not on_site and target.key not in by_key:
            result.unmatched.append(line)
    return result


def _on_host(report: Report, target: Target) -> bool:
    """The registered domain covers the whole site; a subdomain covers only itself and below."""
    if target.key == target.site_key:
        return True
    host = _host(report.canonical_key or "")
    return host == target.key or host.endswith("." + target.key)


async def _reports_by(
    session: AsyncSession, column: str, values: set[str]
) -> dict[str, list[Report]]:
    found: dict[str, list[Report]] = {}
    ordered = sorted(values)
    attribute = col(getattr(Report, column))
    for start in range(0, len(ordered), _CHUNK):
        statement = (
            select(Report)
            .where(attribute.in_(ordered[start : start + _CHUNK]))
            .where(col(Report.kind) != TargetKind.GRAFFITI)
            .order_by(col(Report.id))
        )
        for report in (await session.exec(statement)).all():
            found.setdefault(getattr(report, column), []).append(report)
    return found
