"""Inline button payloads. Never trusted for permissions: handlers re-check roles in the DB."""

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class MyReportsPage(CallbackData, prefix="my"):
    page: int
