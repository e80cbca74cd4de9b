"""Triage: moderators judge new reports, one card at a time (/queue and its buttons, with the
typed reason or merge target in `queue_input`) or in bulk by number (/accept, /reject, /merge)."""

from aiogram import Router

from handlers.triage import commands, queue


def create_router() -> Router:
    router = Router(name="triage")
    router.include_routers(queue.create_router(), commands.create_router())
    return router
