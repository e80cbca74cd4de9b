"""What /start, /help and the "no link found" hint tell people: what to send and how to stay
safe, online and in the street. Kept in one place so that every screen says the same."""

from aiogram.utils.i18n import gettext as _

from views.menu import ADMIN_COMMANDS, MODERATOR_COMMANDS
from views.privacy import privacy_note


def safety_rules() -> str:
    return (
        _(
            "<b>Stay safe online:</b>\n"
            "• never write to sellers or contact them in any way;\n"
            "• never pay anything and never follow payment links;\n"
            "• do not open the links you report: copying them is enough."
        )
        + "\n\n"
        + _(
            "<b>Stay safe in the street:</b>\n"
            "• never approach sellers or couriers;\n"
            "• never touch or dig for a stash, even to look at it;\n"
            "• photograph a wall from a safe place, without drawing attention;\n"
            "• if anyone asks what you are doing, leave at once."
        )
    )


def what_to_send() -> str:
    return _(
        "<b>What to send</b>\n"
        "• links to sites, shops, Telegram channels, groups and bots, social accounts; "
        "a @username; a post forwarded from a public channel. "
        "One message may hold several links;\n"
        "• a photo of a wall with drug advertising: I will ask where it is and what is "
        "written on it.\n"
        "Each report gets a number like #12: use it when you talk about the report."
    )


def welcome_text() -> str:
    return (
        _(
            "Hello! I collect what Almaty's cyber-volunteers find: links to drug shops and drug "
            "advertising, which go to Kibernadzor for blocking, and photos of drug-advertising "
            "graffiti, which go to the district crews to be painted over."
        )
        + "\n\n"
        + what_to_send()
        + "\n\n"
        + safety_rules()
        + "\n\n"
        + privacy_note()
        + "\n\n"
        + _("/help tells more.")
    )


def choose_language_hint() -> str:
    return _("Choose the language I speak to you in:")


def volunteer_help() -> str:
    return (
        what_to_send()
        + "\n\n"
        + _(
            "/my — your reports and their status\n"
            "/stats — your numbers\n"
            "/top — leaderboards\n"
            "/cancel — drop the graffiti report being filled in\n"
            "/lang — language"
        )
        + "\n"
        + _(
            "/withdraw N — withdraw your report while it is new (a mistake, a legitimate shop)\n"
            "/note N text — a note on your new report, for the moderators only"
        )
        + "\n\n"
        + safety_rules()
        + "\n\n"
        + privacy_note()
    )


def no_link_hint() -> str:
    return _(
        "I found no link here. Send a link, a @username or a post, "
        "or a photo of a wall with drug advertising."
    )


def curator_help() -> str:
    return _(
        "<b>Curators</b>\n"
        "/squad — your squad's members' numbers this week and in all (nicknames only)"
    )


def staff_help(*, admin: bool) -> str:
    """The staff commands, from the same lists as the staff command menu."""
    lines = [_("<b>Moderators' commands</b>")]
    lines += [f"/{name} — {_(text)}" for name, text in MODERATOR_COMMANDS]
    if admin:
        lines += ["", _("<b>Administrators' commands</b>")]
        lines += [f"/{name} — {_(text)}" for name, text in ADMIN_COMMANDS]
    return "\n".join(lines)
