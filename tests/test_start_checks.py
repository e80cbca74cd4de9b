"""Start-up problems of a container or a server say what to fix in one line, with the exit
codes README gives: an unreadable config is exit 2, an unwritable database folder exit 5 —
before anything is opened, never as a traceback."""

import os
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.data_folder import database_folder_problem
from tests.support.accounts import TEST_TOKEN


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CVBOT_TELEGRAM__TOKEN", TEST_TOKEN)
    monkeypatch.chdir(tmp_path)


def test_a_config_that_cannot_be_read_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder where the file should be fails the read as permissions would (as root, too).
    config = tmp_path / "config.toml"
    config.mkdir()
    assert main(["--config", str(config)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"configuration error: {config}: cannot be read")
    assert f"user id {os.getuid()}" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_a_config_without_read_permission(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[access]\nadmins = []\n")
    config.chmod(0)
    assert main(["--config", str(config)]) == 2
    assert "Permission denied" in capsys.readouterr().err


def test_a_database_folder_that_is_a_file_is_one_line_and_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CVBOT_DATABASE__URL", f"sqlite+aiosqlite:///{blocker}/bot.db")
    assert main([]) == 5
    [line] = capsys.readouterr().err.splitlines()
    assert line == f"database error: {blocker} is not a folder: the database cannot live there"


def test_a_root_owned_volume_names_the_folder_and_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    if os.geteuid() == 0:
        # Root writes anywhere: answer for the operating system as it answers a plain user
        # before a folder mounted root-owned.
        real_access = os.access
        monkeypatch.setattr(
            "bot.data_folder.os.access",
            lambda path, mode: False if Path(path) == data else real_access(path, mode),
        )
    else:
        data.chmod(0o555)
    monkeypatch.setenv("CVBOT_DATABASE__URL", f"sqlite+aiosqlite:///{data}/bot.db")
    assert main([]) == 5
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"database error: cannot write the database folder {data}")
    assert f"chown -R {os.getuid()} {data}" in line
    assert not (data / "bot.db").exists()


def test_a_writable_place_and_postgresql_pass(tmp_path: Path) -> None:
    assert database_folder_problem(f"sqlite+aiosqlite:///{tmp_path}/new/bot.db") is None
    assert database_folder_problem("postgresql+asyncpg://postgres@127.0.0.1/x") is None
    assert database_folder_problem("sqlite+aiosqlite://") is None


def test_the_bot_starts_without_importing_matplotlib() -> None:
    # matplotlib needs a writable cache folder: importing it at start would end an unwritable
    # container in a traceback before the checks above could say what is wrong.
    import subprocess
    import sys

    probe = "import sys, bot.__main__; print('matplotlib' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
