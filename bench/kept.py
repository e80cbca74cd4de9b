"""Bring a generated database's kept tallies up to date, as revision 0006 and the bot would:
`report.closed_at` from the audit trail, the default weights recorded, then tables tally_day,
tally_points and tally_week rebuilt by the production code."""

import sqlite3
import time
from pathlib import Path

from models.engine import create_engine, create_session_maker
from services import kept_points, kept_tallies
from services.tallies import PointWeights


async def keep_tallies(path: Path) -> float:
    """Seconds the rebuild took (closed_at is filled first and not counted)."""
    connection = sqlite3.connect(path)
    connection.execute(
        "UPDATE report SET closed_at = (SELECT min(a.at) FROM audit_entry a"
        " WHERE a.report_id = report.id AND a.to_status IN ('blocked', 'painted_over'))"
    )
    connection.commit()
    connection.close()
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    started = time.perf_counter()
    async with create_session_maker(engine)() as session:
        await kept_points.use_weights(session, PointWeights())
        await kept_tallies.rebuild(session)
        await session.commit()
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed
