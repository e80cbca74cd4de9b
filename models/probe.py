"""What the probe saw: every check of a report (evidence), each scheduled run, and the
reappearances still to be told to the moderators.

A check row is written once and never changed: it is the record moderators read in /report
and what the status rules (services/probe/rules.py) decide from.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import CheckPurpose, ReportStatus, Vantage, Verdict

# Lengths a stored check keeps at most (what a page says is a stranger's text).
TITLE_LENGTH = 300
URL_LENGTH = 2100
ERROR_LENGTH = 500


class ProbeCheck(SQLModel, table=True):
    """One look at one report's target from one vantage, stage by stage, and its verdict."""

    __tablename__ = "probe_check"
    # A report's latest checks (the rules, /report) are read newest first.
    __table_args__ = (Index("ix_probe_check_report_id_checked_at", "report_id", "checked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=Column(Integer, ForeignKey("report.id"), nullable=False))
    # When the check began; /probe_status counts the last day's checks by time.
    checked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    purpose: CheckPurpose = Field(sa_column=Column(StrEnumType(CheckPurpose), nullable=False))
    vantage: Vantage = Field(sa_column=Column(StrEnumType(Vantage), nullable=False))
    verdict: Verdict = Field(sa_column=Column(StrEnumType(Verdict), nullable=False))
    # Each stage as {"name", "ok", "detail", "ms"}, in order, as JSON (services/probe/store.py).
    stages: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    latency_ms: int = 0
    title: str | None = Field(default=None, max_length=TITLE_LENGTH)
    final_url: str | None = Field(default=None, max_length=URL_LENGTH)
    http_status: int | None = None
    # The addresses DNS answered, as a JSON list.
    addresses: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    body_sha256: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    body_length: int | None = None
    error: str | None = Field(default=None, max_length=ERROR_LENGTH)
    member_count: int | None = None
    # The status this check moved the report to (the second of two consistent results).
    changed_to: ReportStatus | None = Field(
        default=None, sa_column=Column(StrEnumType(ReportStatus), nullable=True)
    )


class ProbeRun(SQLModel, table=True):
    """One run of the scheduled rechecks, for /probe_status: when, how many, what they found."""

    __tablename__ = "probe_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # None while the run goes on (or when it was cut short by a stop).
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Reports due when the run began (the queue), and how many it checked.
    due: int = 0
    checked: int = 0
    # Checks by outcome (services/probe/results.py Outcome) and status changes made.
    online: int = 0
    blocked: int = 0
    gone: int = 0
    unknown: int = 0
    changed: int = 0


class ProbeAlert(SQLModel, table=True):
    """A reappearance the moderators are still to hear about: an outbox row written with the
    status change, marked sent once the batched alert went out (so a restart sends it once)."""

    __tablename__ = "probe_alert"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=Column(Integer, ForeignKey("report.id"), nullable=False))
    check_id: int = Field(sa_column=Column(Integer, ForeignKey("probe_check.id"), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
