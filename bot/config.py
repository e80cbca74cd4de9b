"""Configuration: a TOML file, overridden by CVBOT_<SECTION>__<KEY> environment variables.

The key names are a public contract (README, config.example.toml): keep them stable.
"""

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from typing_extensions import override

from services.probe.options import (
    DEFAULT_BLOCK_PAGE_MARKERS,
    DEFAULT_PARKED_MARKERS,
    ProbeOptions,
    refuse_non_loopback,
)

_TOKEN_PATTERN = re.compile(r"^\d+:[\w-]{20,}$")
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the key and fits on one line."""


class TelegramSettings(BaseModel):
    token: SecretStr
    api_base: str = ""

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("must look like 123456789:AA… (the token @BotFather gave)")
        return value

    @field_validator("api_base")
    @classmethod
    def _api_base_is_http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be empty or an http(s) URL such as http://127.0.0.1:8081")
        return value


class WebhookSettings(BaseModel):
    """Empty url: long polling. Set: Telegram posts updates to url, served on listen:port."""

    url: str = ""
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # Telegram sends it in X-Telegram-Bot-Api-Secret-Token; requests without it are refused.
    secret: SecretStr = SecretStr("")
    # On SIGTERM, updates already taken get this long to finish; any left are answered 503 so
    # that Telegram delivers them again (bot/webhook.py). Below Docker's 30 s stop grace.
    drain_seconds: float = Field(default=25.0, gt=0, le=600)

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("https://"):
            raise ValueError("must be empty or an https:// URL (Telegram posts only over HTTPS)")
        return value

    @field_validator("secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and not _SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("must be 1–256 characters of A–Z, a–z, 0–9, _ and -")
        return value

    @model_validator(mode="after")
    def _secret_with_url(self) -> "WebhookSettings":
        if self.url and not self.secret.get_secret_value():
            raise ValueError("secret is required with url (any long random string)")
        return self


class DatabaseSettings(BaseModel):
    url: str = "sqlite+aiosqlite:///data/bot.db"
    # Start-up upgrades the schema (models/migrate.py); off: start only on an up-to-date database.
    auto_migrate: bool = True

    @field_validator("url")
    @classmethod
    def _supported_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class AccessSettings(BaseModel):
    admins: list[int] = Field(default_factory=list)


class IntakeSettings(BaseModel):
    max_links_per_message: int = Field(default=20, ge=1, le=100)


class ModerationSettings(BaseModel):
    # Optional moderators' group: new reports are announced there as one edited summary a minute.
    chat_id: int | None = None
    claim_minutes: int = Field(default=5, ge=1, le=120)


class SeniorsSettings(BaseModel):
    # A senior's votes count while they have fewer than `min_decided` votes on reports a
    # moderator has since decided; from then on only while at least `min_agreement` of those
    # votes agreed with the moderators (services/senior_agreement.py).
    min_agreement: float = Field(default=0.7, ge=0, le=1)
    min_decided: int = Field(default=10, ge=0, le=100_000)


class SenderSettings(BaseModel):
    # Telegram allows about 30 messages a second to different chats; stay below it.
    rate_per_second: float = Field(default=25.0, gt=0, le=30)


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DigestChat(BaseModel):
    chat_id: int
    language: str = "ru"

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("ru", "kk", "en"):
            raise ValueError("must be ru, kk or en")
        return value


class DigestSettings(BaseModel):
    # The weekly digest goes out at this weekday and time, Asia/Almaty; it reports on the
    # previous Monday–Sunday week.
    weekday: int = Field(default=1, ge=1, le=7)
    time: str = "10:00"
    chats: list[DigestChat] = Field(default_factory=list)

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday_name(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower()[:3] in _WEEKDAYS:
            return _WEEKDAYS.index(value.strip().lower()[:3]) + 1
        return value

    @field_validator("time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError('must be a time such as "10:00"')
        return f"{int(match[1]):02d}:{match[2]}"


class PointsSettings(BaseModel):
    # First find of a target that was later blocked or painted over earns most.
    found_blocked: int = Field(default=10, ge=0)
    # First find of a target a moderator accepted (not yet blocked).
    found_accepted: int = Field(default=3, ge=0)
    # Confirming an accepted target before it was blocked; confirming a blocked one earns 0.
    confirmation: int = Field(default=1, ge=0)
    # At most this many points per volunteer per day (Almaty time), to stop farming.
    daily_cap: int = Field(default=30, ge=1)


class RedisSettings(BaseModel):
    # Empty: conversation state lives in memory (one process). Set for several processes.
    url: str = ""

    @field_validator("url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be empty or a redis:// URL such as redis://127.0.0.1:6379/0")
        return value


class GraffitiSettings(BaseModel):
    # An unanswered graffiti conversation is saved with what it has after this many minutes.
    finish_after_minutes: int = Field(default=10, ge=1, le=1440)
    # Photos whose 64-bit perceptual hashes differ in at most this many bits: "possible duplicate".
    duplicate_distance: int = Field(default=8, ge=0, le=32)
    # The same handle within this many metres: "probably the same wall".
    same_wall_radius_m: float = Field(default=150, gt=0, le=5000)
    # Images sent as files above this size are refused (the Bot API downloads at most 20 MB).
    max_file_mb: int = Field(default=20, ge=1, le=20)
    # Images with more pixels than this are refused before they are decoded: a small file can
    # hold a huge picture (a decompression bomb). Telegram's own photos stay under 4 megapixels.
    max_megapixels: int = Field(default=40, ge=1, le=500)


class StorageSettings(BaseModel):
    # Empty: photos are kept only by Telegram file_id. Else a folder for evidence copies.
    photo_dir: str = ""


class ProbeSettings(BaseModel):
    # Rechecks of forwarded targets (services/probe). false: no scheduled checks, no evidence.
    enabled: bool = True
    # A proxy outside Kazakhstan (http://, https:// or socks5://) for the control vantage.
    control_proxy: str = ""
    # Loopback addresses or networks the guard lets through, for tests' local servers only.
    allowlist: list[str] = Field(default_factory=list)
    concurrency: int = Field(default=20, ge=1, le=200)
    per_host: int = Field(default=2, ge=1, le=10)
    connect_timeout_s: float = Field(default=5.0, gt=0, le=60)
    read_timeout_s: float = Field(default=10.0, gt=0, le=120)
    total_timeout_s: float = Field(default=20.0, gt=0, le=300)
    sent_every_hours: float = Field(default=12.0, ge=0.25, le=24 * 14)
    closed_every_hours: float = Field(default=24.0, ge=0.25, le=24 * 30)
    jitter_percent: float = Field(default=20.0, ge=0, le=50)
    block_page_markers: list[str] = Field(default_factory=lambda: list(DEFAULT_BLOCK_PAGE_MARKERS))
    block_page_addresses: list[str] = Field(default_factory=list)
    parked_markers: list[str] = Field(default_factory=lambda: list(DEFAULT_PARKED_MARKERS))
    # A "no such name" counts as dead only while one of these still resolves.
    dns_canaries: list[str] = Field(default_factory=lambda: ["telegram.org", "google.com"])

    @field_validator("allowlist")
    @classmethod
    def _only_loopback(cls, value: list[str]) -> list[str]:
        refuse_non_loopback(value)
        return value

    @field_validator("control_proxy")
    @classmethod
    def _proxy_scheme(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://", "socks5://")):
            raise ValueError("must be empty or an http://, https:// or socks5:// proxy URL")
        return value

    @field_validator("block_page_addresses")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_address(entry)
        return value

    def options(self) -> ProbeOptions:
        return ProbeOptions(
            enabled=self.enabled,
            control_proxy=self.control_proxy or None,
            allowlist=tuple(self.allowlist),
            concurrency=self.concurrency,
            per_host=self.per_host,
            connect_timeout=self.connect_timeout_s,
            read_timeout=self.read_timeout_s,
            total_timeout=self.total_timeout_s,
            block_page_markers=tuple(m.lower() for m in self.block_page_markers),
            block_page_addresses=tuple(self.block_page_addresses),
            parked_markers=tuple(m.lower() for m in self.parked_markers),
            dns_canaries=tuple(self.dns_canaries),
            sent_every_hours=self.sent_every_hours,
            closed_every_hours=self.closed_every_hours,
            jitter=self.jitter_percent / 100,
        )


class ThrottleSettings(BaseModel):
    # Per volunteer; over either, one polite notice, then nothing is answered or saved until the
    # window (a clock minute, a clock hour) resets. Staff are never throttled. 0 turns it off.
    messages_per_minute: int = Field(default=30, ge=0, le=10_000)
    links_per_hour: int = Field(default=200, ge=0, le=1_000_000)


class OpsSettings(BaseModel):
    # GET /healthz and /metrics (README, "Operations"), in polling mode too; port 0: not served
    # apart (webhook mode still serves them on the webhook's server).
    listen: str = "127.0.0.1"
    port: int = Field(default=9090, ge=0, le=65535)
    # /healthz turns unhealthy when a periodic job has not completed a run for twice its
    # interval plus this long.
    job_grace_seconds: float = Field(default=600.0, gt=0)


class WorkerSettings(BaseModel):
    # `--role worker` (and `--role all` on PostgreSQL): a process that finds the worker lock
    # taken stands by and asks again this often; the lock's connection is checked as often.
    standby_retry_seconds: float = Field(default=5.0, gt=0, le=3600)
    # How often the active worker looks for staff jobs a web process left in the database
    # (a broadcast started, a /digest_now asked for).
    poll_seconds: float = Field(default=5.0, gt=0, le=3600)


class LoggingSettings(BaseModel):
    # "text": one human line a record; "json": one JSON object a line, for log collectors.
    format: str = "text"

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in ("text", "json"):
            raise ValueError('must be "text" or "json"')
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CVBOT_", env_nested_delimiter="__", case_sensitive=False, extra="forbid"
    )

    telegram: TelegramSettings
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    moderation: ModerationSettings = Field(default_factory=ModerationSettings)
    seniors: SeniorsSettings = Field(default_factory=SeniorsSettings)
    sender: SenderSettings = Field(default_factory=SenderSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    points: PointsSettings = Field(default_factory=PointsSettings)
    graffiti: GraffitiSettings = Field(default_factory=GraffitiSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    probe: ProbeSettings = Field(default_factory=ProbeSettings)
    throttle: ThrottleSettings = Field(default_factory=ThrottleSettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    @override
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (init holds what the TOML file said).
        return env_settings, init_settings


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        message = (
            "missing" if item["type"] == "missing" else item["msg"].removeprefix("Value error, ")
        )
        if item["type"] == "extra_forbidden":
            message = "unknown setting"
        parts.append(f"{key}: {message}")
    return "; ".join(parts)


def load_settings(path: Path, *, require_file: bool = False) -> Settings:
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML ({error})") from None
        except OSError as error:
            # A config mounted without read access for the bot's user (Docker: uid 10001).
            raise ConfigError(
                f"{path}: cannot be read ({error.strerror or error}); the bot runs as user id "
                f"{os.getuid()}"
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text") from None
    elif require_file:
        raise ConfigError(f"{path}: file not found (copy config.example.toml)")
    try:
        return Settings(**data)
    except ValidationError as error:
        raise ConfigError(f"invalid configuration: {_describe(error)}") from None
