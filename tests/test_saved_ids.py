"""A saved row's id is read through `models.base.saved_id`, never with a numeric fallback
(`id`, then `or`, then 0): it turns a forgotten flush into a silent query for id 0.

The samples below space the fallback oddly so that a plain grep of the tree stays clean."""

import ast
from pathlib import Path

import pytest

from models.base import UnsavedRowError, saved_id
from models.volunteer import Volunteer

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".venv", ".git", "build", "node_modules"}


def id_fallbacks(source: str) -> list[int]:
    """Lines where an `.id` attribute is or-ed with a constant (0, -1, "")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or)):
            continue
        first, *rest = node.values
        number = isinstance(rest[0], ast.Constant | ast.UnaryOp)
        if isinstance(first, ast.Attribute) and first.attr == "id" and number:
            found.append(node.lineno)
    return found


def _python_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED.intersection(path.relative_to(ROOT).parts)
    ]


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("x = volunteer.id  or 0\n", [1]),
        ("f(\n    a,\n    b=(people['c'].id  or  0),\n)\n", [3]),
        ("ids = [r.id or -1 for r in rows]\n", [1]),
        ("x = saved_id(volunteer)\n", []),
        ("x = volunteer.id or default\n", []),
        ('"""Old code wrote `row.id  or 0`."""\n', []),
    ],
)
def test_the_detector_finds_a_fallback_and_only_a_fallback(source: str, lines: list[int]) -> None:
    assert id_fallbacks(source) == lines


def test_no_module_falls_back_to_a_made_up_id() -> None:
    files = _python_files()
    assert len(files) > 100, "the walk should see the whole project"
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in files
        for line in id_fallbacks(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use models.base.saved_id(row) (or Actor.id) instead"


def test_saved_id_refuses_a_row_that_was_never_flushed() -> None:
    with pytest.raises(UnsavedRowError, match="Volunteer has no id"):
        saved_id(Volunteer(telegram_id=1))
    assert saved_id(Volunteer(id=7, telegram_id=1)) == 7
