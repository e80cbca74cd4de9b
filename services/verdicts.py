"""The regulator's verdicts: blocked or declined, by report numbers or by an uploaded URL list.

A list line is matched by canonical key, so any spelling of a link finds its report. A line
that names only a domain (`shop.kz`) stands for every report on that site: such matches are
returned separately so that the moderator confirms them before anything changes.
"""

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus, TargetKind
from models.report import Report
from services import lifecycle
from services.identity import Target, canonicalize
from services.refang import refang
from services.text_files import decode_text

MAX_FILE_BYTES = 1_000_000
MAX_LINES = 5_000
MAX_REASON_LENGTH = 500
URL_COLUMNS = frozenset({"url", "link", "ссылка"})
# still online: a sent target a moderator checked is not blocked yet; reappeared: a blocked
# target is back, so the next /batch sends it again. Until automatic rechecks exist, moderators
# record both by hand.
VERDICTS = frozenset(
    {
        ReportStatus.BLOCKED,
        ReportStatus.DECLINED,
        ReportStatus.STILL_ONLINE,
        ReportStatus.REAPPEARED,
    }
)
_CHUNK = 500
_HOST_END = re.compile(r"[/?#]")


async def record_verdict(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    verdict: ReportStatus,
    actor_id: int,
    reason: str | None = None,
) -> lifecycle.TransitionResult:
    """What the regulator or a check found; reports whose status forbids it come back refused."""
    if verdict not in VERDICTS:
        raise ValueError(f"not a verdict: {verdict}")
    note = (reason or "").strip()[:MAX_REASON_LENGTH] or None
    return await lifecycle.change_status(
        session, report_ids=report_ids, to=verdict, actor_id=actor_id, why=lifecycle.Why(text=note)
    )


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


async def match_url_list(session: AsyncSession, lines: Sequence[str]) -> ListMatch:
    targets: dict[str, Target] = {}
    result = ListMatch()
    for line in dict.fromkeys(lines):
        target = canonicalize(refang(line))  # regulators' and analysts' lists come defanged
        if isinstance(target, Target):
            targets[line] = target
        else:
            result.unmatched.append(line)
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
