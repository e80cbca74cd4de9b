from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:" + "C" * 35


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[telegram]\ntoken = "{TOKEN}"\n[access]\nadmins = [1, 2]\n')
    monkeypatch.setenv("CVBOT_DATABASE__URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("CVBOT_ACCESS__ADMINS", "[5]")
    settings = load_settings(config)
    assert settings.telegram.token.get_secret_value() == TOKEN
    assert settings.database.url == "postgresql+asyncpg://u@h/db"
    assert settings.access.admins == [5]
    assert settings.intake.max_links_per_message == 20


def test_token_may_come_from_the_environment_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CVBOT_TELEGRAM__TOKEN", TOKEN)
    settings = load_settings(tmp_path / "absent.toml")
    assert settings.database.url == "sqlite+aiosqlite:///data/bot.db"


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('[telegram]\ntoken = "nope"\n', "telegram.token"),
        (f'[telegram]\ntoken = "{TOKEN}"\napi_base = "127.0.0.1:8081"\n', "telegram.api_base"),
        (f'[telegram]\ntoken = "{TOKEN}"\n[intake]\nmax_links_per_message = 0\n', "intake"),
        (f'[telegram]\ntoken = "{TOKEN}"\n[telegram2]\nx = 1\n', "telegram2"),
        ("[telegram\n", "not valid TOML"),
        (f'[telegram]\ntoken = "{TOKEN}"\n[redis]\nurl = "http://x"\n', "redis.url"),
        (f'[telegram]\ntoken = "{TOKEN}"\n[webhook]\nurl = "http://x.kz/h"\n', "webhook.url"),
        (f'[telegram]\ntoken = "{TOKEN}"\n[webhook]\nurl = "https://x.kz/h"\n', "webhook"),
        (
            f'[telegram]\ntoken = "{TOKEN}"\n[webhook]\nurl = "https://x.kz/h"\nsecret = "a b"\n',
            "webhook.secret",
        ),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, content: str, key: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(content)
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert key in str(raised.value)
    assert "\n" not in str(raised.value)


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "missing.toml", require_file=True)
