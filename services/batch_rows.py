"""One spreadsheet row per report, in the words Кибернадзор uses.

The files go to a Russian-speaking regulator whoever builds them, so headers and labels here are
Russian data, not interface text: they are not translated with the moderator's language.
"""

from collections.abc import Awaitable, Callable, Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, ReportStatus, TargetKind
from models.report import Evidence, Report
from services.clock import to_almaty
from services.identity.lookalike import is_lookalike, safe_display
from services.reported_by import reported_by
from services.spreadsheets import Cell

HEADER = [
    "№",
    "Номер жалобы",
    "URL",
    "Канонический ключ",
    "Вид информации",
    "Тип ресурса",
    "Дата обнаружения",
    # services/reported_by: the same figure as "reported by N volunteers" on the card.
    "Сообщили волонтёров",
    "Примечание",
]

CATEGORY_RU: dict[Category, str] = {
    Category.DRUG_SALES: "продажа наркотиков",
    Category.DRUG_PROPAGANDA: "признаки пропаганды наркотиков",
    Category.COURIER_RECRUITMENT: "вербовка курьеров (закладчиков)",
    Category.OTHER_ILLEGAL: "иная противоправная информация",
}

CHUNK = 500  # ids per query: well under SQLite's and PostgreSQL's bound-parameter limits
MAX_EVIDENCE = 10


def resource_type(report: Report) -> str:
    key = report.canonical_key or ""
    if report.kind == TargetKind.WEBSITE:
        return "сайт"
    if report.kind == TargetKind.TELEGRAM:
        if key.startswith("tg+:"):
            return "приглашение в Telegram"
        return "канал/группа/бот (Telegram)"
    if report.kind == TargetKind.SOCIAL:
        return f"аккаунт/пост ({key.split('/', 1)[0]})" if key else "аккаунт/пост"
    return str(report.kind)


def _note(report: Report, evidence: Sequence[str]) -> str:
    parts = []
    if is_lookalike(report.kind, report.canonical_key):
        parts.append(
            "внимание: имя домена смешивает буквы разных алфавитов (подделка под другой сайт), "
            "адрес указан в punycode"
        )
    if report.status == ReportStatus.REAPPEARED:
        earlier = f" (пакет № {report.batch_id})" if report.batch_id else ""
        parts.append(f"повторно: ресурс снова доступен после блокировки{earlier}")
    if evidence:
        shown = ", ".join(evidence[:MAX_EVIDENCE])
        more = len(evidence) - MAX_EVIDENCE
        parts.append(f"публикации: {shown}" + (f" и ещё {more}" if more > 0 else ""))
    return "; ".join(parts)


async def load_rows(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    progress: Callable[[int, int], Awaitable[None]] | None = None,
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    ids = sorted(report_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        reports = (
            await session.exec(
                select(Report).where(col(Report.id).in_(chunk)).order_by(col(Report.id))
            )
        ).all()
        counts = await reported_by(session, chunk)
        evidence: dict[int, list[str]] = {}
        for report_id, url in await session.exec(
            select(Evidence.report_id, Evidence.url)
            .where(col(Evidence.report_id).in_(chunk))
            .order_by(col(Evidence.id))
        ):
            evidence.setdefault(report_id, []).append(url)
        for report in reports:
            report_id = saved_id(report)
            rows.append(
                [
                    len(rows) + 1,
                    f"#{report_id}",
                    safe_display(report.kind, report.canonical_key, report.display),
                    report.canonical_key or "",
                    CATEGORY_RU.get(report.category, "") if report.category else "",
                    resource_type(report),
                    to_almaty(report.created_at),
                    counts.get(report_id, 0),
                    _note(report, evidence.get(report_id, [])),
                ]
            )
        if progress is not None:
            await progress(min(start + CHUNK, len(ids)), len(ids))
    return rows
