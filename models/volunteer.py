from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, String
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import Role


class Volunteer(SQLModel, table=True):
    """Anyone who writes to the bot in a private chat.

    Personal data is kept minimal: the Telegram id (to answer), the first name (for moderators),
    the username (only so that administrators can name someone in /grant @username) and languages.
    """

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    first_name: str = Field(default="", max_length=128)
    username: str | None = Field(default=None, max_length=64, index=True)
    # The language the volunteer chose with /lang; None means "follow Telegram's language".
    language: str | None = Field(default=None, max_length=8)
    telegram_language: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    role: Role = Field(
        default=Role.VOLUNTEER,
        sa_column=Column(StrEnumType(Role), nullable=False, default=Role.VOLUNTEER.value),
    )
    banned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ban_reason: str | None = Field(default=None, max_length=500)
    # Outcome notices (accepted, rejected, blocked…); the volunteer turns them off in /settings.
    notices_enabled: bool = Field(default=True)
    # False once Telegram says the user blocked the bot: bulk senders skip them.
    is_reachable: bool = Field(default=True)
    # Public tallies show a volunteer only by this nickname, and only after they opted in with
    # /privacy; everyone else is "Volunteer". Core defaults keep raw (bulk) inserts valid.
    nickname: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    public_consent: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, default=False)
    )
    personal_digest_enabled: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, default=True)
    )
    # Set by /forget_me: the row stays only so that the volunteer's sightings keep counting for
    # their reports, as anonymous credits; it holds no name and no Telegram id any more.
    forgotten_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
