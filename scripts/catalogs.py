"""Keep the gettext catalogs in step with the code.

    python scripts/catalogs.py update            extract messages, update ru/kk .po files
    python scripts/catalogs.py fill FILE.json    merge translations {"msgid": {"ru": .., "kk": ..}}
    python scripts/catalogs.py missing           list msgids lacking a ru or kk translation
    python scripts/catalogs.py check             fail if catalogs lag the code or lack translations

Plural messages are keyed by their singular msgid; their translations are lists of forms.
Runs under a file lock so that several people (or agents) can fill catalogs at once.
"""

import fcntl
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
POT = LOCALES / "messages.pot"
TRANSLATED = ("ru", "kk")
SOURCE_DIRS = ("bot", "handlers", "views", "services")
KEYWORDS = [
    *("-k", "_:1,1t", "-k", "_:1,2", "-k", "__", "-k", "N_"),
    *("-k", "gettext", "-k", "ngettext:1,2", "-k", "lazy_gettext"),
]
_PLACEHOLDER = re.compile(r"{[a-z_]*}")


@contextmanager
def locked() -> Iterator[None]:
    with (LOCALES / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def extract(output: Path) -> None:
    subprocess.run(
        [
            *PYBABEL,
            "extract",
            *KEYWORDS,
            "--no-location",
            "--sort-output",
            "-o",
            str(output),
            *SOURCE_DIRS,
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def update() -> None:
    extract(POT)
    for locale in TRANSLATED:
        if po_path(locale).exists():
            command = ["update", "--no-fuzzy-matching", "--ignore-obsolete"]
        else:
            command = ["init"]
        subprocess.run(
            [
                *PYBABEL,
                *command,
                "-i",
                str(POT),
                "-d",
                str(LOCALES),
                "-D",
                "messages",
                "-l",
                locale,
            ],
            check=True,
            cwd=ROOT,
        )


def fill(path: Path) -> None:
    translations = json.loads(path.read_text(encoding="utf-8"))
    for locale in TRANSLATED:
        with po_path(locale).open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key in translations and locale in translations[key]:
                value = translations[key][locale]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
                message.flags.discard("fuzzy")
        with po_path(locale).open("wb") as handle:
            write_po(handle, catalog, sort_output=True, no_location=True)


def missing() -> int:
    count = 0
    for locale in TRANSLATED:
        with po_path(locale).open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or message.fuzzy:
                count += 1
                print(f"{locale}: {message.id!r}")
    return count


def _ids(catalog: Catalog) -> set[str]:
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}


def problems() -> list[str]:
    """Everything that makes the catalogs unfit to ship, one line each."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "current.pot"
        extract(pot)
        with pot.open("rb") as handle:
            code_ids = _ids(read_po(handle))
    found = []
    for locale in TRANSLATED:
        if not po_path(locale).exists():
            found.append(f"{locale}: no catalog")
            continue
        with po_path(locale).open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        found += [f"{locale}: not in catalog: {i!r}" for i in sorted(code_ids - _ids(catalog))]
        found += [f"{locale}: no longer in code: {i!r}" for i in sorted(_ids(catalog) - code_ids)]
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                found.append(f"{locale}: untranslated: {ids[0]!r}")
                continue
            wanted = set(_PLACEHOLDER.findall(ids[-1]))
            for string in strings:
                if set(_PLACEHOLDER.findall(string)) != wanted:
                    found.append(f"{locale}: placeholders differ: {ids[0]!r} -> {string!r}")
    return found


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    with locked():
        if command == "update":
            update()
        elif command == "fill" and len(sys.argv) == 3:
            fill(Path(sys.argv[2]))
        elif command == "missing":
            return 1 if missing() else 0
        elif command == "check":
            report = problems()
            print("\n".join(report) or "catalogs are complete and current")
            return 1 if report else 0
        else:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
