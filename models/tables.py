"""Importing this module registers every table on SQLModel.metadata."""

from models.bot_facts import BotFact
from models.broadcast import Broadcast, BroadcastDelivery
from models.digest import DigestDelivery, FrozenWeekCounts
from models.graffiti import (
    Graffiti,
    GraffitiDraft,
    GraffitiDraftPhoto,
    GraffitiPhoto,
    PaintClaim,
)
from models.moderation import AuditEntry, Batch, Notice
from models.probe import ProbeAlert, ProbeCheck, ProbeRun
from models.report import Evidence, EvidencePhoto, Report, Sighting
from models.seniors import RoleChange, SeniorVote
from models.squads import Squad, SquadCurator, SquadMember
from models.tally import TallyDay, TallyPoints, TallyWeek, TallyWeights
from models.volunteer import Volunteer

__all__ = [
    "AuditEntry",
    "Batch",
    "BotFact",
    "Broadcast",
    "BroadcastDelivery",
    "DigestDelivery",
    "Evidence",
    "EvidencePhoto",
    "FrozenWeekCounts",
    "Graffiti",
    "GraffitiDraft",
    "GraffitiDraftPhoto",
    "GraffitiPhoto",
    "Notice",
    "PaintClaim",
    "ProbeAlert",
    "ProbeCheck",
    "ProbeRun",
    "Report",
    "RoleChange",
    "SeniorVote",
    "Sighting",
    "Squad",
    "SquadCurator",
    "SquadMember",
    "TallyDay",
    "TallyPoints",
    "TallyWeek",
    "TallyWeights",
    "Volunteer",
]
