from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from services.actor import Actor
from services.my_report import my_report
from services.my_reports import list_my_reports
from services.report_numbers import parse_number
from views.callbacks import MyReportOpen, MyReportsPage
from views.my_reports import (
    render_no_report,
    render_page,
    render_report,
    render_usage,
    report_keyboard,
)

PAGE_SIZE = 10


async def cmd_my(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    if command.args:
        number = parse_number(command.args)
        if number is None:
            await message.answer(render_usage())
        else:
            text, keyboard = await _one_report(session, actor, number)
            await message.answer(text, reply_markup=keyboard)
        return
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


async def on_my_report(
    query: CallbackQuery, callback_data: MyReportOpen, session: AsyncSession, actor: Actor
) -> None:
    # The number comes from the button; what is shown depends on the presser's own sightings.
    text, keyboard = await _one_report(session, actor, callback_data.report_id)
    await query.answer()
    # A new message each press: pressing twice shows the same answer twice, never an error.
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=keyboard)


async def _one_report(
    session: AsyncSession, actor: Actor, number: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    view = await my_report(session, volunteer_id=actor.id, report_id=number)
    if view is None:
        return render_no_report(number), None
    return render_report(view), report_keyboard(view)


def create_router() -> Router:
    router = Router(name="my_reports")
    router.message.register(cmd_my, Command("my"))
    router.callback_query.register(on_my_page, MyReportsPage.filter())
    router.callback_query.register(on_my_report, MyReportOpen.filter())
    return router
