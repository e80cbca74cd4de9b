"""Facts about the bot itself, recorded once and kept: e.g. when it first started."""

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class BotFact(SQLModel, table=True):
    __tablename__ = "bot_fact"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    at: datetime = Field(sa_type=UTCDateTime)
