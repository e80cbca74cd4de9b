"""The checks as moderators and volunteers meet them, through the real dispatcher and a real
guarded probe against a local web server: evidence at intake on the card and in /report,
/recheck (once per command, even when Telegram delivers it again), /probe_status, the
observed time from sending to blocking in /report and the digest — and nothing of it for
volunteers."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import background_of
from bot.jobs.evidence import evidence_job
from bot.probe_hub import ProbeHub
from models.enums import CheckPurpose, ReportStatus, Vantage, Verdict
from models.moderation import AuditEntry
from models.probe import ProbeCheck
from services.clock import utcnow
from services.digest.build import build_digest
from services.tallies import PointWeights
from services.weeks import Week
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient, numbers, text, texts
from tests.support.probe_servers import PageServer, Servers, html, resolver_for
from tests.support.report_setup import move, status
from views.digest import render_for_chat

SHOP = "shop-e2e.kz"
TITLE = "Магазин закладок"


@pytest.fixture
def settings(database_url: str) -> Settings:
    # The allowlist lets the probe reach this test's own server on loopback, nothing else.
    return Settings(
        telegram={"token": TEST_TOKEN},
        database={"url": database_url},
        access={"admins": [ADMIN_ID]},
        probe={
            "allowlist": ["127.0.0.1"],
            "connect_timeout_s": 2,
            "read_timeout_s": 2,
            "total_timeout_s": 5,
        },
    )


@pytest.fixture
async def shop(dispatcher: Dispatcher) -> AsyncIterator[str]:
    """The link of a drug shop served on loopback under a public-looking name."""
    servers = Servers()
    server = await servers.start(PageServer({"/": html(TITLE, "Купить")}))
    hub = _hub(dispatcher)
    hub.resolver = resolver_for({SHOP: ["127.0.0.1"]})
    try:
        yield f"http://{SHOP}:{server.port}/"
    finally:
        await hub.aclose()
        await servers.aclose()


def _hub(dispatcher: Dispatcher) -> ProbeHub:
    hub = background_of(dispatcher).probe
    assert hub is not None
    return hub


async def _checks(db: AsyncSession, report_id: int) -> list[ProbeCheck]:
    db.expire_all()
    rows = await db.exec(
        select(ProbeCheck).where(ProbeCheck.report_id == report_id).order_by(col(ProbeCheck.id))
    )
    return list(rows.all())


async def _report(client: BotClient, user: int, link: str) -> int:
    [number] = numbers(text(await client.as_user(user, language_code="en").send(link)))
    return number


async def test_a_new_web_link_is_looked_at_once_and_only_moderators_see_what_was_seen(
    client: BotClient, dispatcher: Dispatcher, db: AsyncSession, shop: str
) -> None:
    hub = _hub(dispatcher)
    report_id = await _report(client, 7001, shop)
    assert hub.evidence_wakeup.is_set()  # intake woke the evidence job
    job = evidence_job(
        session_maker=background_of(dispatcher).session_maker,
        checker=hub.checker(client.bot),
        options=hub.options,
        wakeup=hub.evidence_wakeup,
    )
    await job.run(utcnow())
    await job.run(utcnow())  # nothing left: one evidence check per report
    [check] = await _checks(db, report_id)
    assert check.purpose is CheckPurpose.INTAKE
    assert check.verdict is Verdict.ONLINE
    assert check.vantage is Vantage.HOST
    assert check.title == TITLE
    assert check.http_status == 200
    assert check.body_sha256 is not None

    moderator = client.as_user(ADMIN_ID, language_code="en")
    card = text(await moderator.send("/queue"))
    assert "Seen by the bot:" in card
    assert f"«{TITLE}»" in card
    full = text(await moderator.send(f"/report {report_id}"))
    assert "Checks" in full
    assert "at intake" in full
    assert "HTTP 200" in full
    assert "from the bot's host only" in full

    russian = text(await client.as_user(ADMIN_ID, language_code="ru").send(f"/report {report_id}"))
    assert "Проверки" in russian
    assert "при поступлении" in russian

    volunteer = client.as_user(7001, language_code="en")
    seen_by_volunteer = "\n".join(texts(await volunteer.send("/my")))
    seen_by_volunteer += "\n".join(texts(await volunteer.send(f"/report {report_id}")))
    assert TITLE not in seen_by_volunteer
    assert "HTTP" not in seen_by_volunteer


async def test_recheck_looks_now_and_a_redelivered_command_looks_no_second_time(
    client: BotClient, dispatcher: Dispatcher, db: AsyncSession, shop: str
) -> None:
    report_id = await _report(client, 7002, shop)
    moderator = client.as_user(ADMIN_ID, language_code="en")
    command = moderator.message_update(f"/recheck {report_id} 999999")
    replies = texts(await moderator.feed(command))
    assert replies[0] == f"Checking #{report_id}, #999999; the results follow."
    assert f"#{report_id} · " in replies[1]
    assert "<b>online</b>" in replies[1]
    assert "/recheck" in replies[1]
    assert "Not checked" in replies[1]
    assert "#999999" in replies[1]
    assert len(await _checks(db, report_id)) == 1

    assert await moderator.feed(command) == []  # Telegram delivered it again
    assert len(await _checks(db, report_id)) == 1
    background = background_of(dispatcher)
    scraped = (await background.metrics.render(background.session_maker)).decode()
    assert 'cvbot_probe_checks_total{verdict="online"} 1.0' in scraped

    refused = text(await client.as_user(7002, language_code="en").send(f"/recheck {report_id}"))
    assert "moderators only" in refused
    assert len(await _checks(db, report_id)) == 1


async def test_two_rechecks_of_a_sent_link_that_still_works_mark_it_still_online(
    client: BotClient, db: AsyncSession, shop: str
) -> None:
    report_id = await _report(client, 7003, shop)
    await move(db, [report_id], ReportStatus.SENT)
    moderator = client.as_user(ADMIN_ID, language_code="en")
    first = texts(await moderator.send(f"/recheck {report_id}"))[-1]
    assert "→" not in first
    assert await status(db, report_id) is ReportStatus.SENT
    second = texts(await moderator.send(f"/recheck {report_id}"))[-1]
    assert "→ still online" in second
    assert await status(db, report_id) is ReportStatus.STILL_ONLINE

    shown = text(await moderator.send("/probe_status"))
    assert "Last 24 hours, checks by verdict:" in shown
    assert "• online: 2" in shown
    assert "Seen from the bot's host only" in shown
    assert "No scheduled run yet." in shown


async def test_probe_status_in_kazakh(client: BotClient) -> None:
    shown = text(await client.as_user(ADMIN_ID, language_code="kk").send("/probe_status"))
    assert "Қазір кезекте: 0" in shown


async def test_sent_to_blocked_as_observed_in_report_and_digest(
    client: BotClient, db: AsyncSession, i18n: I18n
) -> None:
    report_id = await _report(client, 7004, "https://blocked-shop.kz/")
    await move(db, [report_id], ReportStatus.SENT)
    sent_at = (
        await db.exec(
            select(func.min(AuditEntry.at)).where(
                AuditEntry.report_id == report_id,
                col(AuditEntry.to_status) == ReportStatus.SENT.value,
            )
        )
    ).one()
    assert sent_at is not None
    observed_at = sent_at + timedelta(days=2, hours=12)
    for at, verdict in (
        (sent_at + timedelta(days=1), Verdict.ONLINE),
        (observed_at, Verdict.BLOCKED_TLS),
        (observed_at + timedelta(days=1), Verdict.BLOCKED_TLS),
    ):
        db.add(
            ProbeCheck(
                report_id=report_id,
                checked_at=at,
                purpose=CheckPurpose.SCHEDULED,
                vantage=Vantage.HOST,
                verdict=verdict,
            )
        )
    await db.commit()

    full = text(await client.as_user(ADMIN_ID, language_code="en").send(f"/report {report_id}"))
    assert "Sent → blocked as the checks saw it: 2.5 days" in full

    digest = await build_digest(db, week=Week.of(observed_at), weights=PointWeights())
    assert digest.median_days_observed == pytest.approx(2.5)
    english, _ = await render_for_chat(digest, i18n, "en")
    assert "as the bot's checks saw it: <b>2.5</b>" in english
    russian, _ = await render_for_chat(digest, i18n, "ru")
    assert "по проверкам бота: <b>2.5</b>" in russian
    earlier = await build_digest(db, week=Week.of(observed_at).previous(), weights=PointWeights())
    assert earlier.median_days_observed is None
