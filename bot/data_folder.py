"""Before the database is opened: can this user write where the SQLite database lives?

A volume mounted root-owned (Docker's default for a new bind mount) made SQLite fail deep in
the first connection with "unable to open database file". This says, in one line, which folder
and which user id, so whoever runs the bot knows what to chown.
"""

import os
from pathlib import Path

from sqlalchemy.engine import make_url


def database_folder_problem(database_url: str) -> str | None:
    """One line naming what this process cannot write, or None (also for PostgreSQL)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = Path(parsed.database)
    folder = database.parent if str(database.parent) else Path(".")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    user = f"the bot runs as user id {os.getuid()}"
    if not folder.exists():
        if not os.access(existing, os.W_OK | os.X_OK):
            return (
                f"cannot create the database folder {folder}: {existing} is not writable ({user})"
            )
        return None
    if not folder.is_dir():
        return f"{folder} is not a folder: the database cannot live there"
    # SQLite writes its journal and WAL files beside the database: the folder must be writable.
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"cannot write the database folder {folder} ({user}): give that user the folder,"
            f" e.g. chown -R {os.getuid()} {folder}"
        )
    if database.exists() and not os.access(database, os.R_OK | os.W_OK):
        return f"cannot write the database {database} ({user}): chown {os.getuid()} {database}"
    return None
