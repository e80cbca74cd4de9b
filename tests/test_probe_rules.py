"""The two-consistent-results rule (services/probe/rules.py): a status moves only after two
consecutive conclusive checks agree; UNKNOWN neither counts nor breaks a streak; one contrary
result changes nothing. Every move the rule makes is one the lifecycle allows."""

import pytest

from models.enums import NoteCode, ReportStatus
from services.lifecycle import ONLINE_TRANSITIONS
from services.probe.results import Outcome
from services.probe.rules import MOVES, decide, why_code

S = ReportStatus
ON, BLOCKED, GONE, UNKNOWN = Outcome.ONLINE, Outcome.BLOCKED, Outcome.GONE, Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("status", "outcomes", "moved_to"),
    [
        # Two agreeing results move a sent report each way.
        (S.SENT, [BLOCKED, BLOCKED], S.BLOCKED),
        (S.SENT, [GONE, GONE], S.REMOVED),
        (S.SENT, [ON, ON], S.STILL_ONLINE),
        (S.STILL_ONLINE, [BLOCKED, BLOCKED], S.BLOCKED),
        (S.STILL_ONLINE, [GONE, GONE], S.REMOVED),
        (S.BLOCKED, [ON, ON], S.REAPPEARED),
        (S.REMOVED, [ON, ON], S.REAPPEARED),
        (S.REAPPEARED, [BLOCKED, BLOCKED], S.BLOCKED),
        (S.REAPPEARED, [GONE, GONE], S.REMOVED),
        # One result is never enough, whatever it is.
        (S.SENT, [BLOCKED], None),
        (S.BLOCKED, [ON], None),
        (S.SENT, [], None),
        # UNKNOWN in between neither counts nor breaks the streak.
        (S.SENT, [BLOCKED, UNKNOWN, BLOCKED], S.BLOCKED),
        (S.BLOCKED, [ON, UNKNOWN, UNKNOWN, ON], S.REAPPEARED),
        (S.SENT, [UNKNOWN, BLOCKED, UNKNOWN], None),
        (S.SENT, [UNKNOWN, UNKNOWN], None),
        # A single contrary result breaks it: the next one has to agree again.
        (S.SENT, [BLOCKED, ON, BLOCKED], None),
        (S.SENT, [BLOCKED, ON, BLOCKED, BLOCKED], S.BLOCKED),
        (S.BLOCKED, [ON, GONE], None),
        # Only the last two count.
        (S.SENT, [ON, ON, GONE, GONE], S.REMOVED),
        # Agreeing results that lead nowhere from the status move nothing.
        (S.STILL_ONLINE, [ON, ON], None),
        (S.BLOCKED, [BLOCKED, BLOCKED], None),
        (S.BLOCKED, [GONE, GONE], None),
        (S.REMOVED, [GONE, GONE], None),
        (S.REAPPEARED, [ON, ON], None),
        # Statuses the probe does not decide.
        (S.DECLINED, [ON, ON], None),
        (S.ACCEPTED, [BLOCKED, BLOCKED], None),
        (S.NEW, [GONE, GONE], None),
    ],
    ids=str,
)
def test_two_consistent_results(
    status: ReportStatus, outcomes: list[Outcome], moved_to: ReportStatus | None
) -> None:
    assert decide(status, outcomes) == moved_to


def test_every_move_is_a_transition_the_lifecycle_allows() -> None:
    for status, moves in MOVES.items():
        for outcome, target in moves.items():
            assert target in ONLINE_TRANSITIONS[status], (status, outcome, target)


def test_a_move_is_noted_with_what_the_checks_saw() -> None:
    assert [why_code(o) for o in (ON, BLOCKED, GONE)] == [
        NoteCode.PROBE_ONLINE,
        NoteCode.PROBE_BLOCKED,
        NoteCode.PROBE_GONE,
    ]
