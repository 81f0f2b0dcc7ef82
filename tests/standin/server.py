"""``BotApiStandIn``: the stand-in served over HTTP on 127.0.0.1, plus event-driven waiting.

Point the bot at it with ``ApplicationBuilder().base_url(f"{standin.base_url}/bot")``
(no files are downloaded from it). Every request is answered from the state in
``StandInState`` (see ``tests.standin.methods``); getUpdates long-polls, returning as soon as an
update is enqueued. Waiting is driven by a change signal raised on every call and every state
change, never by sleeping in a loop.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from tests.standin.methods import call_method
from tests.standin.model import ApiCall, CallbackAnswer, JSONDict, StoredMessage, UploadedFile
from tests.standin.params import ApiError, Params, bad_request, decode_params
from tests.standin.state import StandInState

T = TypeVar("T")

_BOT_PATH = re.compile(r"^/bot([^/]+)/([A-Za-z0-9_]+)/?$")
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


class BotApiStandIn(StandInState):
    """A local Telegram Bot API for tests: the real bot talks to it over HTTP, tests act as
    users (``send_text``, ``press``, ``vote``...) and read what the bot did (``messages``,
    ``calls``, ``callback_answers``...). Use ``async with BotApiStandIn(token) as standin``."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "editorial_test_bot",
        bot_id: int = 7000001,
        bot_first_name: str = "Editorial Test Bot",
        privacy_mode: bool = True,
        callback_query_timeout: float = 15.0,
        group_flood_limit: int | None = 20,
        flood_window: float = 60.0,
        strict_ampersand: bool = True,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(
            token,
            bot_username=bot_username,
            bot_id=bot_id,
            bot_first_name=bot_first_name,
            privacy_mode=privacy_mode,
            callback_query_timeout=callback_query_timeout,
            group_flood_limit=group_flood_limit,
            flood_window=flood_window,
            strict_ampersand=strict_ampersand,
            clock=clock,
        )
        self.host = host
        self.base_url = ""
        self.internal_errors: list[str] = []  # tracebacks of stand-in bugs (answered 500)
        self._runner: web.AppRunner | None = None
        self._event = asyncio.Event()
        self._version = 0
        self._in_flight = 0  # requests being handled, getUpdates excluded
        # method (lower case) -> (failures left, error code, description, parameters, the
        # calls they are for: None, all)
        self._injected_failures: dict[
            str, tuple[int, int, str, JSONDict | None, Callable[[JSONDict], bool] | None]
        ] = {}
        self._polls_waiting = 0
        self._poll_generation = 0
        self._closing = False
        self._read_cursor: dict[int, int] = {}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0
        )
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self.host, 0))
        site = web.SockSite(runner, sock)
        await site.start()
        self._runner = runner
        self._closing = False
        self.base_url = f"http://{self.host}:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing = True
        self._changed()  # release waiting long polls
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ waiting

    def _changed(self) -> None:
        self._version += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def _wait_change(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until the next change (True) or the timeout (False)."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        code: int = 502,
        description: str = "Bad Gateway",
        retry_after: int | None = None,
        matching: Callable[[JSONDict], bool] | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` fail: by default as a flaky network would
        (502); or as Telegram refuses, e.g. ``code=400, description="Bad Request: not enough
        rights to send polls to the chat"``; ``retry_after``: a 429 asking to wait that many
        seconds (Telegram's ``parameters.retry_after``). ``matching``: only calls whose
        parameters it accepts fail (and count); the others are answered as usual."""
        parameters: JSONDict | None = None
        if retry_after is not None:
            code, description = 429, f"Too Many Requests: retry after {retry_after}"
            parameters = {"retry_after": retry_after}
        self._injected_failures[method.lower()] = (times, code, description, parameters, matching)

    @property
    def polling(self) -> bool:
        """Whether a getUpdates long poll is waiting right now."""
        return self._polls_waiting > 0

    @property
    def idle(self) -> bool:
        """All updates confirmed by the bot and no request (but a long poll) in progress."""
        return not self._updates and self._in_flight == 0

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the public API takes a plain timeout
        what: str | None = None,
    ) -> T:
        """Re-evaluate ``predicate`` on every change until it returns something truthy, and
        return that. TimeoutError (with the last calls) if it does not within ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                label = what or getattr(predicate, "__name__", "the condition")
                raise TimeoutError(f"{label} did not happen within {timeout}s\n{self.describe()}")
            await self._wait_change(remaining)

    async def next_bot_message(
        self,
        chat_id: int,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> StoredMessage:
        """The next message the bot sends to the chat that no earlier call returned (a
        per-chat read cursor over everything the bot sent, deleted messages included)."""

        def unread() -> StoredMessage | None:
            sent = self.bot_messages(chat_id, include_deleted=True)
            index = self._read_cursor.get(chat_id, 0)
            return sent[index] if index < len(sent) else None

        message = await self.wait_for(
            unread, timeout=timeout, what=f"a new bot message in chat {chat_id}"
        )
        self._read_cursor[chat_id] = self._read_cursor.get(chat_id, 0) + 1
        return message

    async def wait_for_callback_answer(
        self,
        query_id: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        return await self.wait_for(
            lambda: self.callback_answers.get(query_id),
            timeout=timeout,
            what=f"an answer to callback query {query_id}",
        )

    async def wait_until_idle(
        self,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        quiet: float = 0.05,
    ) -> None:
        """Wait until the bot confirmed every update, no request is in progress, and nothing
        changed for ``quiet`` seconds (the bot may still be working between two calls; prefer
        waiting for the message or call you expect)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"the bot did not become idle within {timeout}s\n{self.describe()}"
                )
            if not self.idle:
                await self._wait_change(remaining)
                continue
            if not await self._wait_change(min(quiet, remaining)) and self.idle:
                return

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        match = _BOT_PATH.match(request.path)
        if match is None:
            return _error_response(ApiError(404, "Not Found"))
        token, method = match.groups()
        started = time.monotonic()
        if token != self.token:
            return self._finish(
                ApiCall(method, {}, False, error_code=401, error="Unauthorized", started=started),
                None,
            )
        try:
            values, files = await _read_params(request)
        except ApiError as unreadable:
            call = ApiCall(
                method, {}, False, error_code=unreadable.code, error=unreadable.description
            )
            return self._finish(call, unreadable)

        left, code, description, parameters, matching = self._injected_failures.get(
            method.lower(), (0, 0, "", None, None)
        )
        if left and (matching is None or matching(values)):
            self._injected_failures[method.lower()] = (
                left - 1,
                code,
                description,
                parameters,
                matching,
            )
            call = ApiCall(method, values, False, error_code=code, error=description)
            return self._finish(call, ApiError(code, description, parameters))

        is_poll = method.lower() == "getupdates"
        if not is_poll:
            self._in_flight += 1
            self._changed()
        failure: ApiError | None = None
        result: Any = None
        try:
            params = Params(values, files)
            if is_poll:
                result = await self._get_updates(params)
            else:
                result = call_method(self, method, params)
        except ApiError as caught:
            failure = caught
        except Exception as bug:  # noqa: BLE001 - a stand-in bug must reach the test, not hang it
            self.internal_errors.append("".join(traceback.format_exception(bug)))
            failure = ApiError(500, f"Internal Server Error: stand-in bug: {bug!r}")
        finally:
            if not is_poll:
                self._in_flight -= 1
        call = _made(method, values, result, failure, files=files, started=started)
        return self._finish(call, failure)

    def push_answer(self, content_type: str, body: bytes) -> None:
        """The bot answered a webhook push with ``body``: a JSON object naming a ``method``
        is a request Telegram makes (its result is told to no one), recorded as a call
        ``in_push``; anything else ("ok") asks for nothing."""
        if content_type != "application/json":
            return
        try:
            values = json.loads(body)
        except ValueError:
            return
        if not isinstance(values, dict) or not isinstance(values.get("method"), str):
            return
        method = values.pop("method")
        values = decode_params(values)
        started = time.monotonic()
        failure: ApiError | None = None
        result: Any = None
        try:
            result = call_method(self, method, Params(values, {}))
        except ApiError as caught:
            failure = caught
        self._finish(_made(method, values, result, failure, started=started, in_push=True), failure)

    def _finish(self, call: ApiCall, error: ApiError | None) -> web.Response:
        call.finished = time.monotonic()
        self.calls.append(call)
        self._changed()
        if error is not None or not call.ok:
            return _error_response(error or ApiError(call.error_code or 400, call.error or ""))
        return web.json_response({"ok": True, "result": call.result}, dumps=_dumps)

    async def _get_updates(self, p: Params) -> list[JSONDict]:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = p.get_int("offset")
        limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
        timeout = _seconds(p.raw("timeout"))
        allowed = p.get_list("allowed_updates")
        if allowed is not None:
            self.allowed_updates = [str(kind) for kind in allowed]
        if offset is not None:
            self.confirm_updates(offset)
        # A newer poll releases an older one still waiting (e.g. a client that went away).
        self._poll_generation += 1
        generation = self._poll_generation
        self._changed()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._polls_waiting += 1
        try:
            while True:
                updates = self.deliverable_updates(limit)
                if updates or self._closing or generation != self._poll_generation:
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                await self._wait_change(remaining)
        finally:
            self._polls_waiting -= 1
        return [update.to_api() for update in updates]


def _seconds(raw: object) -> float:
    if raw is None or raw == "":
        return 0.0
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise bad_request('field "timeout" must be of type Integer') from error
    return max(value, 0.0)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _error_response(error: ApiError) -> web.Response:
    body: JSONDict = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.code, dumps=_dumps)


def _made(
    method: str,
    values: JSONDict,
    result: Any,
    failure: ApiError | None,
    *,
    files: dict[str, UploadedFile] | None = None,
    started: float,
    in_push: bool = False,
) -> ApiCall:
    """The record of a call made: its outcome, Telegram's error if it failed."""
    return ApiCall(
        method,
        values,
        failure is None,
        result=result,
        error_code=failure.code if failure else None,
        error=failure.description if failure else None,
        files=files or {},
        started=started,
        in_push=in_push,
    )


async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """The request's parameters (query, JSON body or form) decoded, and its uploaded files."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    content_type = request.content_type
    if request.can_read_body and content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError as error:
            raise bad_request("can't parse request JSON object") from error
        if not isinstance(body, dict):
            raise bad_request("can't parse request JSON object")
        raw.update(body)
    elif request.can_read_body and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = UploadedFile(
                    name, value.filename, value.content_type, value.file.read()
                )
            else:
                raw[name] = value if isinstance(value, str) else bytes(value).decode()
    return decode_params(raw), files
