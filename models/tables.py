"""Importing this module registers every table on SQLModel.metadata."""

from models.moderation import AuditEntry, Batch, Notice
from models.report import Evidence, Report, Sighting
from models.volunteer import Volunteer

__all__ = ["AuditEntry", "Batch", "Evidence", "Notice", "Report", "Sighting", "Volunteer"]
