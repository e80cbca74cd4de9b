"""Every stored enum comes back from the database as its enum type (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set): a plain string would break `.value` and `is` on rows read back."""

import types
import typing
from enum import Enum

import pytest
from sqlalchemy import Column, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

import models.tables  # noqa: F401  (registers every table)
from models.base import StrEnumType
from models.broadcast import Broadcast, BroadcastDelivery
from models.digest import DigestDelivery
from models.enums import (
    BroadcastOutcome,
    BroadcastState,
    Category,
    CheckPurpose,
    ClaimStatus,
    District,
    NoticeEvent,
    RecipientKind,
    ReportStatus,
    Role,
    SeniorChoice,
    TargetKind,
    Vantage,
    Verdict,
)
from models.graffiti import DraftStep, Graffiti, GraffitiDraft, PaintClaim
from models.moderation import AuditEntry, Batch, Notice
from models.probe import ProbeCheck
from models.report import Report
from models.seniors import RoleChange, SeniorVote
from models.volunteer import Volunteer


def _table_models() -> list[type[SQLModel]]:
    found, pending = [], list(SQLModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if hasattr(model, "__table__"):
            found.append(model)
    return sorted(found, key=lambda model: model.__name__)


def _enum_of(annotation: object) -> type[Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for part in typing.get_args(annotation):
            if isinstance(part, type) and issubclass(part, Enum):
                return part
    return None


def _enum_fields() -> list[tuple[type[SQLModel], str, type[Enum]]]:
    fields = []
    for model in _table_models():
        for name, info in model.model_fields.items():
            enum = _enum_of(info.annotation)
            if enum is not None:
                fields.append((model, name, enum))
    return fields


ENUM_FIELDS = _enum_fields()


def test_every_enum_field_is_stored_with_the_enum_type() -> None:
    assert len(ENUM_FIELDS) >= 12
    for model, name, enum in ENUM_FIELDS:
        column: Column[object] = model.__table__.c[name]  # type: ignore[attr-defined]
        assert isinstance(column.type, StrEnumType), f"{model.__name__}.{name}"
        assert column.type.enum is enum, f"{model.__name__}.{name}"


async def _one_row_of_each(db: AsyncSession) -> None:
    volunteer = Volunteer(telegram_id=5_000_000_101, role=Role.MODERATOR)
    db.add(volunteer)
    await db.flush()
    report = Report(
        kind=TargetKind.GRAFFITI,
        display="🧱",
        status=ReportStatus.ASSIGNED,
        category=Category.DRUG_SALES,
        seniors_say=SeniorChoice.NOT_DRUGS,
    )
    db.add(report)
    await db.flush()
    assert volunteer.id is not None
    assert report.id is not None
    db.add_all([
        Graffiti(
            report_id=report.id,
            file_id="f",
            file_unique_id="u",
            district=District.MEDEU,
            assigned_district=District.TURKSIB,
        ),
        GraffitiDraft(
            volunteer_id=volunteer.id,
            chat_id=5_000_000_101,
            message_id=1,
            step=DraftStep.HANDLE,
            district=District.ALMALY,
        ),
        AuditEntry(
            report_id=report.id,
            from_status=ReportStatus.ACCEPTED,
            to_status=ReportStatus.ASSIGNED,
        ),
        Notice(volunteer_id=volunteer.id, report_id=report.id, event=NoticeEvent.PAINTED_OVER),
        PaintClaim(
            report_id=report.id, volunteer_id=volunteer.id, status=ClaimStatus.CONFIRMED
        ),
        Batch(created_by_id=volunteer.id, category=Category.COURIER_RECRUITMENT),
        DigestDelivery(
            week="2026-W48", recipient_kind=RecipientKind.VOLUNTEER, recipient_id=volunteer.id
        ),
        SeniorVote(report_id=report.id, volunteer_id=volunteer.id, choice=SeniorChoice.DRUGS),
        RoleChange(volunteer_id=volunteer.id, from_role=Role.SENIOR, to_role=Role.MODERATOR),
        ProbeCheck(
            report_id=report.id, purpose=CheckPurpose.MANUAL, vantage=Vantage.HOST_AND_CONTROL,
            verdict=Verdict.BLOCKED_TLS, changed_to=ReportStatus.BLOCKED,
        ),
    ])  # fmt: skip
    broadcast = Broadcast(
        created_by_id=volunteer.id, chat_id=5_000_000_101, request_message_id=1, text="x",
        state=BroadcastState.SENDING,
    )  # fmt: skip
    db.add(broadcast)
    await db.flush()
    assert broadcast.id is not None
    db.add(
        BroadcastDelivery(
            broadcast_id=broadcast.id, volunteer_id=volunteer.id, outcome=BroadcastOutcome.SENT
        )
    )
    await db.commit()


@pytest.mark.parametrize(
    ("model", "name", "enum"),
    ENUM_FIELDS,
    ids=[f"{model.__name__}.{name}" for model, name, _ in ENUM_FIELDS],
)
async def test_enum_column_reads_back_as_its_enum(
    session_maker: async_sessionmaker[AsyncSession],
    model: type[SQLModel],
    name: str,
    enum: type[Enum],
) -> None:
    async with session_maker() as writer:
        await _one_row_of_each(writer)
    async with session_maker() as reader:
        values = (await reader.exec(select(getattr(model, name)))).all()
        assert values, f"no {model.__name__} row: add one to _one_row_of_each"
        assert all(type(value) is enum for value in values if value is not None), values
        rows = (await reader.exec(select(model))).all()
        assert all(type(getattr(row, name)) is enum for row in rows if getattr(row, name))
        # The database holds the plain value string, so no migration is needed for new members.
        table = model.__tablename__
        connection = await reader.connection()
        raw = (await connection.execute(text(f"SELECT {name} FROM {table}"))).all()
        assert {row[0] for row in raw if row[0] is not None} <= {member.value for member in enum}


async def test_plain_strings_are_validated_when_stored(db: AsyncSession) -> None:
    db.add(Volunteer(telegram_id=5_000_000_102, role="superuser"))  # type: ignore[arg-type]
    with pytest.raises(Exception, match="superuser"):
        await db.commit()
