"""One row of a benchmark's result, and the table every benchmark prints.

A figure means little alone on a machine shared with other work, so each row carries the
baseline measured in the same run and their ratio; the target says which way is good.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    measure: str
    figure: str
    baseline: str
    ratio: float
    # The goal for the ratio, e.g. "≥ 0.25" or "≤ 1.1" (issue 8's targets).
    target: str


def table(rows: Sequence[Row]) -> str:
    header = ("measure", "now", "baseline (same run)", "ratio", "target")
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        cells = (row.measure, row.figure, row.baseline, f"{row.ratio:.3g}", row.target)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
