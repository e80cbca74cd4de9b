"""Moderators' decisions on new reports: accept, reject, merge — one report or many at once.

Every change goes through services.lifecycle, which checks the transition, writes the audit
trail and the volunteers' notices. This module adds the moderators' vocabulary: merges
(`5 6 into 7`), category words in three languages, and why a report was left unchanged.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, NoteCode, ReportStatus
from services import lifecycle
from services.report_numbers import NUMBER, parse_numbers

# The report's resolution note (shown to volunteers) holds at most this many characters.
MAX_REASON_LENGTH = 500

_MERGE = re.compile(rf"(.*?)\s+(?:into|в|->|→)\s+{NUMBER}\s*", re.DOTALL | re.IGNORECASE)

# Words moderators may type after /accept, in English, Russian and Kazakh.
CATEGORY_WORDS: dict[str, Category] = {
    **dict.fromkeys(
        ["sales", "sale", "shop", "продажа", "продажи", "магазин", "сату", "дүкен"],
        Category.DRUG_SALES,
    ),
    **dict.fromkeys(
        ["propaganda", "advertising", "ads", "пропаганда", "реклама", "насихат", "жарнама"],
        Category.DRUG_PROPAGANDA,
    ),
    **dict.fromkeys(
        ["couriers", "courier", "курьеры", "курьер", "закладчики", "курьерлер"],
        Category.COURIER_RECRUITMENT,
    ),
    **dict.fromkeys(["other", "другое", "прочее", "басқа"], Category.OTHER_ILLEGAL),
    **{category.value: category for category in Category},
}


def parse_category(word: str) -> Category | None:
    return CATEGORY_WORDS.get(word.strip().casefold())


# A typed reason that is one of the card's preset reasons, in English, Russian or Kazakh, is
# stored as the preset's code: each volunteer then reads it in their own language, and a
# "not drug-related" rejection counts in the senior volunteers' agreement (senior_agreement).
REASON_WORDS: dict[str, NoteCode] = {
    **dict.fromkeys(
        [
            "not drugs",
            "not drug",
            "no drugs",
            "not drug-related",
            "not drug related",
            "не наркотики",
            "не связано с наркотиками",
            "не про наркотики",
            "есірткі емес",
            "есірткіге қатысы жоқ",
        ],
        NoteCode.NOT_DRUG_RELATED,
    ),
    **dict.fromkeys(
        [
            "dead",
            "dead link",
            "link dead",
            "the link does not work",
            "link does not work",
            "не работает",
            "ссылка не работает",
            "битая ссылка",
            "сілтеме жұмыс істемейді",
            "сілтеме істемейді",
        ],
        NoteCode.LINK_DEAD,
    ),
    **dict.fromkeys(
        [
            "not enough evidence",
            "no evidence",
            "недостаточно доказательств",
            "мало доказательств",
            "дәлел жеткіліксіз",
            "дәлелдер жеткіліксіз",
        ],
        NoteCode.NOT_ENOUGH_EVIDENCE,
    ),
    **dict.fromkeys(["duplicate", "дубликат", "дубль", "қайталау"], NoteCode.DUPLICATE),
    **{
        code.value: code
        for code in (
            NoteCode.NOT_DRUG_RELATED,
            NoteCode.LINK_DEAD,
            NoteCode.NOT_ENOUGH_EVIDENCE,
            NoteCode.DUPLICATE,
        )
    },
}


def parse_reason(text: str) -> NoteCode | None:
    """The preset a typed reason names as a whole ("Not drugs." too), or None for own words."""
    words = " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).strip(" .!").casefold()
    return REASON_WORDS.get(words)


def parse_merge(text: str | None) -> tuple[list[int], int] | None:
    """`5 6 into 7` (also `в`, `->`): the sources and the surviving report, or None."""
    match = _MERGE.fullmatch(text or "")
    if match is None:
        return None
    sources, rest = parse_numbers(match.group(1))
    if not sources or rest:
        return None
    return sources, int(match.group(2))


class RefusalKind(StrEnum):
    MISSING = "missing"  # no report with this number
    WRONG_STATUS = "wrong_status"  # its current status does not allow the change
    SAME_REPORT = "same_report"  # merging a report into itself
    TARGET_MISSING = "target_missing"  # merging into a report that does not exist
    TARGET_MERGED = "target_merged"  # merging into a report that is itself merged
    OTHER_KIND = "other_kind"  # merging a wall with an online target
    HELD = "held"  # another moderator holds its queue card right now


@dataclass(frozen=True, slots=True)
class Refusal:
    report_id: int
    kind: RefusalKind
    status: ReportStatus | None = None


@dataclass(slots=True)
class BulkResult:
    changed: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _refusal(refused: lifecycle.Refused) -> Refusal:
    if refused.held:
        return Refusal(refused.report_id, RefusalKind.HELD, refused.status)
    if refused.status is None:
        return Refusal(refused.report_id, RefusalKind.MISSING)
    return Refusal(refused.report_id, RefusalKind.WRONG_STATUS, refused.status)


async def accept(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    category: Category,
    actor_id: int,
) -> BulkResult:
    result = await lifecycle.change_status(
        session,
        report_ids=report_ids,
        to=ReportStatus.ACCEPTED,
        actor_id=actor_id,
        category=category,
    )
    return BulkResult([saved_id(r) for r in result.changed], [_refusal(r) for r in result.refused])


async def reject(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    reason: str | None = None,
    preset: NoteCode | None = None,
    actor_id: int,
) -> BulkResult:
    """Reject with a preset reason (stored as its code) or the words a moderator typed; typed
    words that name a preset (`parse_reason`) are stored as that preset."""
    if preset is None and reason:
        preset = parse_reason(reason)
        if preset is not None:
            reason = None
    result = await lifecycle.change_status(
        session,
        report_ids=report_ids,
        to=ReportStatus.REJECTED,
        actor_id=actor_id,
        why=lifecycle.Why(preset, text=(reason or "").strip()[:MAX_REASON_LENGTH] or None),
    )
    return BulkResult([saved_id(r) for r in result.changed], [_refusal(r) for r in result.refused])


async def merge(
    session: AsyncSession,
    *,
    source_ids: Sequence[int],
    into_id: int,
    actor_id: int,
) -> BulkResult:
    """Merge duplicates into `into_id`; every sighting and every volunteer's credit moves."""
    outcome = await lifecycle.merge(
        session, source_ids=source_ids, into_id=into_id, actor_id=actor_id
    )
    result = BulkResult(changed=list(outcome.merged))
    if outcome.into is None:
        [target] = outcome.refused
        kind = RefusalKind.TARGET_MISSING if target.status is None else RefusalKind.TARGET_MERGED
        result.refused.append(Refusal(into_id, kind, target.status))
        return result
    for refused in outcome.refused:
        if refused.report_id == into_id:
            result.refused.append(Refusal(into_id, RefusalKind.SAME_REPORT, refused.status))
        elif refused.other_kind:
            result.refused.append(Refusal(refused.report_id, RefusalKind.OTHER_KIND))
        else:
            result.refused.append(_refusal(refused))
    return result
