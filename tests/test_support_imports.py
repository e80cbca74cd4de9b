"""Test modules share helpers through tests/support only: no test module imports another
(nor conftest.py, whose fixtures pytest hands out by name), so moving or deleting one test file
never breaks another."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_test_modules(source: str) -> list[str]:
    """The test modules (tests.test_*, tests.conftest) that this source imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "tests":
            # `from tests import test_x` names the module among the imported names.
            found += [f"tests.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return [name for name in found if name.startswith("tests.test_") or name == "tests.conftest"]


def test_no_test_module_imports_another() -> None:
    offenders = {
        path.name: imported
        for path in sorted(TESTS.glob("test_*.py")) + sorted((TESTS / "support").rglob("*.py"))
        if (imported := imported_test_modules(path.read_text(encoding="utf-8")))
    }
    assert not offenders, f"move what these share into tests/support: {offenders}"


def test_the_check_sees_each_spelling() -> None:
    assert imported_test_modules("from tests.test_polling import TOKEN") == ["tests.test_polling"]
    assert imported_test_modules("import tests.test_verdicts as v") == ["tests.test_verdicts"]
    assert imported_test_modules("from tests import test_digest") == ["tests.test_digest"]
    assert imported_test_modules("from tests.conftest import ADMIN_ID") == ["tests.conftest"]
    assert imported_test_modules("from tests.support.client import text") == []
