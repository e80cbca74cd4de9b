"""One Checker for the rechecks made of the checkers of each kind of target."""

from models.enums import TargetKind
from services.probe.results import Checker, CheckResult, ProbeTarget, Vantage, Verdict


class ByKind:
    """One Checker that hands each target to the checker of its kind (web or Telegram)."""

    def __init__(self, checkers: dict[TargetKind, Checker]) -> None:
        self.checkers = checkers

    async def check(self, target: ProbeTarget) -> CheckResult:
        checker = self.checkers.get(target.kind)
        if checker is None:
            return CheckResult(
                vantage=Vantage.HOST, verdict=Verdict.INCONCLUSIVE, error="no checker"
            )
        return await checker.check(target)
