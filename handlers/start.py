from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.privacy_note import privacy_note
from handlers.squads import SquadDeepLink, cmd_start_squad


def safety_rules() -> str:
    return _(
        "<b>Stay safe:</b>\n"
        "• never write to sellers or contact them in any way;\n"
        "• never pay anything and never follow payment links;\n"
        "• do not open the links you report: copying them is enough."
    )


async def cmd_start(message: Message) -> None:
    await message.answer(
        _(
            "Hello! I collect links to drug shops and drug advertising for Almaty's "
            "cyber-volunteers and pass them on to Кибернадзор for blocking."
        )
        + "\n\n"
        + safety_rules()
        + "\n\n"
        + _("Send me a link, a @username or forward a post from a channel. /help tells more.")
        + "\n\n"
        + privacy_note()
    )


async def cmd_help(message: Message) -> None:
    await message.answer(
        _(
            "<b>What to send</b>\n"
            "• links to sites, shops, Telegram channels, groups and bots, social accounts;\n"
            "• a @username or a t.me link;\n"
            "• a post forwarded from a public channel.\n"
            "One message may hold several links. Each report gets a number like #12: "
            "use it when you talk about the report.\n\n"
            "/my — your reports and their status\n"
            "/stats — your numbers\n"
            "/lang — language"
        )
        + "\n\n"
        + safety_rules()
        + "\n\n"
        + privacy_note()
    )


def create_router() -> Router:
    router = Router(name="start")
    # t.me/<bot>?start=squad_CODE joins a squad (handlers/squads.py) before the usual welcome.
    router.message.register(cmd_start_squad, CommandStart(deep_link=True), SquadDeepLink())
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_help, Command("help"))
    return router
