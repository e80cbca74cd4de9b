"""Staff commands of the digest and bulk features.

Moderators: /digest_preview [week] shows the digest without posting it; /digest_now posts the
last week's digest to everyone still waiting for it. Administrators:
/squad_add <name>, /squad_curator <code> <id|@username>. This router sits inside the
moderator-gated staff router, so the administrator's commands check the role themselves.
"""

from collections.abc import Collection, Coroutine
from html import escape
from typing import Any, Protocol

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.digest_texts import render_for_chat
from handlers.role_notices import tell_new_curator
from services import roles, squads
from services.actor import Actor
from services.clock import utcnow
from services.digest.build import build_digest
from services.digest.deliveries import DigestRunReport
from services.tallies import PointWeights
from services.weeks import Week


class BulkPoster(Protocol):
    """bot.jobs.digest.BulkMessages, given to handlers as the workflow data `bulk`."""

    async def run_digest(self, *, bot: Bot, week: Week) -> DigestRunReport: ...


class JobRunner(Protocol):
    """bot.jobs.JobRunner, given to handlers as the workflow data `jobs`."""

    def spawn(self, job: Coroutine[Any, Any, None], *, name: str) -> None: ...


def last_week() -> Week:
    return Week.of(utcnow()).previous()


async def cmd_digest_preview(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    i18n: I18n,
    point_weights: PointWeights,
) -> None:
    try:
        week = Week.parse(command.args) if command.args else last_week()
    except ValueError:
        await message.answer(_("Give a week like 2026-W47, or nothing for last week."))
        return
    digest = await build_digest(session, week=week, weights=point_weights)
    text, png = await render_for_chat(digest, i18n, i18n.current_locale)
    await message.answer(_("Preview, not posted:") + "\n\n" + text)
    await message.answer_photo(BufferedInputFile(png, filename=f"digest-{week.key}.png"))


async def cmd_digest_now(message: Message, bot: Bot, bulk: BulkPoster, jobs: JobRunner) -> None:
    week = last_week()
    await message.answer(_("Posting the digest of {week}…").format(week=week.key))
    jobs.spawn(_post_digest(message, bot, bulk, week), name=f"digest {week.key}")


async def _post_digest(message: Message, bot: Bot, bulk: BulkPoster, week: Week) -> None:
    report = await bulk.run_digest(bot=bot, week=week)
    if report.predates_bot:
        text = _("The bot was not running yet in {week}: there is no digest to post for it.")
        await message.answer(text.format(week=week.key))
        return
    if report.progress is None:
        await message.answer(_("Everyone already has the digest of {week}.").format(week=week.key))
        return
    progress = report.progress
    await message.answer(
        _(
            "Digest of {week} posted: {sent} delivered, {unavailable} unreachable, "
            "{failed} failed."
        ).format(
            week=week.key,
            sent=progress.sent,
            unavailable=progress.unavailable,
            failed=progress.failed,
        )
    )


async def _refuse_non_admin(message: Message, actor: Actor, admin_ids: Collection[int]) -> bool:
    if roles.is_admin(actor, admin_ids):
        return False
    await message.answer(_("This command is for administrators only."))
    return True


async def cmd_squad_add(
    message: Message,
    *,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    actor: Actor,
    admin_ids: frozenset[int],
) -> None:
    if await _refuse_non_admin(message, actor, admin_ids):
        return
    name = (command.args or "").strip()
    if not name:
        await message.answer(_("Name the squad: /squad_add KazNU Faculty of Law"))
        return
    squad = await squads.create_squad(session, name=name, created_by_id=actor.id)
    if squad is None:
        await message.answer(_("A squad with this name exists already."))
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=squad_{squad.code}"
    await message.answer(
        _(
            "Squad «{name}» created. Join code: <code>{code}</code>\n"
            "Invitation link: <code>{link}</code>\n"
            "Make someone its curator: /squad_curator {code} id|@username"
        ).format(name=escape(squad.name), code=squad.code, link=link)
    )


async def cmd_squad_curator(
    message: Message,
    command: CommandObject,
    *,
    session: AsyncSession,
    actor: Actor,
    admin_ids: frozenset[int],
    bot: Bot,
    i18n: I18n,
) -> None:
    if await _refuse_non_admin(message, actor, admin_ids):
        return
    parts = (command.args or "").split()
    if len(parts) != 2:
        await message.answer(_("Usage: /squad_curator CODE id|@username"))
        return
    squad = await squads.find_by_code(session, parts[0])
    if squad is None:
        await message.answer(_("There is no squad with this code. Check it with your curator."))
        return
    curator = await roles.find_volunteer(session, parts[1])
    if curator is None:
        await message.answer(
            _("I do not know {who}: they must write to the bot first.").format(
                who=escape(parts[1])
            )
        )
        return
    added = await squads.add_curator(session, squad=squad, volunteer=curator)
    text = _("{who} now curates «{name}».") if added else _("{who} already curates «{name}».")
    text = text.format(who=curator.telegram_id, name=escape(squad.name))
    if added and not await tell_new_curator(
        bot, i18n, curator, squad_name=squad.name, code=squad.code
    ):
        text += "\n" + _("I could not tell them: they have not opened the bot or blocked it.")
    await message.answer(text)


def create_router() -> Router:
    router = Router(name="digest_staff")
    router.message.register(cmd_digest_preview, Command("digest_preview"))
    router.message.register(cmd_digest_now, Command("digest_now"))
    router.message.register(cmd_squad_add, Command("squad_add"))
    router.message.register(cmd_squad_curator, Command("squad_curator"))
    return router
