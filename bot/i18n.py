"""Gettext catalogs: English in the code, Russian and Kazakh in bot/locales.

aiogram's I18n refuses a .po without its .mo, and .mo files are build output (not in git), so
start-up and the test suite compile whatever is stale. `python -m bot.i18n` does it by hand.
"""

import logging
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from services.locales import DEFAULT_LOCALE

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

logger = logging.getLogger(__name__)


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every .po whose .mo is missing or older; returns the files written."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
        logger.info("compiled %s", mo_path)
    return written


def create_i18n(locales_dir: Path = LOCALES_DIR) -> I18n:
    compile_catalogs(locales_dir)
    return I18n(path=locales_dir, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    compile_catalogs()
