"""Placeholder: filled in by the feature's author."""

from aiogram import Router


def create_router() -> Router:
    return Router(name="graffiti_intake")
