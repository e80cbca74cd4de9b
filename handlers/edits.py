"""Edited messages are read again for links: a link added by an edit becomes a report.

A volunteer who fixes a typo in a link, or adds one they forgot, expects the bot to notice. The
edit goes through the same intake as a new message, so targets already counted for this
volunteer stay counted once; the reply lists only what the edit added. An edit without links
gets no answer (the first reply still stands), and removing a link by editing withdraws
nothing: the report was already made. Edited commands are left alone: `/find shop.kz` corrected
by a moderator is a search, not a report. Photo captions are not read again: a graffiti report's
address is settled in its own conversation, so the volunteer is asked to send a new message.
"""

from aiogram import Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.filters import PrivateChat
from handlers.intake import render_link, submit_message_links
from handlers.message_links import message_links
from services.actor import Actor
from services.intake import Outcome


async def on_edited_message(
    message: Message, session: AsyncSession, actor: Actor, deps: Deps
) -> None:
    if message.photo or message.document or message.video:
        await message.reply(
            _("Edits of photos and files are not read. Please send the change as a new message.")
        )
        return
    if (message.text or "").startswith("/"):
        return  # an edited command is not run again, and its arguments are no reports
    links = message_links(message)
    if not links:
        return
    result = await submit_message_links(
        message, session, actor, links, deps.max_links_per_message, probe=deps.probe
    )
    if result.too_many:
        text = _(
            "After your edit this message has more than {limit} links, so I saved none of the "
            "new ones. Please send them in smaller parts."
        )
        await message.reply(text.format(limit=deps.max_links_per_message))
        return
    added = [link for link in result.links if link.outcome is not Outcome.ALREADY_YOURS]
    if not added:
        await message.reply(_("I read your edited message again: no new links in it."))
        return
    lines = [_("I read your edited message again:"), *(render_link(link) for link in added)]
    await message.reply("\n".join(lines))


def create_router() -> Router:
    router = Router(name="edits")
    router.edited_message.filter(PrivateChat())
    router.edited_message.register(on_edited_message)
    return router
