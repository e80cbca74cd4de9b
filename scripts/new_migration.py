"""Write a new Alembic revision for what the models have and the migrations lack.

    python scripts/new_migration.py "what changed"

Builds a scratch SQLite database from the existing revisions, compares it with the models and
writes models/migrations/versions/NNNN_<slug>.py. Review it: use the checking helpers of
models/migrations/tolerant.py, and add PostgreSQL-only steps (SQLite cannot show them).
"""

import asyncio
import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.engine import create_engine
from models.migrate import alembic_config, upgrade_to_head


async def main(message: str) -> None:
    config = alembic_config()
    number = len(list(ScriptDirectory.from_config(config).walk_revisions())) + 1
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:24]
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{scratch}/scratch.db"
        await upgrade_to_head(url)
        engine = create_engine(url)
        async with engine.connect() as connection:

            def write(sync: object) -> None:
                config.attributes["connection"] = sync
                command.revision(config, message, autogenerate=True, rev_id=f"{number:04d}_{slug}")

            await connection.run_sync(write)
        await engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1]))
