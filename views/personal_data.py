"""/mydata's text: what the bot keeps about a volunteer (services/personal_data.py)."""

from html import escape

from aiogram.utils.i18n import gettext as _

from services.clock import to_almaty
from services.personal_data import PersonalData


def _on_off(enabled: bool) -> str:
    return _("on") if enabled else _("off")


def render_data(data: PersonalData) -> str:
    nickname = escape(data.nickname) if data.public and data.nickname else _("not shown")
    lines = [
        _("<b>What I keep about you</b>"),
        _("Telegram id: {id}").format(id=data.telegram_id),
        _("Name: {name}").format(name=escape(data.first_name) or "—"),
        _("Username: {username}").format(
            username=f"@{escape(data.username)}" if data.username else "—"
        ),
        _("Language: {chosen} (Telegram: {telegram})").format(
            chosen=data.language or "—", telegram=escape(data.telegram_language or "—")
        ),
        _("With the bot since: {date}").format(
            date=to_almaty(data.joined_at).strftime("%d.%m.%Y")
        ),
        _("Nickname on the boards: {nickname}").format(nickname=nickname),
        _("Notices about your reports: {state}").format(state=_on_off(data.notices_enabled)),
        _("Personal weekly message: {state}").format(state=_on_off(data.personal_digest_enabled)),
        _("Squad: {squad}").format(squad=escape(data.squad) if data.squad else "—"),
        _("Links sent: {links}; photos sent: {photos}").format(
            links=data.links, photos=data.photos
        ),
        _(
            "Your words kept with your reports: {count} (only moderators read them, never "
            "other volunteers)"
        ).format(count=data.words),
        _("Notes you added to your reports: {count} (only moderators read them)").format(
            count=data.notes
        ),
        *(
            [
                _(
                    "Your votes as a senior volunteer: {count} (moderators see how many voted "
                    "each way, never who)"
                ).format(count=data.votes)
            ]
            if data.votes
            else []
        ),
        "",
        _(
            "/forget_me erases your name, username, nickname, settings and the words you wrote "
            "with your reports. The reports you sent stay, without your name, and you leave "
            "every board."
        ),
    ]
    return "\n".join(lines)
