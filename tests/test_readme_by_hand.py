"""The README's "Trying it by hand" works as written: its lines, pasted in order into bash,
start the fake Bot API and the real bot process and walk through a report and its triage.

Only the port changes (a free one instead of 8081, so that parallel runs do not collide); the
lines themselves are read from README.md, so a README edit that breaks them fails here.
"""

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README_PORT = "8081"


def by_hand_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Trying it by hand", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the section has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_readme_lines_work_pasted_in_order(tmp_path: Path) -> None:
    lines = by_hand_lines()
    assert any("wait-ready" in line for line in lines)
    port = str(_free_port())
    # The lines run from the repository's root, as the README says; here a copy of the files
    # they name, in a fresh directory, so that data/ is this test's own.
    (tmp_path / "config.example.toml").symlink_to(ROOT / "config.example.toml")
    (tmp_path / "scripts").symlink_to(ROOT / "scripts")
    script = "set -e\n" + "\n".join(line.replace(README_PORT, port) for line in lines) + "\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVBOT_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "FAKE_BOT_API_URL": f"http://127.0.0.1:{port}",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    }
    # A file, not a pipe: the background processes keep their output open after bash is done.
    log = tmp_path / "output.txt"
    with log.open("w") as output_file:
        shell = subprocess.Popen(
            ["bash", "-c", script],
            cwd=tmp_path,
            env=env,
            stdout=output_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the background lines' processes share its process group
        )
        try:
            shell.wait(timeout=300)
        finally:
            # The fake server and the bot, started by the lines with `&`, stop with the group.
            os.killpg(shell.pid, signal.SIGTERM)
            shell.wait(timeout=30)
    output = log.read_text(encoding="utf-8")
    assert shell.returncode == 0, output

    assert "the bot is ready" in output
    assert "#1 — жаңа шағым" in output  # the volunteer, in Kazakh
    assert "[✅ Accept]" in output
    assert "Reported by 1 volunteer" in output
    assert "[drug sales]" in output  # the Accept button opened the categories
    assert "#1 accepted: drug sales." in output
    assert "#2 — жаңа шағым" in output  # the forwarded post
    chat = output.split("message 1 · you", 1)[1]
    assert chat.index("t.me/some_shop") < chat.index("#1 — жаңа шағым") < chat.index("#2")
    assert "editMessageText" in output  # `log` lists the bot's requests
