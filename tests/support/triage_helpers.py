"""Shared steps for the triage tests: volunteers report links, the admin makes moderators."""

import re
from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.moderation import AuditEntry
from models.report import Report
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, buttons, message_text, text, texts

NUMBER = re.compile(r"#(\d+)")
CARD = re.compile(r"<b>#(\d+)</b>")


async def make_moderator(client: BotClient, user_id: int, **kwargs: Any) -> BotClient:
    moderator = client.as_user(user_id, language_code="en", **kwargs)
    await moderator.send("/start")
    admin = client.as_user(ADMIN_ID, language_code="en")
    granted = await admin.send(f"/grant {moderator.user_id}")
    # The new moderator is told too (handlers/role_notices.py): two messages.
    assert any("now a moderator" in shown for shown in texts(granted))
    return moderator


async def report_link(client: BotClient, user_id: int, link: str) -> int:
    reply = text(await client.as_user(user_id).send(link))
    return int(NUMBER.findall(reply)[0])


def card_number(requests: list[TelegramMethod[Any]]) -> int | None:
    """The report number on the last card shown, or None when no card (no buttons) was shown."""
    shown = [r for r in requests if buttons(r)]
    if not shown:
        return None
    return int(CARD.findall(message_text(shown[-1]))[0])


def alerts(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [r.text or "" for r in requests if isinstance(r, AnswerCallbackQuery) and r.show_alert]


def all_text(requests: list[TelegramMethod[Any]]) -> str:
    return "\n".join(texts(requests))


async def report_row(db: AsyncSession, report_id: int) -> Report:
    db.expire_all()
    row = (await db.exec(select(Report).where(Report.id == report_id))).one()
    return row


async def audit(db: AsyncSession, report_id: int) -> list[AuditEntry]:
    rows = await db.exec(
        select(AuditEntry).where(AuditEntry.report_id == report_id).order_by(col(AuditEntry.id))
    )
    return list(rows.all())


def admin(client: BotClient) -> BotClient:
    """The administrator (who may do all a moderator does), in English."""
    return client.as_user(ADMIN_ID, language_code="en")
