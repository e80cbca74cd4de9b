"""Intake's SQLite writer (models/sqlite_writer.py) writes on the event loop only when the write
lock is free; when another connection holds it, the transaction waits in the writer's thread
and is saved once, after the lock is released."""

import asyncio
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import text

from models.engine import create_engine
from models.prepared import Prepared, Run
from models.sqlite_writer import SqliteWriter

INSERT = Prepared(lambda _insert: text("INSERT INTO mark (x) VALUES (1)"))


async def test_a_taken_lock_is_waited_for_in_the_thread_never_on_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "writer.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE mark (x INTEGER)")
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    writer = SqliteWriter.for_engine(engine)
    assert writer is not None
    ran_in: list[int] = []

    def work(run: Run) -> None:
        ran_in.append(threading.get_ident())
        run(INSERT, {})

    other.execute("BEGIN IMMEDIATE")

    async def release() -> None:
        await asyncio.to_thread(other.execute, "COMMIT")

    await asyncio.gather(writer.run(work), release())
    assert ran_in
    assert threading.get_ident() not in ran_in
    await writer.run(work)  # the lock is free now: this one runs on the loop
    assert ran_in[-1] == threading.get_ident()
    assert other.execute("SELECT count(*) FROM mark").fetchone() == (2,)
    await engine.dispose()
    other.close()
