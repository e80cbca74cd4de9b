from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from services.actor import Actor
from services.clock import to_almaty
from services.my_reports import MyReportsPage as Page
from services.my_reports import list_my_reports
from views.callbacks import MyReportsPage
from views.labels import shorten, status_label

PAGE_SIZE = 10


def render_page(page: Page) -> tuple[str, InlineKeyboardMarkup | None]:
    if page.total == 0:
        return _("You have not sent any reports yet. Send me a link to start."), None
    lines = [
        _("<b>Your reports</b> ({total}), page {page} of {pages}:").format(
            total=page.total, page=page.page + 1, pages=page.pages
        )
    ]
    for item in page.items:
        lines.append(
            "#{id} · <code>{display}</code>\n    {status} · {date}".format(
                id=item.report_id,
                display=escape(shorten(item.display, 60)),
                status=status_label(item.status),
                date=to_almaty(item.status_changed_at).strftime("%d.%m.%Y"),
            )
        )
    keyboard = InlineKeyboardBuilder()
    if page.page > 0:
        keyboard.button(text="« " + _("Newer"), callback_data=MyReportsPage(page=page.page - 1))
    if page.page + 1 < page.pages:
        keyboard.button(text=_("Older") + " »", callback_data=MyReportsPage(page=page.page + 1))
    return "\n".join(lines), keyboard.as_markup() if keyboard.buttons else None


async def cmd_my(message: Message, session: AsyncSession, actor: Actor) -> None:
    page = await list_my_reports(session, volunteer_id=actor.id, page=0, page_size=PAGE_SIZE)
    text, keyboard = render_page(page)
    await message.answer(text, reply_markup=keyboard)


async def on_my_page(
    query: CallbackQuery,
    callback_data: MyReportsPage,
    session: AsyncSession,
    actor: Actor,
) -> None:
    # The page number comes from the button, but the list is always the presser's own.
    page = await list_my_reports(
        session, volunteer_id=actor.id, page=callback_data.page, page_size=PAGE_SIZE
    )
    text, keyboard = render_page(page)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)


def create_router() -> Router:
    router = Router(name="my_reports")
    router.message.register(cmd_my, Command("my"))
    router.callback_query.register(on_my_page, MyReportsPage.filter())
    return router
