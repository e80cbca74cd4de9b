"""Drive a bot by hand through the fake Bot API server (``python -m tests.support.fake_bot_api``).

python scripts/tg.py wait-ready                      until the bot polls for updates
python scripts/tg.py send --user 111 --lang ru "text"
python scripts/tg.py click --user 111 "✅ Accept"     the newest button with this label
python scripts/tg.py click --user 111 --message-id 5 "tq:a:12:"   raw callback data
python scripts/tg.py forward --user 111 --channel somechannel --post 5 "text"
python scripts/tg.py messages --user 111             the whole chat as it looks now
python scripts/tg.py log [--json]                    every request the bot made

`send`, `click` and `forward` return once the bot has taken the update and finished answering
(nothing new for that chat for --quiet seconds), so lines pasted one after another are handled
in order, each seeing the answers of the one before.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.fake_bot_api.updates import (
    callback_query,
    channel_origin,
    private_message,
)

POLL_SECONDS = 0.1


def requests(client: httpx.Client, since: int = 0, polls: bool = False) -> list[dict[str, Any]]:
    answer = client.get("/_test/requests", params={"since": since}).raise_for_status()
    return [r for r in answer.json()["result"] if polls or r["method"] != "getUpdates"]


def describe(entry: dict[str, Any]) -> str:
    params, result = entry["params"], entry["result"]
    head = f"#{entry['index']} {entry['method']}"
    if isinstance(result, dict) and "message_id" in result:
        head += f" → message {result['message_id']}"
    if entry["error"]:
        head += f" ✗ {entry['error']['error_code']} {entry['error']['description']}"
    lines = [head, *_content(params)]
    lines += [f"  📎 {f['filename']} ({f['size']} bytes)" for f in entry["files"].values()]
    if len(lines) == 1 and params:
        lines.append("  " + json.dumps(params, ensure_ascii=False))
    return "\n".join(lines)


def _content(shown: dict[str, Any]) -> list[str]:
    """Text, caption and buttons of a message or of a call that sends one."""
    lines = []
    for key in ("text", "caption"):
        if shown.get(key):
            lines.append("  " + str(shown[key]).replace("\n", "\n  "))
    markup = shown.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        lines.append("  " + "   ".join(f"[{b['text']}]" for b in row))
    for row in markup.get("keyboard", []):
        lines.append(
            "  " + "   ".join(f"<{b['text'] if isinstance(b, dict) else b}>" for b in row)
        )
    return lines


def chat_messages(client: httpx.Client, chat_id: int) -> list[dict[str, Any]]:
    answer = client.get("/_test/messages", params={"chat_id": chat_id}).raise_for_status()
    return list(answer.json()["result"])


def describe_message(message: dict[str, Any]) -> str:
    sender = "bot" if message.get("from", {}).get("is_bot") else "you"
    files = [key for key in ("photo", "document") if key in message]
    head = f"message {message['message_id']} · {sender}" + "".join(f" · {f}" for f in files)
    return "\n".join([head, *_content(message)])


def _button(messages: list[dict[str, Any]], label: str) -> tuple[int, str] | None:
    for matches in (
        lambda text: text == label,
        lambda text: label.casefold() in text.casefold(),
    ):
        for message in reversed(messages):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if "callback_data" in button and matches(button["text"]):
                        return message["message_id"], button["callback_data"]
    return None


def find_button(client: httpx.Client, chat_id: int, label: str, timeout: float) -> tuple[int, str]:
    """The message id and callback data of the newest button called `label` in the chat (an
    exact label first, else one that contains it, ignoring case). A busy bot may still be
    drawing it after the answer to the previous line: wait for it up to `timeout`."""
    deadline = time.monotonic() + timeout
    while (found := _button(chat_messages(client, chat_id), label)) is None:
        if time.monotonic() >= deadline:
            raise SystemExit(f"no button «{label}» in the chat with {chat_id}")
        time.sleep(POLL_SECONDS)
    return found


def wait_ready(client: httpx.Client, timeout: float) -> None:
    """Until the bot has started polling: before that, nothing would answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            answer = client.get("/_test/requests", params={"method": "getUpdates"})
            if answer.raise_for_status().json()["result"]:
                print("the bot is ready")
                return
        except httpx.TransportError:
            pass  # the fake server is still starting too
        time.sleep(POLL_SECONDS * 5)
    raise SystemExit(f"the bot did not start polling within {timeout:.0f} s")


def _answers_to(entry: dict[str, Any], chat_id: int) -> bool:
    if entry["method"] == "getUpdates":
        return False
    target = entry["params"].get("chat_id")
    return str(target) == str(chat_id) or (
        target is None and "callback" in entry["method"].lower()
    )


def post_and_show(
    client: httpx.Client, update: dict[str, Any], chat_id: int, timeout: float, quiet: float
) -> None:
    since = len(requests(client, polls=True))
    [queued] = client.post("/_test/updates", json=update).raise_for_status().json()["result"]
    update_id = int(queued["update_id"])
    deadline = time.monotonic() + timeout
    taken, answers, changed = False, [], time.monotonic()
    while time.monotonic() < deadline:
        entries = requests(client, since, polls=True)
        # aiogram asks for updates from offset = last id + 1 once it has this one.
        taken = taken or any(
            e["method"] == "getUpdates" and int(e["params"].get("offset") or 0) > update_id
            for e in entries
        )
        mine = [e for e in entries if _answers_to(e, chat_id)]
        if len(mine) != len(answers):
            answers, changed = mine, time.monotonic()
        if taken and answers and time.monotonic() - changed >= quiet:
            break
        time.sleep(POLL_SECONDS)
    else:
        if not answers:
            print(f"(no answer within {timeout:.0f} s)")
    for entry in answers:
        print(describe(entry))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("FAKE_BOT_API_URL", "http://127.0.0.1:8081"),
        help="fake server base URL (default: $FAKE_BOT_API_URL or http://127.0.0.1:8081)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait at most")
    parser.add_argument(
        "--quiet", type=float, default=1.0, help="an answer is complete after this long silence"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    ready = commands.add_parser("wait-ready")
    ready.add_argument("--timeout", type=float, default=120.0, dest="ready_timeout")
    for name in ("send", "click", "forward"):
        command = commands.add_parser(name)
        command.add_argument("--user", type=int, required=True)
        command.add_argument("--lang", default="ru")
        command.add_argument("--name", default="Test", help="the user's first name")
    commands.choices["send"].add_argument("text")
    commands.choices["send"].add_argument("--photo", help="send a photo with this file_id")
    commands.choices["click"].add_argument(
        "--message-id", type=int, help="press raw callback data on this message instead"
    )
    commands.choices["click"].add_argument("label", help="the button's label (or its data)")
    commands.choices["forward"].add_argument("--channel", required=True)
    commands.choices["forward"].add_argument("--post", type=int, required=True)
    commands.choices["forward"].add_argument("text")
    messages = commands.add_parser("messages")
    messages.add_argument("--user", type=int, required=True, help="whose private chat")
    log = commands.add_parser("log")
    log.add_argument("--json", action="store_true", help="print raw recorded requests")
    log.add_argument("--all", action="store_true", help="include getUpdates polls")
    args = parser.parse_args()

    with httpx.Client(base_url=args.url, timeout=10) as client:
        if args.command == "wait-ready":
            wait_ready(client, args.ready_timeout)
            return
        if args.command == "log":
            for entry in requests(client, polls=args.all):
                print(json.dumps(entry, ensure_ascii=False) if args.json else describe(entry))
            return
        if args.command == "messages":
            for message in chat_messages(client, args.user):
                print(describe_message(message))
            return
        user = {"language_code": args.lang, "first_name": args.name}
        if args.command == "send":
            update = private_message(args.user, args.text, photo=args.photo, **user)
        elif args.command == "click":
            if args.message_id is not None:
                message_id, data = args.message_id, args.label
            else:
                message_id, data = find_button(client, args.user, args.label, args.timeout)
            update = callback_query(args.user, message_id, data, **user)
        else:
            origin = channel_origin(args.channel, args.post)
            update = private_message(args.user, args.text, forward_origin=origin, **user)
        post_and_show(client, update, args.user, args.timeout, args.quiet)


if __name__ == "__main__":
    main()
