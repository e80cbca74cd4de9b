"""SQLite: one bot process per database file.

Two processes on one SQLite file would both run the periodic jobs (the weekly digest went out
twice) and fight over its one writer. `python -m bot` holds an exclusive lock (flock) on
`<database file>.lock`, beside the database, for as long as it runs; a second process refuses
to start with one line. The lock belongs to the open file, so it goes with the process however
that ends: a crash leaves the file behind but never a stale lock. In-memory databases need
none; on PostgreSQL several processes are fine and the worker lock (bot/worker_lock.py) keeps
the background work to one of them.
"""

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url


class AlreadyRunningError(Exception):
    pass


def lock_file_of(database_url: str) -> Path | None:
    """`<database file>.lock` for a SQLite file; None for PostgreSQL and `:memory:`."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(f"{parsed.database}.lock")


def hold_single_process_lock(database_url: str) -> IO[bytes] | None:
    """The open lock file (keep it open while the bot runs), or None when no lock is needed.

    Raises AlreadyRunningError (one line) when another process holds it. The database folder
    must exist (bot/data_folder.py checks it can be made; this makes it)."""
    path = lock_file_of(database_url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        database = path.with_name(path.name.removesuffix(".lock"))
        raise AlreadyRunningError(
            f"another bot process is using the database {database} (it holds {path}): SQLite"
            " supports one process; stop that one first, or use PostgreSQL to run several"
        ) from None
    return handle
