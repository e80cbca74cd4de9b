"""A fake Telegram Bot API server for end-to-end tests and manual walkthroughs.

In tests::

    async with FakeBotAPI() as api:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        bot = Bot(TEST_TOKEN, session=session)
        api.enqueue_update(private_message(111, "/start"))
        [reply] = await api.wait_for("sendMessage", chat_id=111)

By hand: ``python -m tests.support.fake_bot_api --port 8081``, then drive it with
``scripts/tg.py``.
Control routes (JSON): ``POST /_test/updates`` (an Update, or a list), ``GET /_test/requests``
(``?method=&chat_id=&since=``), ``GET /_test/messages?chat_id=`` (a chat's messages, the
person's and the bot's, edits applied), ``POST /_test/clear``, ``POST /_test/fail``
(``fail_next`` arguments; method "download" fails the file server), ``POST /_test/rate_limit``,
``POST /_test/blocked`` (``{"chat_ids": [..], "blocked": true}``), ``POST /_test/files``
(``{"file_id", "data_base64"}``).
"""

from .records import ApiError, Recorded, StoredFile, UploadedFile
from .server import FakeBotAPI, create_app
from .state import BotAPIState
from .updates import callback_query, channel_origin, private_message

TEST_TOKEN = "123456:TEST-token"

__all__ = [
    "TEST_TOKEN",
    "ApiError",
    "BotAPIState",
    "FakeBotAPI",
    "Recorded",
    "StoredFile",
    "UploadedFile",
    "callback_query",
    "channel_origin",
    "create_app",
    "private_message",
]
