"""/top (leaderboards) and /privacy (nickname consent, the personal weekly message)."""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.digest_texts import board_lines, week_label
from handlers.texts import N_
from models.volunteer import Volunteer
from services import privacy, volunteers
from services.actor import Actor
from services.clock import utcnow
from services.leaderboard import Overview, SquadRow, overview
from services.tallies import PointWeights
from services.weeks import Week


class PrivacyChoice(CallbackData, prefix="privacy"):
    action: str  # "hide", "digest_on", "digest_off"


def _squad_lines(rows: list[SquadRow]) -> list[str]:
    return [
        _("{rank}. {name} — {points} pts, members: {members}").format(
            rank=row.rank, name=escape(row.name), points=row.points, members=row.members
        )
        for row in rows[:10]
    ]


def _your_place(rank: int | None, points: int) -> str:
    if rank is None:
        return _("You have no points here yet.")
    return _("Your place: {rank} ({points} pts)").format(rank=rank, points=points)


def render_top(view: Overview, week: Week, viewer: Volunteer) -> str:
    lines = [
        _("<b>Top of this week</b> · {week}").format(week=week_label(week)),
        *board_lines(view.week),
        _your_place(view.week.your_rank, view.week.your_points),
        "",
        _("<b>Top of all time</b>"),
        *board_lines(view.all_time),
        _your_place(view.all_time.your_rank, view.all_time.your_points),
    ]
    if view.squads_week:
        lines += ["", _("<b>Squads this week</b>"), *_squad_lines(view.squads_week)]
        lines += ["", _("<b>Squads of all time</b>"), *_squad_lines(view.squads_all_time)]
    if view.squad is not None and view.squad_week is not None:
        lines += [
            "",
            _("<b>Your squad «{name}» this week</b>").format(name=escape(view.squad.name)),
            *board_lines(view.squad_week),
        ]
    lines += ["", _how_others_see_you(viewer)]
    return "\n".join(lines)


def _how_others_see_you(viewer: Volunteer) -> str:
    if viewer.public_consent and viewer.nickname:
        return _("Others see you as «{nickname}»; /privacy changes it.").format(
            nickname=escape(viewer.nickname)
        )
    return _("Others see you as «Volunteer» unless you choose a nickname: /privacy")


async def cmd_top(
    message: Message, session: AsyncSession, actor: Actor, point_weights: PointWeights
) -> None:
    week = Week.of(utcnow())
    view = await overview(
        session,
        weights=point_weights,
        since=week.start,
        until=week.end,
        viewer_id=actor.id,
    )
    await message.answer(render_top(view, week, await volunteers.load(session, actor.id)))


_PROBLEMS = {
    privacy.NicknameProblem.LENGTH: N_("A nickname has 3 to 20 characters."),
    privacy.NicknameProblem.CHARACTERS: N_(
        "Use letters, digits, spaces, dots, dashes or underscores only (no @ or links)."
    ),
    privacy.NicknameProblem.OWN_NAME: N_(
        "Choose a nickname that is not your name or username: it must not identify you."
    ),
    privacy.NicknameProblem.PHONE: N_(
        "A nickname must not contain a phone number or other long numbers: it could identify you."
    ),
    privacy.NicknameProblem.RESERVED: N_(
        "This nickname would pass you off as staff, as the bot or as the anonymous «Volunteer»: "
        "choose another one."
    ),
    privacy.NicknameProblem.TAKEN: N_(
        "Another volunteer already goes by this name: choose another nickname."
    ),
}


def render_privacy(volunteer: Volunteer) -> tuple[str, InlineKeyboardMarkup]:
    if volunteer.public_consent and volunteer.nickname:
        shown = _("Leaderboards show you as «{nickname}».").format(
            nickname=escape(volunteer.nickname)
        )
    else:
        shown = _("Leaderboards show you as «Volunteer»: nobody sees who you are.")
    digest = (
        _("Personal weekly message: on.")
        if volunteer.personal_digest_enabled
        else _("Personal weekly message: off.")
    )
    text = "\n".join(
        [
            _("<b>Privacy</b>"),
            shown,
            digest,
            "",
            _(
                "To appear under a nickname, send /privacy and the nickname, e.g. "
                "<code>/privacy Night Owl</code>. Never use your real name."
            ),
        ]
    )
    keyboard = InlineKeyboardBuilder()
    if volunteer.public_consent:
        keyboard.button(text=_("Hide me"), callback_data=PrivacyChoice(action="hide"))
    if volunteer.personal_digest_enabled:
        keyboard.button(
            text=_("Turn the weekly message off"),
            callback_data=PrivacyChoice(action="digest_off"),
        )
    else:
        keyboard.button(
            text=_("Turn the weekly message on"), callback_data=PrivacyChoice(action="digest_on")
        )
    keyboard.adjust(1)
    return text, keyboard.as_markup()


async def cmd_privacy(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    if command.args:
        me = await bot.me()
        problem = await privacy.show_as(
            session,
            volunteer_id=actor.id,
            nickname=command.args,
            reserved=[me.first_name, me.username or ""],
        )
        if problem is not None:
            await message.answer(_(_PROBLEMS[problem]))
            return
    text, keyboard = render_privacy(await volunteers.load(session, actor.id))
    await message.answer(text, reply_markup=keyboard)


async def on_privacy_choice(
    query: CallbackQuery,
    callback_data: PrivacyChoice,
    session: AsyncSession,
    actor: Actor,
) -> None:
    # The button only ever changes the presser's own settings, so no other check is needed.
    if callback_data.action == "hide":
        await privacy.hide(session, volunteer_id=actor.id)
    elif callback_data.action in ("digest_on", "digest_off"):
        await privacy.set_personal_digest(
            session, volunteer_id=actor.id, enabled=callback_data.action == "digest_on"
        )
    await query.answer(_("Saved."))
    text, keyboard = render_privacy(await volunteers.load(session, actor.id))
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)


def create_router() -> Router:
    router = Router(name="tallies")
    router.message.register(cmd_top, Command("top"))
    router.message.register(cmd_privacy, Command("privacy"))
    router.callback_query.register(on_privacy_choice, PrivacyChoice.filter())
    return router
