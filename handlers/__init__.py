"""Routers, one feature a module, composed here. Order matters:

1. group chats (commands only, pointing people to the private chat);
2. banned volunteers (answered politely, nothing stored);
3. volunteers' private screens;
4. staff routers, each gated by the role read from the database for this update;
5. refusals for staff commands and buttons that reached no staff router;
6. link intake, the catch-all for everything else in a private chat.
"""

from aiogram import Router

from handlers import (
    banned,
    batches,
    groups,
    intake,
    language,
    my_reports,
    queue,
    refusals,
    roles,
    settings,
    start,
    stats,
    triage,
    verdicts,
)
from handlers.filters import ModeratorOnly, PrivateChat


def build_routers() -> list[Router]:
    """Fresh routers on every call: aiogram lets a router be attached to one parent only."""
    private = Router(name="private")
    private.message.filter(PrivateChat())
    private.callback_query.filter(PrivateChat())
    private.include_routers(
        banned.create_router(),
        start.create_router(),
        language.create_router(),
        my_reports.create_router(),
        stats.create_router(),
        settings.create_router(),
    )
    staff = Router(name="staff")
    staff.message.filter(ModeratorOnly())
    staff.callback_query.filter(ModeratorOnly())
    staff.include_routers(
        queue.create_router(),
        triage.create_router(),
        batches.create_router(),
        verdicts.create_router(),
    )
    private.include_routers(
        roles.create_admin_router(),
        roles.create_moderator_router(),
        staff,
        refusals.create_router(),
    )
    return [groups.create_router(), private, intake.create_router()]
