"""Staff commands of the weekly digest.

Moderators: /digest_preview [week] shows the digest without posting it; /digest_now posts the
last week's digest to everyone still waiting for it: at once in this process when it does the
background work, else through a request row the worker carries out (services/digest/requests).
"""

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps, DigestPoster
from services.clock import utcnow
from services.digest import requests as digest_requests
from services.digest.build import build_digest
from services.weeks import Week
from views.digest import render_for_chat, run_report_text


def last_week() -> Week:
    return Week.of(utcnow()).previous()


async def cmd_digest_preview(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    i18n: I18n,
    deps: Deps,
    bot: Bot,
) -> None:
    try:
        week = Week.parse(command.args) if command.args else last_week()
    except ValueError:
        await message.answer(_("Give a week like 2026-W47, or nothing for last week."))
        return
    async with deps.heavy_reads.session(instead_of=session) as reads:  # a heavy read
        digest = await build_digest(reads, week=week, weights=deps.point_weights)
    me = await bot.me()
    text, png = await render_for_chat(digest, i18n, i18n.current_locale, bot_username=me.username)
    await message.answer(_("Preview, not posted:") + "\n\n" + text)
    await message.answer_photo(BufferedInputFile(png, filename=f"digest-{week.key}.png"))


async def cmd_digest_now(
    message: Message, *, bot: Bot, session: AsyncSession, i18n: I18n, deps: Deps
) -> None:
    week = last_week()
    posting = _("Posting the digest of {week}…").format(week=week.key)
    if deps.work_here.active:
        await message.answer(posting)
        deps.jobs.spawn(_post_digest(message, bot, deps.digests, week), name=f"digest {week.key}")
        return
    # Saved first: the worker posts it and answers here when done.
    await digest_requests.ask(
        session, week=week, chat_id=message.chat.id, locale=i18n.current_locale, now=utcnow()
    )
    await message.answer(posting)


async def _post_digest(message: Message, bot: Bot, digests: DigestPoster, week: Week) -> None:
    report = await digests.run_digest(bot=bot, week=week)
    await message.answer(run_report_text(report))


def create_router() -> Router:
    router = Router(name="digest")
    router.message.register(cmd_digest_preview, Command("digest_preview"))
    router.message.register(cmd_digest_now, Command("digest_now"))
    return router
