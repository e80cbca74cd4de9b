"""The fake Bot API server, driven by aiogram's real Bot and by raw control calls."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
)

from tests.support.fake_bot_api import (
    TEST_TOKEN,
    FakeBotAPI,
    callback_query,
    channel_origin,
    private_message,
)

USER = 111


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    async with Bot(TEST_TOKEN, session=session) as client:
        yield client


async def test_get_me_describes_the_bot_of_the_token(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123456, True, "test_bot")


async def test_send_message_is_recorded_with_decoded_params(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Да", callback_data="yes:1")]]
    )

    first = await bot.send_message(USER, "123", reply_markup=keyboard)
    second = await bot.send_message(USER, "<b>Привет</b>", parse_mode="HTML")

    [recorded, _] = api.requests("sendMessage", chat_id=USER)
    assert recorded.params["chat_id"] == USER
    assert recorded.params["text"] == "123"
    assert recorded.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Да", "callback_data": "yes:1"}]]
    }
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump() == keyboard.model_dump()
    assert second.message_id == first.message_id + 1
    assert api.requests("SENDMESSAGE", chat_id=str(USER))[1].params["parse_mode"] == "HTML"


async def test_queued_update_is_returned_then_confirmed_by_offset(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.enqueue_update(private_message(USER, "/start"))

    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.text == "/start"
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "ru"
    assert await bot.get_updates(offset=update.update_id, timeout=0) == [update]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, api.enqueue_update, private_message(USER, "hello"))
    started = loop.time()

    updates = await bot.get_updates(timeout=10)

    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert loop.time() - started < 2


async def test_long_poll_waits_its_timeout_when_nothing_comes(bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await bot.get_updates(timeout=1) == []
    assert loop.time() - started >= 0.9


async def test_callback_query_carries_the_message_the_bot_sent(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]]
    )
    sent = await bot.send_message(USER, "Подтвердите", reply_markup=keyboard)
    api.enqueue_update(callback_query(USER, sent.message_id, "ok"))

    [update] = await bot.get_updates(timeout=0)

    assert update.callback_query is not None
    assert update.callback_query.data == "ok"
    assert update.callback_query.message is not None
    assert update.callback_query.message.text == "Подтвердите"  # type: ignore[union-attr]


async def test_forwarded_channel_post_keeps_its_origin(api: FakeBotAPI, bot: Bot) -> None:
    origin = channel_origin("shopchannel", 5)
    api.enqueue_update(private_message(USER, "post", forward_origin=origin))

    [update] = await bot.get_updates(timeout=0)

    assert update.message is not None
    assert update.message.forward_origin is not None
    assert update.message.forward_origin.chat.username == "shopchannel"  # type: ignore[union-attr]
    assert update.message.forward_origin.message_id == 5  # type: ignore[union-attr]


async def test_fail_next_raises_bad_request_once(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", description="Bad Request: chat not found")

    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(USER, "x")
    await bot.send_message(USER, "y")

    assert [r.error is not None for r in api.requests("sendMessage")] == [True, False]


async def test_retry_after_gives_telegram_retry_after(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", retry_after=7)

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER, "x")

    assert caught.value.retry_after == 7


async def test_rate_limit_answers_429_per_chat(api: FakeBotAPI, bot: Bot) -> None:
    api.set_rate_limit(per_chat_per_second=1)
    await bot.send_message(USER, "one")
    await bot.send_message(USER + 1, "other chat")

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER, "two")

    assert caught.value.retry_after == 1


async def test_blocked_chat_gives_forbidden(api: FakeBotAPI, bot: Bot) -> None:
    api.block_chat(USER)

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "x")


async def test_send_document_records_the_bytes(api: FakeBotAPI, bot: Bot) -> None:
    data = b"url;status\nhttps://example.kz;open\n"

    message = await bot.send_document(
        USER, BufferedInputFile(data, filename="report.csv"), caption="Отчёт"
    )

    [recorded] = await api.wait_for("sendDocument", chat_id=USER)
    assert recorded.files["document"].filename == "report.csv"
    assert recorded.files["document"].data == data
    assert recorded.params["caption"] == "Отчёт"
    assert message.document is not None
    assert message.document.file_name == "report.csv"
    assert message.document.file_size == len(data)


async def test_media_group_and_downloads(api: FakeBotAPI, bot: Bot) -> None:
    api.add_file("user-photo", b"\x89PNG fake")
    file = await bot.get_file("user-photo")
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"\x89PNG fake"

    media = [InputMediaPhoto(media=BufferedInputFile(b"img%d" % i, f"{i}.png")) for i in (1, 2)]
    messages = await bot.send_media_group(USER, media)  # type: ignore[arg-type]

    assert len(messages) == 2
    [recorded] = api.requests("sendMediaGroup")
    assert sorted(f.data for f in recorded.files.values()) == [b"img1", b"img2"]


async def test_control_routes_enqueue_list_and_clear(api: FakeBotAPI, bot: Bot) -> None:
    async with aiohttp.ClientSession(api.base_url) as http:
        async with http.post("/_test/updates", json=private_message(USER, "hi")) as resp:
            [update] = (await resp.json())["result"]
        await bot.send_message(USER, "reply")
        async with http.get("/_test/requests", params={"chat_id": USER}) as resp:
            listed = (await resp.json())["result"]
        async with http.post("/_test/clear"):
            pass

    assert update["update_id"] == 1
    assert update["message"]["message_id"] == 1
    assert [(r["method"], r["result"]["message_id"]) for r in listed] == [("sendMessage", 2)]
    assert api.requests() == []


async def test_wait_for_times_out_with_what_was_seen(api: FakeBotAPI, bot: Bot) -> None:
    await bot.get_me()

    with pytest.raises(TimeoutError, match="getMe"):
        await api.wait_for("sendMessage", timeout=0.1)


async def test_shutdown_releases_a_pending_long_poll() -> None:
    loop = asyncio.get_running_loop()
    async with FakeBotAPI() as server, aiohttp.ClientSession(server.base_url) as http:
        poll = asyncio.create_task(http.post(f"/bot{TEST_TOKEN}/getUpdates", data={"timeout": 30}))
        await server.wait_for("getUpdates")
        started = loop.time()
        await server.__aexit__(None, None, None)
        response = await poll
        assert (await response.json())["result"] == []
    assert loop.time() - started < 1
