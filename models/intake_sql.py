"""The statements a link costs: a report if the target is new, the volunteer's sighting, the
post as evidence. Built once per backend (models/prepared.py); ON CONFLICT DO NOTHING keeps
two volunteers sending the same new link at once from failing on a unique index."""

from typing import Any

from sqlalchemy import Table, bindparam, select

from models.prepared import Insert, Prepared
from models.report import Evidence, Report, Sighting

report: Table = Report.__table__  # type: ignore[attr-defined]
sighting: Table = Sighting.__table__  # type: ignore[attr-defined]
evidence: Table = Evidence.__table__  # type: ignore[attr-defined]


def _values(table: Table, *names: str) -> dict[str, Any]:
    return {name: bindparam(name, type_=table.c[name].type) for name in names}


def _new_report(insert: Insert) -> Any:
    columns = ("canonical_key", "kind", "display", "site_key", "status", "created_at",
               "status_changed_at", "found_by_id")  # fmt: skip
    return (
        insert(report)
        .values(**_values(report, *columns))
        .on_conflict_do_nothing(index_elements=["canonical_key"])
        .returning(report.c.id)
    )


def _new_sighting(insert: Insert) -> Any:
    columns = ("report_id", "volunteer_id", "chat_id", "message_id", "text_as_sent", "words",
               "created_at")  # fmt: skip
    return (
        insert(sighting)
        .values(**_values(sighting, *columns))
        .on_conflict_do_nothing(index_elements=["report_id", "volunteer_id"])
        .returning(sighting.c.id)
    )


def _new_evidence(insert: Insert) -> Any:
    columns = ("report_id", "volunteer_id", "url", "created_at")
    return (
        insert(evidence)
        .values(**_values(evidence, *columns))
        .on_conflict_do_nothing(index_elements=["report_id", "url"])
    )


_SHOWN = (report.c.id, report.c.status, report.c.display, report.c.merged_into_id,
          report.c.kind, report.c.found_by_id, report.c.closed_at)  # fmt: skip

# -> (id,) when the report is new; no row when the key is known.
INSERT_REPORT = Prepared(_new_report)
# -> (id, status, display, merged_into_id, kind, found_by_id, closed_at)
REPORT_BY_KEY = Prepared(
    lambda _insert: select(*_SHOWN).where(report.c.canonical_key == bindparam("key"))
)
REPORT_BY_ID = Prepared(lambda _insert: select(*_SHOWN).where(report.c.id == bindparam("id")))
# -> (id,) when the sighting is new; no row when this volunteer had sent the target before.
INSERT_SIGHTING = Prepared(_new_sighting)
INSERT_EVIDENCE = Prepared(_new_evidence)
