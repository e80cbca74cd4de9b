"""The admin and the bot token of the test settings (conftest.py's `settings` fixture)."""

from tests.support.telegram_ids import tg_id

ADMIN_ID = tg_id(9001)
TEST_TOKEN = "123456789:" + "A" * 35
# What a message from the bot says in its `from.id`: the token starts with the bot's id.
BOT_ID = int(TEST_TOKEN.partition(":")[0])
