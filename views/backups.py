"""Texts of /backup, the administrator's copy of the database.

Commands to type on the server are placeholders, shown as code: they stay Latin in every
language.
"""

from html import escape

from aiogram.utils.i18n import gettext as _

RESTORE_COMMAND = "python -m bot restore FILE"
BACKUP_COMMAND = "python -m bot backup FILE"
POSTGRES_COMMAND = "pg_dump"


def _code(command: str) -> str:
    return f"<code>{escape(command)}</code>"


def backup_caption(reports: int, volunteers: int) -> str:
    return _(
        "Backup of the database: {reports} reports, {volunteers} volunteers. It holds "
        "volunteers' personal data: keep it somewhere safe and delete this message once it is "
        "stored. To restore it on the server: {command}"
    ).format(reports=reports, volunteers=volunteers, command=_code(RESTORE_COMMAND))


def backup_too_big(megabytes: float) -> str:
    return _(
        "The backup is {size:.0f} MB, more than a bot may send (50 MB). Make it on the server "
        "instead: {command}"
    ).format(size=megabytes, command=_code(BACKUP_COMMAND))


def backup_not_sqlite() -> str:
    return _(
        "/backup copies a SQLite database; this bot uses PostgreSQL. Back it up on the server "
        "with {command}."
    ).format(command=_code(POSTGRES_COMMAND))


def backup_failed() -> str:
    return _("The backup could not be made; the bot's log says why. Nothing was changed.")


def making_backup() -> str:
    return _("Making a backup…")
