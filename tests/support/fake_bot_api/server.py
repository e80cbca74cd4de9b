"""The aiohttp application: Bot API routes, ``/_test/…`` control routes, and ``FakeBotAPI``."""

import asyncio
import base64
import contextlib
import json
import logging
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

from . import methods
from .records import ApiError, UploadedFile
from .state import BotAPIState

logger = logging.getLogger(__name__)

STATE_KEY = web.AppKey("state", BotAPIState)

# Params whose values are plain strings even when they look like JSON ("123", "true", "[x]").
STRING_PARAMS = frozenset(
    (  # noqa: SIM905
        "text caption parse_mode callback_query_id url query title description "
        "short_description name first_name last_name inline_message_id language_code "
        "emoji business_connection_id message_effect_id file_id document photo video "
        "audio voice animation sticker video_note thumbnail cover question explanation "
        "payload currency secret_token ip_address switch_inline_query result_id "
        "error_message custom_title"
    ).split()
)


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Undo aiogram's form encoding: JSON objects/arrays, numbers and booleans come as text."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        params[key] = value
        if isinstance(value, str) and key not in STRING_PARAMS:
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


async def read_call(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Params and uploads of a call sent as a query, urlencoded or multipart form, or JSON."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        return {**decode_params(raw), **await request.json()}, uploads
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is None:
                raw[part.name] = await part.text()
            else:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                uploads[part.name] = UploadedFile(part.filename, await part.read(), content_type)
    elif request.can_read_body:
        raw.update((key, str(value)) for key, value in (await request.post()).items())
    params = decode_params(raw)
    files: dict[str, UploadedFile] = {}
    for key, value in params.items():  # "document": "attach://k" → files["document"]
        if isinstance(value, str) and value.startswith(methods.ATTACH):
            name = value.removeprefix(methods.ATTACH)
            if name in uploads:
                files[key] = uploads.pop(name)
    for name, upload in uploads.items():  # media group items, or raw uploads by param name
        files[name] = upload
        params.setdefault(name, methods.ATTACH + name)
    return params, files


async def bot_api(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    method = methods.canonical(request.match_info["method"])
    params, files = await read_call(request)
    entry = state.record(method, params, files)
    level = logging.DEBUG if method == "getUpdates" else logging.INFO
    logger.log(level, "#%s %s %s", entry.index, method, params)
    try:
        state.check_call(method, params)
        if method.lower() == "getupdates":
            entry.result = await get_updates(state, params)
        else:
            entry.result = methods.call(state, request.match_info["token"], method, params, files)
    except ApiError as error:
        entry.error = error.to_json()
        return web.json_response(entry.error, status=error.error_code)
    if state.take_lost_answer(method) and request.transport is not None:
        request.transport.close()  # the call took effect; its answer never arrives
    return web.json_response({"ok": True, "result": entry.result})


async def get_updates(state: BotAPIState, params: dict[str, Any]) -> list[dict[str, Any]]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + float(params.get("timeout") or 0)
    offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
    while True:
        pending = state.pending_updates(offset, limit, params.get("allowed_updates"))
        left = deadline - loop.time()
        if pending or left <= 0 or state.closing:
            return pending
        await state.wait_changed(within=left)


async def download(request: web.Request) -> web.Response:
    try:  # fail_next("download", error_code=502) makes the file server fail once
        request.app[STATE_KEY].check_call("download", {})
    except ApiError as error:
        return web.json_response(error.to_json(), status=error.error_code)
    stored = request.app[STATE_KEY].file_by_path(request.match_info["path"])
    if stored is None:
        raise web.HTTPNotFound
    return web.Response(body=stored.data, content_type="application/octet-stream")


# --- control routes ----------------------------------------------------------------------


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def enqueue(request: web.Request) -> web.Response:
    body = await request.json()
    updates = body if isinstance(body, list) else [body]
    return ok([request.app[STATE_KEY].enqueue_update(update) for update in updates])


async def list_requests(request: web.Request) -> web.Response:
    query = request.query
    chat_id = query.get("chat_id")
    found = request.app[STATE_KEY].requests(
        query.get("method"), chat_id, int(query.get("since", 0))
    )
    return ok([entry.to_json() for entry in found])


async def list_messages(request: web.Request) -> web.Response:
    return ok(request.app[STATE_KEY].chat_messages(request.query["chat_id"]))


async def clear(request: web.Request) -> web.Response:
    request.app[STATE_KEY].clear()
    return ok(True)


async def fail(request: web.Request) -> web.Response:
    request.app[STATE_KEY].fail_next(**await request.json())
    return ok(True)


async def rate_limit(request: web.Request) -> web.Response:
    request.app[STATE_KEY].set_rate_limit(**await request.json())
    return ok(True)


async def block(request: web.Request) -> web.Response:
    body = await request.json()
    for chat_id in body["chat_ids"]:
        request.app[STATE_KEY].block_chat(chat_id, body.get("blocked", True))
    return ok(sorted(request.app[STATE_KEY].blocked, key=str))


async def add_file(request: web.Request) -> web.Response:
    body = await request.json()
    data = base64.b64decode(body["data_base64"])
    stored = request.app[STATE_KEY].add_file(body["file_id"], data, body.get("file_unique_id"))
    return ok(stored.to_json())


def create_app(state: BotAPIState) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[STATE_KEY] = state
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    app.router.add_post("/_test/updates", enqueue)
    app.router.add_get("/_test/requests", list_requests)
    app.router.add_get("/_test/messages", list_messages)
    app.router.add_post("/_test/clear", clear)
    app.router.add_post("/_test/fail", fail)
    app.router.add_post("/_test/rate_limit", rate_limit)
    app.router.add_post("/_test/blocked", block)
    app.router.add_post("/_test/files", add_file)

    async def wake_pollers(_: web.Application) -> None:
        state.close()

    app.on_shutdown.append(wake_pollers)
    return app


class FakeBotAPI(BotAPIState):
    """The fake server on 127.0.0.1: ``async with FakeBotAPI() as api: … api.base_url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__()
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> "FakeBotAPI":
        self._runner = web.AppRunner(create_app(self), access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
