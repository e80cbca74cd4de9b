"""Texts of /backup, the administrator's copy of the database."""

from aiogram.utils.i18n import gettext as _


def backup_caption(reports: int, volunteers: int) -> str:
    return _(
        "Backup of the database: {reports} reports, {volunteers} volunteers. It holds "
        "volunteers' personal data: keep it somewhere safe and delete this message once it is "
        "stored. To restore it: python -m bot restore FILE (README, Backups)."
    ).format(reports=reports, volunteers=volunteers)


def backup_too_big(megabytes: float) -> str:
    return _(
        "The backup is {size:.0f} MB, more than a bot may send (50 MB). Make it on the server "
        "instead: python -m bot backup FILE."
    ).format(size=megabytes)


def backup_not_sqlite() -> str:
    return _(
        "/backup copies a SQLite database; this bot uses PostgreSQL. Back it up on the server "
        "with pg_dump (README, Backups)."
    )


def backup_failed() -> str:
    return _("The backup could not be made; the bot's log says why. Nothing was changed.")


def making_backup() -> str:
    return _("Making a backup…")
