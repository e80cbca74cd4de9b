"""Canonical identity of a reported link: which target a volunteer's link is, however spelled."""

from services.identity.canonical import canonicalize
from services.identity.model import MAX_URL_LENGTH, Refusal, RefusalReason, Target

__all__ = ["MAX_URL_LENGTH", "Refusal", "RefusalReason", "Target", "canonicalize"]
