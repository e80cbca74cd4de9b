"""Routers, one feature a module. Order matters: the catch-all link intake comes last."""

from aiogram import Router

from handlers import groups, intake, language, my_reports, start, stats
from handlers.filters import PrivateChat


def build_routers() -> list[Router]:
    """Fresh routers on every call: aiogram lets a router be attached to one parent only."""
    private = Router(name="private")
    private.message.filter(PrivateChat())
    private.callback_query.filter(PrivateChat())
    private.include_routers(
        start.create_router(),
        language.create_router(),
        my_reports.create_router(),
        stats.create_router(),
    )
    return [groups.create_router(), private, intake.create_router()]
