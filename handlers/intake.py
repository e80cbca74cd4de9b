from html import escape

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps, ProbeAccess
from handlers.filters import PrivateChat
from handlers.graffiti_filters import conversation_known_closed
from handlers.message_links import (
    is_forward_from_private_channel,
    message_links,
    message_words,
)
from models.enums import Role
from models.sqlite_writer import SqliteWriter
from services.actor import Actor
from services.intake import IntakeResult, LinkResult, Outcome, submit_links
from services.update_work import UpdateWork
from views.labels import refusal_label, shorten, status_label
from views.start import no_link_hint


def render_link(link: LinkResult) -> str:
    shown = f"<code>{escape(shorten(link.display or link.raw))}</code>"
    if link.outcome is Outcome.REFUSED:
        assert link.refusal is not None
        return "✗ {link} — {reason}".format(
            link=f"<code>{escape(shorten(link.raw))}</code>", reason=refusal_label(link.refusal)
        )
    if link.outcome is Outcome.NEW:
        line = _("#{id} — new report, thank you")
    elif link.outcome is Outcome.CONFIRMED:
        assert link.status is not None
        line = _("#{id} — already reported, status: {status}; your confirmation is counted")
    else:
        line = _("#{id} — you already sent this")
    status = status_label(link.status) if link.status else ""
    return line.format(id=link.report_id, status=status) + "\n    " + shown


def render_result(result: IntakeResult, max_links: int) -> str:
    if result.too_many:
        return _(
            "That is more than {limit} links in one message, so I saved none of them. "
            "Please send them in smaller parts."
        ).format(limit=max_links)
    return "\n".join(render_link(link) for link in result.links)


async def on_link_message(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    work: UpdateWork | None = None,
    *,
    counted_links: list[str] | None = None,
) -> None:
    # The throttle middleware already found them to count them (bot/middlewares/throttle.py).
    links = message_links(message) if counted_links is None else counted_links
    if not links:
        if is_forward_from_private_channel(message):
            await message.answer(
                _("This channel has no public link I can see. Please send its t.me link.")
            )
        else:
            await message.answer(no_link_hint())
        return
    result = await submit_message_links(
        message, session, actor, links, deps.max_links_per_message,
        writer=deps.sqlite_writer, probe=deps.probe,
    )  # fmt: skip
    if work is not None and result.saved_any:
        work.committed = True  # the writer's commit is not the session's: say so here
    await message.reply(render_result(result, deps.max_links_per_message))


async def submit_message_links(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    links: list[str],
    limit: int,
    *,
    writer: SqliteWriter | None = None,
    probe: ProbeAccess | None = None,
) -> IntakeResult:
    """A message's links as the volunteer's sightings, tied to the message they came in.

    With `writer` (link intake on SQLite) they are written on its connection and committed
    there; without it, in the session's transaction, committed as submit_links does.
    """
    result = await submit_links(
        session,
        volunteer_id=actor.id,
        chat_id=message.chat.id,
        message_id=message.message_id,
        links=links,
        max_links=limit,
        writer=writer,
        words=message_words(message),
    )
    if probe is not None and any(link.outcome is Outcome.NEW for link in result.links):
        # Committed: the evidence job may look at the new targets now (bot/jobs/evidence.py).
        probe.evidence_wakeup.set()
    return result


class OnlyIntakeWouldTakeIt(Filter):
    """Plain text in a private chat from a volunteer who is in no conversation: every router
    between here and intake takes only group chats, commands, buttons, media, a staff member's
    typed answer or a graffiti conversation's text, so this message may skip them (a link
    costs a third less CPU)."""

    async def __call__(
        self,
        message: Message,
        deps: Deps,
        actor: Actor | None = None,
        state: FSMContext | None = None,
        raw_state: str | None = None,
    ) -> bool:
        text = message.text
        return (
            message.chat.type == ChatType.PRIVATE
            and bool(text)
            and not text.startswith("/")  # type: ignore[union-attr]
            and actor is not None
            and not actor.banned
            # A senior's plain text is a volunteer's: only /check and its buttons are theirs.
            and actor.role in (Role.VOLUNTEER, Role.SENIOR)
            and actor.telegram_id not in deps.admin_ids
            and raw_state is None
            and state is not None
            and await conversation_known_closed(state)
        )


def create_router() -> Router:
    router = Router(name="intake")
    router.message.filter(PrivateChat())
    router.message.register(on_link_message)
    return router


def create_fast_lane() -> Router:
    """The first router of all: links from volunteers in no conversation go straight here."""
    router = Router(name="intake_fast_lane")
    router.message.register(on_link_message, OnlyIntakeWouldTakeIt())
    return router
