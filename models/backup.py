"""Consistent copies of a live SQLite database, with SQLite's online backup API.

Copying the file of a database in WAL mode is not a backup: committed pages may still sit in
the `-wal` file, and a copy taken during a checkpoint is torn. The backup API copies every page
inside one read transaction, which WAL lets run beside the bot's writes, so the copy is the
database as of one commit. The copy is switched to a rollback journal, so it is one
self-contained file; the bot turns WAL back on when it opens a restored copy.

PostgreSQL has its own tools (`pg_dump`, README "Backups"); these functions refuse its URLs.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that cannot be made, in one line for the person who asked."""


def sqlite_file(database_url: str) -> Path:
    """The file behind a SQLite URL; BackupError for PostgreSQL or an in-memory database."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError("the database is not SQLite: use pg_dump (README, Backups)")
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("an in-memory database has no file to back up")
    return Path(parsed.database)


def snapshot(source: Path, target: Path) -> int:
    """Copy `source` as of one commit into `target` (replaced only when the copy is whole).

    Returns the copy's size in bytes. Blocking: run it in a thread.
    """
    if not source.is_file():
        raise BackupError(f"no database file at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    # Read-only: a backup must never write to the live database (not even to create it).
    live = closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True))
    try:
        with live as live_db, closing(sqlite3.connect(partial)) as copy:
            # pages=-1: every page in one step, under one read transaction. Copied in smaller
            # steps, a write by the bot between them would make SQLite start the copy again.
            live_db.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(copy, partial)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{source} could not be copied: {error}") from error
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target.stat().st_size


def restore(backup: Path, target: Path) -> int:
    """Copy a backup into a database file that does not exist yet; returns its size.

    Never over an existing file: a restore over the live database would lose whatever the bot
    wrote since the backup. Move the old file away first (README, Backups).
    """
    if target.exists():
        raise BackupError(f"{target} exists: move it away first, then restore")
    with closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as source:
        _check_integrity(source, backup)
    return snapshot(backup, target)


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of a database file, for the restore drill and the /backup reply."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _check_integrity(db: sqlite3.Connection, path: Path) -> None:
    try:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from error
    if verdict != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {verdict}")
