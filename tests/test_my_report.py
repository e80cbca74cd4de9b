"""/my N: a volunteer follows one of their reports; a stranger's report shows its status only."""

from datetime import UTC, datetime

from aiogram.methods import SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import CheckPurpose, NoteCode, ReportStatus, Vantage, Verdict
from models.moderation import AuditEntry
from models.probe import ProbeCheck
from services import lifecycle
from services.clock import to_almaty
from tests.support.client import BotClient, button_data, buttons, text, texts
from tests.support.report_setup import move, report_ids
from tests.support.telegram_ids import tg_id

S = ReportStatus
# What a check read from the target: never for volunteers' eyes.
PROBE_SECRETS = (
    "Shop Title Inside",
    "203.0.113.77",
    "https://mirror.example/landing",
    "TLS alert",
)


async def _send(client: BotClient, db: AsyncSession, link: str) -> int:
    before = set(await report_ids(db))
    await client.send(link)
    [created] = [i for i in await report_ids(db) if i not in before]
    return created


async def _check(db: AsyncSession, report_id: int, verdict: Verdict, at: datetime) -> None:
    db.add(
        ProbeCheck(
            report_id=report_id,
            checked_at=at,
            purpose=CheckPurpose.SCHEDULED,
            vantage=Vantage.HOST,
            verdict=verdict,
            title=PROBE_SECRETS[0],
            addresses=f'["{PROBE_SECRETS[1]}"]',
            final_url=PROBE_SECRETS[2],
            error=PROBE_SECRETS[3],
            http_status=200,
        )
    )
    await db.commit()


def _assert_private(reply: str) -> None:
    for secret in PROBE_SECRETS:
        assert secret not in reply, secret
    # Nobody's identity: the test users' names, usernames and Telegram ids.
    for word in ("Aruzhan", "User3001", "Bauyrzhan", "spy_user", str(tg_id(1001))):
        assert word not in reply, word
    assert str(tg_id(3001)) not in reply


async def test_own_new_report(client: BotClient, db: AsyncSession) -> None:
    english = client.as_user(1001, first_name="Aruzhan", language_code="en")
    number = await _send(english, db, "t.me/fresh_find")
    reply = text(await english.send(f"/my {number}"))
    assert f"#{number}" in reply
    assert "fresh_find" in reply
    assert "Status: new, waiting for a moderator" in reply
    assert "Sent to" not in reply
    assert "check" not in reply
    _assert_private(reply)
    # `#N` works as well as `N`, and the answer is the same.
    assert text(await english.send(f"/my #{number}")) == reply


async def test_own_rejected_report_shows_reason_here_and_in_the_list(
    client: BotClient, db: AsyncSession
) -> None:
    english = client.as_user(1001, first_name="Aruzhan", language_code="en")
    preset = await _send(english, db, "t.me/legit_bakery")
    typed = await _send(english, db, "t.me/other_bakery")
    await lifecycle.change_status(
        db,
        report_ids=[preset],
        to=S.REJECTED,
        actor_id=None,
        why=lifecycle.Why(NoteCode.NOT_DRUG_RELATED),
    )
    await lifecycle.change_status(
        db,
        report_ids=[typed],
        to=S.REJECTED,
        actor_id=None,
        why=lifecycle.Why(text="a <b>bakery</b>"),
    )
    reply = text(await english.send(f"/my {preset}"))
    assert "Status: rejected" in reply
    assert "Reason: not drug-related" in reply
    typed_reply = text(await english.send(f"/my {typed}"))
    assert "Reason: a &lt;b&gt;bakery&lt;/b&gt;" in typed_reply
    listing = text(await english.send("/my"))
    assert "not drug-related" in listing
    assert "a &lt;b&gt;bakery&lt;/b&gt;" in listing


async def test_own_report_sent_then_seen_blocked_and_online(
    client: BotClient, db: AsyncSession
) -> None:
    english = client.as_user(1001, first_name="Aruzhan", language_code="en")
    number = await _send(english, db, "https://shop-blocked.kz/buy")
    await move(db, [number], S.SENT)
    sent_at = (
        await db.exec(
            select(AuditEntry.at).where(
                AuditEntry.report_id == number, AuditEntry.to_status == S.SENT
            )
        )
    ).one()
    await _check(db, number, Verdict.ONLINE, datetime(2026, 3, 2, 9, tzinfo=UTC))
    await _check(db, number, Verdict.BLOCKED_TLS, datetime(2026, 3, 4, 20, tzinfo=UTC))
    # An inconclusive check says nothing either way.
    await _check(db, number, Verdict.INCONCLUSIVE, datetime(2026, 3, 6, 9, tzinfo=UTC))

    reply = text(await english.send(f"/my {number}"))
    assert "Status: sent to Kibernadzor" in reply
    assert f"Sent to Kibernadzor: {to_almaty(sent_at).strftime('%d.%m.%Y')}" in reply
    # 20:00 UTC is already the next day in Almaty.
    assert "A check last saw it blocked on 05.03.2026" in reply
    assert "A check last saw it online on 02.03.2026" in reply
    assert "06.03.2026" not in reply
    _assert_private(reply)


async def test_own_merged_report_points_to_the_survivor(
    client: BotClient, db: AsyncSession
) -> None:
    english = client.as_user(1001, first_name="Aruzhan", language_code="en")
    source = await _send(english, db, "t.me/dup_shop_a")
    other = client.as_user(3001, language_code="en")
    survivor = await _send(other, db, "t.me/dup_shop_b")
    result = await lifecycle.merge(db, source_ids=[source], into_id=survivor, actor_id=None)
    assert result.merged == [source]
    reply = text(await english.send(f"/my {source}"))
    assert f"Your report #{source} was merged: it now lives under #{survivor}." in reply
    assert "Status: new, waiting for a moderator" in reply
    _assert_private(reply)
    # The volunteer who sent the survivor sees the merged number as their own too: same target.
    assert f"#{survivor}" in text(await other.send(f"/my {source}"))


async def test_someone_elses_report_shows_status_only(client: BotClient, db: AsyncSession) -> None:
    finder = client.as_user(3001, first_name="Bauyrzhan", username="spy_user", language_code="en")
    number = await _send(finder, db, "t.me/their_secret_find")
    await move(db, [number], S.SENT)
    await _check(db, number, Verdict.BLOCKED, datetime(2026, 3, 4, 9, tzinfo=UTC))
    rejected = await _send(finder, db, "t.me/their_rejected")
    await lifecycle.change_status(
        db,
        report_ids=[rejected],
        to=S.REJECTED,
        actor_id=None,
        why=lifecycle.Why(text="private words"),
    )
    english = client.as_user(1001, first_name="Aruzhan", language_code="en")
    reply = text(await english.send(f"/my {number}"))
    assert reply == f"Report #{number}: sent to Kibernadzor."
    rejected_reply = text(await english.send(f"/my {rejected}"))
    assert rejected_reply == f"Report #{rejected}: rejected."
    for shown in (reply, rejected_reply):
        assert "their_" not in shown
        assert "private words" not in shown
        assert not any(ch.isdigit() for ch in shown.split(":", 1)[1])  # no date
        _assert_private(shown)


async def test_unknown_number_and_nonsense(client: BotClient) -> None:
    english = client.as_user(1001, language_code="en")
    assert text(await english.send("/my 999999")) == "There is no report #999999."
    assert text(await english.send("/my 99999999999999999999")) == (
        "There is no report #99999999999999999999."
    )
    assert "/my 12" in text(await english.send("/my latest"))
    russian = client.as_user(1002, language_code="ru")
    assert text(await russian.send("/my 999999")) == "Жалобы #999999 нет."
    assert "Отправьте /my" in text(await russian.send("/my latest"))
    kazakh = client.as_user(1003, language_code="kk")
    assert "жіберіңіз" in text(await kazakh.send("/my latest"))


async def test_button_in_the_list_opens_the_report_twice_alike(
    client: BotClient, db: AsyncSession
) -> None:
    english = client.as_user(1001, language_code="en")
    number = await _send(english, db, "t.me/button_find")
    [listing] = [r for r in await english.send("/my") if isinstance(r, SendMessage)]
    assert (f"#{number}", button_data([listing], f"#{number}")) in buttons(listing)
    first = texts(await english.press([listing], f"#{number}"))
    second = texts(await english.press([listing], f"#{number}"))
    assert first == second
    assert any("Status: new, waiting for a moderator" in shown for shown in first)


async def test_forged_button_for_a_strangers_report_shows_status_only(
    client: BotClient, db: AsyncSession
) -> None:
    stranger = client.as_user(3001, language_code="en")
    number = await _send(stranger, db, "t.me/stranger_only")
    english = client.as_user(1001, language_code="en")
    await _send(english, db, "t.me/my_own")
    [listing] = [r for r in await english.send("/my") if isinstance(r, SendMessage)]
    shown = texts(
        await english.forge_press(f"myr:{number}", message_id=english.message_id_of(listing))
    )
    assert shown == [f"Report #{number}: new, waiting for a moderator."]
    assert all("stranger_only" not in reply for reply in shown)
