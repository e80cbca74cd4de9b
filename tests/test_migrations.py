"""Alembic owns the schema: the revisions build exactly the models' schema, keep data, adopt
databases made by `create_all`, and two processes migrating at once both succeed.

Each test gets its own side database: a SQLite file, and on PostgreSQL (TEST_DATABASE_URL set) a
fresh database created beside the test database and dropped afterwards.
"""

import asyncio
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import models.tables  # noqa: F401  (every table on the metadata)
from bot.i18n import create_i18n
from models.engine import create_engine
from models.enums import CheckPurpose, District, NoteCode, ReportStatus, Vantage, Verdict
from models.migrate import BASELINE, MigrationError, alembic_config, ensure_at_head, head_revision
from models.migrate import upgrade_to_head as migrate
from models.migration_types import MIGRATION_OPTIONS
from models.moderation import AuditEntry, Notice
from models.probe import ProbeCheck
from models.report import Report
from services.kept_tallies import per_day
from services.points import COUNTS
from tests.support.telegram_ids import tg_id
from views.labels import reason_label

ROOT = Path(__file__).resolve().parent.parent
NEW_MIGRATION = 'python scripts/new_migration.py "what changed"'


def _server_dsn(url: str, database: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", database=database)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
async def side_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/migrated.db"
        return
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL database")
    name = f"{make_url(base).database}_mig_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_server_dsn(base, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _on(url: str, work: Any) -> Any:
    """Run `work(sync_connection)` in one committed transaction on `url`."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={**MIGRATION_OPTIONS, "target_metadata": SQLModel.metadata}
    )
    found: list[Any] = compare_metadata(context, SQLModel.metadata)
    return found


def _upgrade_to(revision: str) -> Any:
    def upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    return upgrade


async def _assert_models_and_migrations_agree(url: str) -> None:
    differences = await _on(url, _differences)
    assert not differences, (
        "The models differ from the schema the migrations build. Create the missing revision "
        f"with `{NEW_MIGRATION}`, review it in models/migrations/versions/ (use the helpers of "
        "models/migrations/tolerant.py), and run this test again. Differences: "
        f"{differences}"
    )


async def test_models_and_migrations_agree(side_url: str) -> None:
    await migrate(side_url)
    await _assert_models_and_migrations_agree(side_url)
    await migrate(side_url)  # a second run finds nothing to do
    assert await _on(side_url, _current_revision) == head_revision()


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _first_release_data(connection: Connection) -> None:
    """Rows as the first release wrote them, ids already past 2³¹ where it allowed."""
    connection.execute(
        text("INSERT INTO volunteer (id, telegram_id, first_name, role, created_at, "
             "notices_enabled, is_reachable, public_consent, personal_digest_enabled) "
             f"VALUES (1, {tg_id(1)}, 'Old', 'volunteer', CURRENT_TIMESTAMP, "
             "true, true, false, true), "
             f"(2, {tg_id(2)}, 'Other', 'volunteer', CURRENT_TIMESTAMP, true, true, false, true)")
    )  # fmt: skip
    connection.execute(
        text("INSERT INTO report (id, kind, display, status, created_at, status_changed_at) "
             "VALUES (7, 'website', 'shop.example', 'new', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    )  # fmt: skip
    connection.execute(
        text("INSERT INTO sighting (report_id, volunteer_id, chat_id, message_id, text_as_sent, "
             "created_at) VALUES (7, 1, 12345, 678, 'shop.example', CURRENT_TIMESTAMP)")
    )  # fmt: skip


def _kept_data_and_64_bit_ids(connection: Connection) -> tuple[Any, ...]:
    # A chat id and a message id past 2³¹ fit after the upgrade (INTEGER → BIGINT on PostgreSQL).
    connection.execute(
        text("INSERT INTO sighting (report_id, volunteer_id, chat_id, message_id, text_as_sent, "
             f"created_at) VALUES (7, 2, {tg_id(2**40)}, {2**33}, 'again', CURRENT_TIMESTAMP)")
    )  # fmt: skip
    volunteer = connection.execute(
        text("SELECT telegram_id, first_name, forgotten_at FROM volunteer WHERE id = 1")
    ).one()
    sightings = connection.execute(
        text("SELECT chat_id, message_id FROM sighting ORDER BY id")
    ).all()
    return tuple(volunteer), [tuple(row) for row in sightings]


EXPECTED_AFTER_UPGRADE = (
    (tg_id(1), "Old", None),
    [(12345, 678), (tg_id(2**40), 2**33)],
)


async def test_upgrading_a_baseline_database_keeps_its_data(side_url: str) -> None:
    await _on(side_url, _upgrade_to(BASELINE))
    await _on(side_url, _first_release_data)
    await migrate(side_url)
    assert await _on(side_url, _kept_data_and_64_bit_ids) == EXPECTED_AFTER_UPGRADE
    await _assert_models_and_migrations_agree(side_url)


def _as_if_made_by_create_all(connection: Connection) -> None:
    """The baseline is the first release's create_all schema; without the history table it is
    exactly what a deployment of that release has. The start-up column adder that ran before
    Alembic may also have added columns and tables of the next revision: some are added here."""
    connection.execute(text("DROP TABLE alembic_version"))
    connection.execute(text("ALTER TABLE volunteer ADD COLUMN forgotten_at TIMESTAMP"))
    connection.execute(
        text("CREATE TABLE bot_fact (id INTEGER NOT NULL PRIMARY KEY, key VARCHAR(64) NOT NULL "
             "UNIQUE, at TIMESTAMP WITH TIME ZONE NOT NULL)")
    )  # fmt: skip


async def test_a_database_made_by_create_all_is_stamped_and_upgraded_in_place(
    side_url: str,
) -> None:
    await _on(side_url, _upgrade_to(BASELINE))
    await _on(side_url, _first_release_data)
    await _on(side_url, _as_if_made_by_create_all)
    assert "alembic_version" not in await _on(side_url, lambda c: inspect(c).get_table_names())

    await migrate(side_url)

    assert await _on(side_url, _current_revision) == head_revision()
    assert await _on(side_url, _kept_data_and_64_bit_ids) == EXPECTED_AFTER_UPGRADE


async def _python_m_bot_migrate(url: str, tmp_path: Path) -> asyncio.subprocess.Process:
    config = tmp_path / "cfg.toml"
    config.write_text('[telegram]\ntoken = "123456789:' + "A" * 35 + '"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVBOT_")}
    env["CVBOT_DATABASE__URL"] = url
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "migrate", "--config", str(config),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_two_processes_migrating_a_fresh_database_at_once_both_succeed(
    side_url: str, tmp_path: Path
) -> None:
    processes = [await _python_m_bot_migrate(side_url, tmp_path) for _ in range(2)]
    results = [await asyncio.wait_for(p.communicate(), timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [r[1].decode()[-2000:] for r in results]
    assert await _on(side_url, _current_revision) == head_revision()
    await _assert_models_and_migrations_agree(side_url)


async def test_migrate_refuses_a_database_not_made_by_the_bot_in_one_line(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/other.db"
    await _on(url, lambda c: c.execute(text("CREATE TABLE customers (id INTEGER)")))
    process = await _python_m_bot_migrate(url, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    last = stderr.decode().strip().splitlines()[-1]
    assert process.returncode == 5
    assert last.startswith("database migration error: the database has tables but no migration")
    assert "volunteer" in last


async def test_with_auto_migrate_off_an_old_database_is_refused_with_the_command(
    side_url: str,
) -> None:
    await _on(side_url, _upgrade_to(BASELINE))
    with pytest.raises(MigrationError, match=r"python -m bot migrate --config PATH"):
        await ensure_at_head(side_url)
    await migrate(side_url)
    await ensure_at_head(side_url)


async def test_migrate_with_an_unreachable_server_is_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+asyncpg://bot:s3cret-pw@127.0.0.1:{port}/cvbot"
    process = await _python_m_bot_migrate(url, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 5
    assert len(lines) == 1, lines
    assert lines[0].startswith("database migration error: "), lines
    assert str(port) in lines[0]
    assert "s3cret-pw" not in lines[0]


CODES_REVISION = "0004_rejection_reasons_as_cod"


def _english_notes(connection: Connection) -> None:
    """Reasons and audit notes as the releases before codes stored them: English texts, and the
    words moderators typed."""
    connection.execute(
        text("INSERT INTO volunteer (id, telegram_id, first_name, role, created_at, "
             "notices_enabled, is_reachable, public_consent, personal_digest_enabled) "
             f"VALUES (1, {tg_id(1)}, 'Old', 'volunteer', CURRENT_TIMESTAMP, "
             "true, true, false, true)")
    )  # fmt: skip
    for report_id, status, note in (
        (7, "rejected", "not drug-related"),
        (8, "rejected", "a cooking blog, not a shop"),
        (9, "merged", None),
        (10, "reappeared", None),
        (11, "declined", "duplicate"),
    ):
        connection.execute(
            text("INSERT INTO report (id, kind, display, status, created_at, status_changed_at, "
                 "resolution_note) VALUES (:id, 'website', 'shop.example', :status, "
                 "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :note)"),
            {"id": report_id, "status": status, "note": note},
        )  # fmt: skip
    for report_id, note in ((7, "not drug-related"), (8, "a cooking blog, not a shop")):
        connection.execute(
            text("INSERT INTO notice (volunteer_id, report_id, event, note, created_at) "
                 "VALUES (1, :id, 'rejected', :note, CURRENT_TIMESTAMP)"),
            {"id": report_id, "note": note},
        )  # fmt: skip
    for report_id, before, after, note in (
        (7, "new", "rejected", "not drug-related"),
        (8, "new", "rejected", "a cooking blog, not a shop"),
        (9, "new", "merged", "#7"),
        (10, "accepted", "assigned", "almaly"),
        (10, "assigned", "painted_over", "after-photo"),
        (10, "painted_over", "reappeared", "#12"),
        (11, "accepted", "sent", "batch 3"),
        (11, "sent", "declined", "duplicate"),
        (11, "sent", "declined", "#5"),  # typed by a moderator: not a merge
    ):
        connection.execute(
            text("INSERT INTO audit_entry (report_id, from_status, to_status, at, note) "
                 "VALUES (:id, :before, :after, CURRENT_TIMESTAMP, :note)"),
            {"id": report_id, "before": before, "after": after, "note": note},
        )  # fmt: skip


async def _read_back(url: str) -> tuple[Any, ...]:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as session:
            reports = (await session.exec(select(Report).order_by(col(Report.id)))).all()
            notices = (await session.exec(select(Notice).order_by(col(Notice.id)))).all()
            audit = (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
            return (
                [(r.id, r.resolution_code, r.resolution_note) for r in reports],
                [(n.code, n.note) for n in notices],
                [(a.code, a.ref_id, a.district, a.note) for a in audit],
            )
    finally:
        await engine.dispose()


async def test_english_reasons_become_codes_and_render_in_every_language(side_url: str) -> None:
    await _on(side_url, _upgrade_to("0003_batch_voided_at"))
    await _on(side_url, _english_notes)
    await migrate(side_url)
    await _assert_models_and_migrations_agree(side_url)

    reports, notices, audit = await _read_back(side_url)
    typed = "a cooking blog, not a shop"
    assert reports == [
        (7, NoteCode.NOT_DRUG_RELATED, None),
        (8, None, typed),
        (9, None, None),
        (10, None, None),
        (11, NoteCode.DUPLICATE, None),
    ]
    assert notices == [(NoteCode.NOT_DRUG_RELATED, None), (None, typed)]
    assert audit == [
        (NoteCode.NOT_DRUG_RELATED, None, None, None),
        (None, None, None, typed),
        (NoteCode.MERGED_INTO, 7, None, None),
        (NoteCode.CREW, None, District.ALMALY, None),
        (NoteCode.AFTER_PHOTO, None, None, None),
        (NoteCode.SAME_WALL, 12, None, None),
        (NoteCode.BATCH, 3, None, None),
        (NoteCode.DUPLICATE, None, None, None),
        (None, None, None, "#5"),
    ]
    assert all(isinstance(row[1], NoteCode | None) for row in reports)

    i18n = create_i18n()
    rendered = {}
    for locale in ("ru", "kk", "en"):
        with i18n.context(), i18n.use_locale(locale):
            rendered[locale] = (
                reason_label(NoteCode.NOT_DRUG_RELATED, None),
                reason_label(None, typed),
                reason_label(NoteCode.BATCH, None, 3),
            )
    assert rendered == {
        "ru": ("не связано с наркотиками", typed, "пакет 3"),
        "kk": ("есірткіге қатысы жоқ", typed, "3 топтама"),
        "en": ("not drug-related", typed, "batch 3"),
    }

    # Downgrading writes the English texts back.
    await _on(side_url, _downgrade_to("0003_batch_voided_at"))
    notes = await _on(
        side_url, lambda c: c.execute(text("SELECT note FROM audit_entry ORDER BY id")).all()
    )
    assert [row[0] for row in notes] == [
        "not drug-related", typed, "#7", "almaly", "«after» photo", "#12", "batch 3",
        "duplicate", "#5",
    ]  # fmt: skip


def _downgrade_to(revision: str) -> Any:
    def downgrade(connection: Connection) -> None:
        if connection.dialect.name == "sqlite":  # as models.migrate does for batch rebuilds
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    return downgrade


def _history_before_kept_tallies(connection: Connection) -> None:
    """Sightings either side of an Almaty midnight (19:00 UTC), a blocked report with a
    confirmation before and one after its blocking, an accepted and a rejected report."""
    for n in (1, 2, 3):
        connection.execute(
            text("INSERT INTO volunteer (id, telegram_id, first_name, role, created_at, "
                 "notices_enabled, is_reachable, public_consent, personal_digest_enabled) "
                 f"VALUES ({n}, {tg_id(n)}, 'V', 'volunteer', CURRENT_TIMESTAMP, "
                 "true, true, false, true)")
        )  # fmt: skip
    for report_id, status, finder in ((7, "blocked", 1), (8, "accepted", 2), (9, "rejected", 3)):
        connection.execute(
            text("INSERT INTO report (id, kind, display, status, created_at, status_changed_at, "
                 f"found_by_id) VALUES ({report_id}, 'website', 'x', '{status}', "
                 f"'2026-11-10 10:00:00', '2026-11-10 10:00:00', {finder})")
        )  # fmt: skip
    for report_id, volunteer, at in (
        (7, 1, "2026-11-10 18:59"), (7, 3, "2026-11-10 19:01"), (7, 2, "2026-11-13 09:00"),
        (8, 2, "2026-11-10 18:30"), (8, 1, "2026-11-10 19:30"), (9, 3, "2026-11-11 08:00"),
    ):  # fmt: skip
        connection.execute(
            text("INSERT INTO sighting (report_id, volunteer_id, chat_id, message_id, "
                 f"text_as_sent, created_at) VALUES ({report_id}, {volunteer}, {tg_id(9)}, 1, "
                 f"'x', '{at}:00')")
        )  # fmt: skip
    connection.execute(
        text("INSERT INTO audit_entry (report_id, from_status, to_status, at) VALUES "
             "(7, 'sent', 'blocked', '2026-11-12 10:00:00'), (8, 'new', 'accepted', "
             "'2026-11-11 10:00:00')")
    )  # fmt: skip


def _tally_rows(connection: Connection) -> tuple[Any, Any]:
    names = ", ".join(("volunteer_id", "day", *COUNTS))
    kept = connection.execute(text(f"SELECT {names} FROM tally_day")).all()
    recomputed = connection.execute(per_day(connection.dialect.name)).all()
    return (
        sorted((v, str(day), *rest) for v, day, *rest in kept),
        sorted((v, str(day), *(int(n) for n in rest)) for v, day, *rest in recomputed),
    )


async def test_revision_0006_fills_the_kept_tallies_as_a_rebuild_would(side_url: str) -> None:
    await _on(side_url, _upgrade_to("0005_sighting_created_at_index"))
    await _on(side_url, _history_before_kept_tallies)
    await migrate(side_url)
    kept, recomputed = await _on(side_url, _tally_rows)
    assert kept == recomputed
    # Volunteer 1: a find later blocked (Almaty 10 November) and a confirmation of an accepted
    # report just after Almaty midnight (11 November).
    assert [row[:2] for row in kept if row[0] == 1] == [(1, "2026-11-10"), (1, "2026-11-11")]
    closed = await _on(
        side_url,
        lambda c: c.execute(text("SELECT closed_at FROM report WHERE id = 7")).scalar_one(),
    )
    assert closed is not None


PROBE_REVISION = "0009_probe_checks"


async def _probe_rows_read_back(url: str) -> tuple[Any, ...]:
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as session:
            session.add(
                ProbeCheck(
                    report_id=7, purpose=CheckPurpose.SCHEDULED, vantage=Vantage.HOST,
                    verdict=Verdict.BLOCKED_TLS, stages='[{"name": "tls", "ok": false}]',
                    addresses='["203.0.113.5"]', changed_to=ReportStatus.REMOVED,
                )
            )  # fmt: skip
            await session.commit()
            session.expire_all()
            report = await session.get(Report, 7)
            check = (await session.exec(select(ProbeCheck))).one()
            return (
                report.next_check_at if report else "missing",
                check.purpose, check.vantage, check.verdict, check.changed_to,
                type(check.verdict), check.latency_ms,
            )  # fmt: skip
    finally:
        await engine.dispose()


async def test_revision_0009_adds_the_probes_tables_and_goes_back(side_url: str) -> None:
    await _on(side_url, _upgrade_to("0008_tally_points"))
    await _on(side_url, _first_release_data)
    await migrate(side_url)
    assert await _probe_rows_read_back(side_url) == (
        None, CheckPurpose.SCHEDULED, Vantage.HOST, Verdict.BLOCKED_TLS, ReportStatus.REMOVED,
        Verdict, 0,
    )  # fmt: skip
    await _on(side_url, _downgrade_to("0008_tally_points"))
    tables = await _on(side_url, lambda c: inspect(c).get_table_names())
    assert not {"probe_check", "probe_run", "probe_alert"} & set(tables)
    columns = await _on(side_url, lambda c: [x["name"] for x in inspect(c).get_columns("report")])
    assert "next_check_at" not in columns
    await migrate(side_url)
    await _assert_models_and_migrations_agree(side_url)


async def test_revision_0010_keeps_volunteers_words_and_goes_back(side_url: str) -> None:
    await _on(side_url, _upgrade_to("0009_probe_checks"))
    await _on(side_url, _first_release_data)
    await migrate(side_url)

    def words(connection: Connection) -> list[Any]:
        connection.execute(text("UPDATE sighting SET words = :w"), {"w": "у школы " * 62})
        return list(connection.execute(text("SELECT words FROM sighting")).scalars())

    assert await _on(side_url, words) == ["у школы " * 62]  # 496 characters fit
    await _on(side_url, _downgrade_to("0009_probe_checks"))
    columns = await _on(side_url, lambda c: inspect(c).get_columns("sighting"))
    assert "words" not in {column["name"] for column in columns}
    await migrate(side_url)
    await _assert_models_and_migrations_agree(side_url)


async def test_revision_0012_adds_senior_votes_and_goes_back(side_url: str) -> None:
    await _on(side_url, _upgrade_to("0011_sighting_note"))
    await _on(side_url, _first_release_data)
    await migrate(side_url)

    def senior_rows(connection: Connection) -> list[Any]:
        connection.execute(text("UPDATE volunteer SET role = 'senior' WHERE id = 2"))
        connection.execute(
            text("INSERT INTO senior_vote (report_id, volunteer_id, choice, created_at) "
                 "VALUES (7, 2, 'drugs', CURRENT_TIMESTAMP)")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO role_change (volunteer_id, from_role, to_role, actor_id, at) "
                 "VALUES (2, 'volunteer', 'senior', 1, CURRENT_TIMESTAMP)")
        )  # fmt: skip
        connection.execute(text("UPDATE report SET seniors_say = 'drugs' WHERE id = 7"))
        return list(connection.execute(text("SELECT choice FROM senior_vote")).scalars())

    assert await _on(side_url, senior_rows) == ["drugs"]
    await _on(side_url, _downgrade_to("0011_sighting_note"))
    tables = await _on(side_url, lambda c: inspect(c).get_table_names())
    assert not {"senior_vote", "role_change"} & set(tables)
    columns = await _on(side_url, lambda c: [x["name"] for x in inspect(c).get_columns("report")])
    assert "seniors_say" not in columns
    roles = await _on(side_url, lambda c: c.execute(text("SELECT role FROM volunteer")).all())
    assert {role for (role,) in roles} == {"volunteer"}  # the older code reads no `senior`
    await migrate(side_url)
    await _assert_models_and_migrations_agree(side_url)
