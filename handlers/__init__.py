"""Routers, one feature a module, composed here. Order matters:

1. links in a private chat from volunteers in no conversation (intake's fast lane: nothing
   below would take them, and every router passed costs CPU on the busiest path);
2. the moderators' group (staff commands that name no volunteer), then other group chats
   (commands only, pointing people to the private chat); banned volunteers (answered
   politely, nothing stored);
3. volunteers' private screens;
4. staff and senior routers, each gated by the role read from the database for this update;
5. graffiti photos and their conversation;
6. refusals for staff commands and buttons that reached no staff router;
7. link intake, the catch-all for everything else in a private chat;
8. edited messages, read again for links (banned volunteers are stopped at 2).
"""

from aiogram import Router

from handlers import (
    backups,
    banned,
    batches,
    broadcast,
    digest,
    edits,
    errors,
    graffiti_claims,
    graffiti_districts,
    graffiti_intake,
    graffiti_staff,
    groups,
    intake,
    language,
    my_reports,
    own_report_edits,
    personal_data,
    privacy,
    probe,
    refusals,
    roles,
    seniors,
    settings,
    squad_admin,
    squads,
    start,
    stats,
    top,
    triage,
    verdicts,
)
from handlers.filters import ModeratorOnly, PrivateChat


def build_routers() -> list[Router]:
    """Fresh routers on every call: aiogram lets a router be attached to one parent only."""
    private = Router(name="private")
    private.message.filter(PrivateChat())
    private.callback_query.filter(PrivateChat())
    private.edited_message.filter(PrivateChat())
    private.include_routers(
        banned.create_router(),
        # First after the banned: while it waits for a note, a command ends the wait.
        own_report_edits.create_router(),
        start.create_router(),
        language.create_router(),
        my_reports.create_router(),
        stats.create_router(),
        settings.create_router(),
        top.create_router(),
        privacy.create_router(),
        squads.create_router(),
        personal_data.create_router(),
    )
    staff = Router(name="staff")
    staff.message.filter(ModeratorOnly())
    staff.callback_query.filter(ModeratorOnly())
    staff.include_routers(
        triage.create_router(),
        batches.create_router(),
        verdicts.create_router(),
        graffiti_staff.create_router(),
        graffiti_claims.create_router(),
        graffiti_districts.create_router(),
        digest.create_router(),
        squad_admin.create_router(),
        broadcast.create_router(),
        backups.create_router(),
        probe.create_router(),
    )
    private.include_routers(
        roles.create_admin_router(),
        roles.create_moderator_router(),
        seniors.create_admin_router(),
        seniors.create_router(),
        staff,
        # Photos and the graffiti conversation (its buttons and commands too) come before the
        # refusals, which answer every callback and /command nobody else took.
        graffiti_intake.create_router(),
        seniors.create_refusals(),
        refusals.create_router(),
    )
    return [
        intake.create_fast_lane(),
        errors.create_router(),
        groups.create_moderators_group_router(),
        groups.create_router(),
        private,
        intake.create_router(),
        edits.create_router(),
    ]
