"""The ru and kk catalogs must hold every message of the code, translated, and nothing stale."""

import importlib.util
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
assert _spec is not None
assert _spec.loader is not None
catalogs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogs)


def test_catalogs_are_complete_and_current() -> None:
    assert catalogs.problems() == []


@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_the_check_notices_a_missing_translation(
    locale: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards the guard: blank one translation in a copy and the check must object."""
    copy = tmp_path / "locales"
    shutil.copytree(catalogs.LOCALES, copy)
    po = copy / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    victim = next(m for m in catalog if m.id and isinstance(m.string, str))
    victim.string = ""
    with po.open("wb") as handle:
        write_po(handle, catalog)
    monkeypatch.setattr(catalogs, "LOCALES", copy)
    assert f"{locale}: untranslated: {victim.id!r}" in catalogs.problems()
