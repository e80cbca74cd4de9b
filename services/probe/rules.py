"""When checks change a report's status: two consecutive consistent results, never one.

One look can be wrong (a shop's server down for an hour, Telegram's preview page changing), so a
status moves only when the last two conclusive checks since the report's last status change
agree, and that outcome leads somewhere from the current status:

    sent          online → still online · blocked → blocked · gone → removed
    still online  blocked → blocked · gone → removed
    blocked       online → reappeared
    removed       online → reappeared
    reappeared    blocked → blocked · gone → removed

An UNKNOWN result (inconclusive, refused by the guard) says nothing about the target: it neither
counts towards a streak nor breaks one, so "blocked, inconclusive, blocked" moves a sent report
to blocked. A contrary conclusive result does break it: "blocked, online, blocked" changes
nothing until the next check agrees. Only checks made after the last status change count (the
caller selects them), so a moderator's own verdict is never overturned by older checks, and the
check that moved a report starts no streak of the new status.

Pure functions: the store (services/probe/store.py) applies the result through
services/lifecycle.change_status with no actor and a PROBE_* note.
"""

from collections.abc import Sequence

from models.enums import NoteCode, ReportStatus
from services.probe.results import Outcome

S = ReportStatus
O = Outcome  # noqa: E741 (short name for the table below)

# How many consecutive consistent conclusive results move a status.
STREAK = 2

MOVES: dict[ReportStatus, dict[Outcome, ReportStatus]] = {
    S.SENT: {O.ONLINE: S.STILL_ONLINE, O.BLOCKED: S.BLOCKED, O.GONE: S.REMOVED},
    S.STILL_ONLINE: {O.BLOCKED: S.BLOCKED, O.GONE: S.REMOVED},
    S.BLOCKED: {O.ONLINE: S.REAPPEARED},
    S.REMOVED: {O.ONLINE: S.REAPPEARED},
    S.REAPPEARED: {O.BLOCKED: S.BLOCKED, O.GONE: S.REMOVED},
}

WHY: dict[Outcome, NoteCode] = {
    O.ONLINE: NoteCode.PROBE_ONLINE,
    O.BLOCKED: NoteCode.PROBE_BLOCKED,
    O.GONE: NoteCode.PROBE_GONE,
}


def decide(status: ReportStatus, outcomes: Sequence[Outcome]) -> ReportStatus | None:
    """The status `outcomes` (oldest first, since the last status change) move a report in
    `status` to, or None when they move nothing."""
    conclusive = [outcome for outcome in outcomes if outcome is not O.UNKNOWN]
    if len(conclusive) < STREAK:
        return None
    last = conclusive[-STREAK:]
    if any(outcome is not last[0] for outcome in last):
        return None
    return MOVES.get(status, {}).get(last[0])


def why_code(outcome: Outcome) -> NoteCode:
    """The audit note of a change the probe made: what the two checks saw."""
    return WHY[outcome]
