"""Privacy (issue 11): no path shows a volunteer's words or identity to another volunteer or to a
senior volunteer — not /check, not /my N of someone else's report, not /my, /top, /stats,
the outcome notices or the weekly digest. Everything the bot sends into the other people's
chats is read."""

from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.notices import NoticeDrainer
from services.clock import utcnow
from services.pacing import PacedSender
from services.weeks import Week
from tests.support.client import BotClient, text, texts
from tests.support.fake_clock import FakeClock
from tests.support.recording_session import RecordingSession
from tests.support.senior_helpers import DRUGS, make_senior
from tests.support.triage_helpers import NUMBER, admin, make_moderator

FINDER_WORDS = ("Видела", "остановке", "соль")
CONFIRMER_WORDS = ("рекламу", "подъезде")


def _received(session: RecordingSession, user: BotClient) -> str:
    """Everything the bot sent or edited into this person's private chat."""
    return "\n".join(texts(session.requests, user.user_id))


def _everything(requests: list[TelegramMethod[Any]]) -> str:
    return "\n".join(texts(requests))


def _secrets(user: BotClient, words: tuple[str, ...]) -> list[str]:
    return [user.first_name, user.username or "", str(user.user_id), *words]


async def test_no_path_shows_a_volunteers_words_or_identity_to_others(
    client: BotClient,
    fake_session: RecordingSession,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    finder = client.as_user(7001, first_name="Aigerim", username="aigerim_secret")
    confirmer = client.as_user(7002, first_name="Timur", username="timur_secret")
    said = await finder.send("Видела на остановке t.me/privacy_path_shop, продают соль")
    number = int(NUMBER.findall(text(said))[0])
    await confirmer.send("Тоже видел рекламу в подъезде t.me/privacy_path_shop")
    senior = await make_senior(client, 7003, first_name="Saule", username="saule_senior")
    bystander = client.as_user(7004, first_name="Dana", username="dana_other", language_code="en")

    # The senior pre-checks it and asks about it; a bystander asks about it too.
    card = await senior.send("/check")
    assert f"#{number}" in text(card)
    await senior.press(card, DRUGS)
    for person in (senior, bystander):
        mine = text(await person.send(f"/my {number}"))
        assert f"#{number}" in mine  # its status, and nothing more
        await person.send("/my")
        await person.send("/top")
        await person.send("/stats")
    # A moderator decides: the finder and the confirmer hear it, each only of themselves.
    moderator = await make_moderator(client, 7005)
    await moderator.send(f"/accept {number} sales")
    drainer = NoticeDrainer(
        bot=bot, session_maker=session_maker, sender=PacedSender(clock=FakeClock()), i18n=i18n
    )
    await drainer.drain_once()
    for person in (finder, confirmer, senior, bystander):
        await person.send("/top")
    # The weekly digest, as the programme's channels would get it (this week, so it counts).
    digest = await admin(client).send(f"/digest_preview {Week.of(utcnow()).key}")
    assert "Preview, not posted" in _everything(digest)

    finder_secrets = _secrets(finder, FINDER_WORDS)
    confirmer_secrets = _secrets(confirmer, CONFIRMER_WORDS)
    seen = {
        "senior": (_received(fake_session, senior), finder_secrets + confirmer_secrets),
        "bystander": (_received(fake_session, bystander), finder_secrets + confirmer_secrets),
        "finder": (_received(fake_session, finder), confirmer_secrets),
        "confirmer": (_received(fake_session, confirmer), finder_secrets),
        "digest": (_everything(digest), finder_secrets + confirmer_secrets),
    }
    for who in ("finder", "confirmer"):
        assert f"Жалоба #{number} принята." in seen[who][0], who  # the notice came
    for who, (shown, secrets) in seen.items():
        assert shown, who
        for secret in secrets:
            assert secret not in shown, (who, secret)
    # Nor does anyone but staff learn who pre-checked it.
    for who in ("finder", "confirmer", "bystander"):
        for secret in _secrets(senior, ()):
            assert secret not in seen[who][0], (who, secret)
    # The moderators do read the words (the rule is "moderators only", not "nobody").
    assert "Видела на остановке" in text(await moderator.send(f"/report {number}"))
