"""/settings (and the switches /privacy shows) as a volunteer sees them: the current switches,
changed with a button."""

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer
from tests.support.client import BotClient, buttons, message_text, text
from tests.support.recording_session import NOT_MODIFIED, RecordingSession
from tests.support.telegram_ids import realistic


async def stored(db: AsyncSession, telegram_id: int) -> Volunteer:
    db.expire_all()
    return (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == realistic(telegram_id)))
    ).one()


async def test_settings_shows_and_turns_notices_off_and_on(
    client: BotClient, db: AsyncSession
) -> None:
    english = client.as_user(4101, language_code="en")
    [shown] = await english.send("/settings")
    assert "Notices about your reports: <b>on</b>" in message_text(shown)
    labels = dict(buttons(shown))
    assert set(labels) == {"Turn notices off", "Turn the weekly message off"}

    answered = await english.press([shown], "Turn notices off")
    [edited] = [r for r in answered if isinstance(r, EditMessageText)]
    assert "Notices about your reports: <b>off</b>" in message_text(edited)
    assert "Turn notices on" in dict(buttons(edited))
    assert any(isinstance(r, AnswerCallbackQuery) for r in answered)
    assert (await stored(db, 4101)).notices_enabled is False

    # A second tap on the old button wants "off" again: nothing flips back.
    await english.press([shown], "Turn notices off")
    assert (await stored(db, 4101)).notices_enabled is False
    assert "<b>off</b>" in text(await english.send("/settings")).split("\n\n")[1]

    await english.press([edited], "Turn notices on")
    assert (await stored(db, 4101)).notices_enabled is True


async def test_weekly_numbers_switch(client: BotClient, db: AsyncSession) -> None:
    [shown] = await client.send("/settings")
    assert "<b>Настройки</b>" in message_text(shown)  # Russian by default
    [_notices, (digest, _)] = buttons(shown)
    await client.press([shown], digest)
    volunteer = await stored(db, client.user_id)
    assert (volunteer.personal_digest_enabled, volunteer.notices_enabled) == (False, True)


async def test_a_button_acts_only_on_whoever_presses_it(
    client: BotClient, db: AsyncSession
) -> None:
    owner = client.as_user(4201)
    [shown] = await owner.send("/settings")
    stranger = client.as_user(4202)
    await stranger.send("/start")
    # The owner's buttons, replayed by someone else: the data names no volunteer.
    for _label, data in buttons(shown):
        await stranger.forge_press(data, message_id=owner.message_id_of(shown))
    assert (await stored(db, 4201)).notices_enabled is True
    assert (await stored(db, 4201)).personal_digest_enabled is True
    assert (await stored(db, 4202)).notices_enabled is False


async def test_forged_setting_name_changes_nothing(client: BotClient, db: AsyncSession) -> None:
    [shown] = await client.send("/settings")
    message_id = client.message_id_of(shown)
    await client.forge_press("settings:banned_at:0", message_id=message_id)
    await client.forge_press("settings:notices:maybe", message_id=message_id)
    volunteer = await stored(db, client.user_id)
    assert (volunteer.notices_enabled, volunteer.banned_at) == (True, None)


async def test_a_second_tap_on_a_privacy_button_is_answered_without_an_error(
    client: BotClient, fake_session: RecordingSession
) -> None:
    volunteer = client.as_user(1234, language_code="en")
    await volunteer.send("/privacy Night Owl")
    shown = await volunteer.send("/privacy")
    await volunteer.press(shown, "Turn the weekly message off")
    fake_session.fail_next(
        "EditMessageText",
        description=NOT_MODIFIED,
    )
    # The same button again, on the keyboard still on screen: nothing is left to change.
    requests = await volunteer.press(shown, "Turn the weekly message off")
    answers = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
    assert [a.text for a in answers] == ["Saved."]
    assert not [r for r in requests if isinstance(r, SendMessage)]


async def test_privacy_and_settings_switch_the_same_weekly_message(client: BotClient) -> None:
    volunteer = client.as_user(4301, language_code="en")
    await volunteer.press(await volunteer.send("/privacy"), "Turn the weekly message off")
    [settings] = await volunteer.send("/settings")
    assert "Personal weekly message: off." in message_text(settings)

    await volunteer.press([settings], "Turn the weekly message on")
    assert "Personal weekly message: on." in text(await volunteer.send("/privacy"))
