"""A fake Telegram Bot API on loopback, so the real python-telegram-bot stack can be tested offline.

Telegram cannot be reached from the test machines, and mocking ``Bot`` methods would skip the
code that actually breaks in production (request encoding, error mapping, update parsing). This
module runs a small Starlette app under uvicorn in a background thread and answers in the
documented Bot API JSON shapes (https://core.telegram.org/bots/api), so ``telegram.Bot`` and
``telegram.ext.Application`` can point at it with ``base_url=api.base_url``.

Where the real API rejects input that a bot is likely to get wrong, the fake rejects it too with
Telegram's wording: unsupported HTML tags (``<br>``, ``<div>``), unbalanced tags, texts longer
than 4096 characters, ``callback_data`` longer than 64 bytes, invalid command names, editing a
message without changing it, and sending to a group that was upgraded to a supergroup.

Typical use::

    with FakeBotAPI() as api:
        api.message(42, "/start")  # builders push the update themselves
        ...  # run the bot against api.base_url
        api.wait_for(1)
        assert api.sent_messages(42)[0]["text"].startswith("Welkom")
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["ApiError", "Call", "FakeBotAPI", "fake_bot_api", "parse_html"]

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST"
DEFAULT_BOT_USERNAME = "gemeente_test_bot"

#: Telegram's texts for common failures, used when ``fail_next`` gets no description.
DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: invalid request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

BLOCKED_BY_USER = "Forbidden: bot was blocked by the user"
KICKED_FROM_GROUP = "Forbidden: bot was kicked from the group chat"
KICKED_FROM_SUPERGROUP = "Forbidden: bot was kicked from the supergroup chat"
NOT_A_MEMBER = "Forbidden: bot is not a member of the group chat"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

#: Update types Telegram delivers when ``allowed_updates`` was never set (Bot API docs).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

# PTB sends form data in which every non-string value is JSON-encoded; these fields are plain
# strings and must not be decoded (a text "123" must stay a string).
_STRING_FIELDS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "language_code",
        "action",
        "secret_token",
        "ip_address",
        "title",
        "description",
        "short_description",
        "name",
        "custom_title",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "query",
        "invite_link",
    ]
)
# Fields that hold JSON objects/arrays; JSON-body clients may still send them as strings.
_JSON_FIELDS = frozenset(
    [
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "permissions",
    ]
)

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")
_MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@/])@[A-Za-z0-9_]{5,32}\b")
_BOT_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """An error answer of the Bot API; raised inside handlers to become the JSON reply."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        """The documented error shape: ok=false, error_code, description, parameters."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class Call:
    """One request the fake answered: what the bot asked for and what it got back."""

    method: str
    params: JSON
    time: float  # time.monotonic() when the request arrived
    status: int
    response: JSON

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------------

_HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_HTML_ATTR_RE = re.compile(
    r"""\s*([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]+);")


def _html_error(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {reason}")


def _html_attributes(source: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for match in _HTML_ATTR_RE.finditer(source):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        attributes[match.group(1).lower()] = value
    return attributes


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Turn parse_mode=HTML text into (plain text, entities) the way Telegram does.

    Only the tags listed in the Bot API docs are accepted; anything else (``<br>``, ``<p>``, a
    bare ``<`` in running text) is a 400 "can't parse entities" as on the real server. Entity
    offsets and lengths are in UTF-16 code units.
    """
    out: list[str] = []
    units = 0
    stack: list[tuple[str, int, JSON]] = []  # tag, start offset, entity without offset/length
    entities: list[JSON] = []
    position = 0
    while position < len(source):
        char = source[position]
        if char == "<":
            byte_offset = len(source[:position].encode())
            end = source.find(">", position)
            if end < 0:
                raise _html_error(
                    f"Can't find end of the tag starting at byte offset {byte_offset}"
                )
            inner = source[position + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _html_error(f'Unexpected end tag "{name}" at byte offset {byte_offset}')
                tag, start, entity = stack.pop()
                if name != tag:
                    raise _html_error(
                        f"Unmatched end tag at byte offset {byte_offset}, "
                        f'expected "</{tag}>", found "</{name}>"'
                    )
                inside_pre = bool(stack) and stack[-1][0] == "pre"
                if tag == "code" and inside_pre:
                    language = entity.get("language")
                    if language:
                        stack[-1][2]["language"] = language
                elif units > start and entity:
                    entities.append(
                        {
                            "type": entity.pop("type"),
                            "offset": start,
                            "length": units - start,
                            **entity,
                        }
                    )
            else:
                match = _HTML_TAG_NAME_RE.match(inner)
                name = match.group(0).lower() if match else ""
                if name not in _HTML_TAGS:
                    raise _html_error(
                        f'Unsupported start tag "{name}" at byte offset {byte_offset}'
                    )
                attributes = _html_attributes(inner[len(name) :].rstrip("/"))
                stack.append((name, units, _html_entity(name, attributes, byte_offset)))
            position = end + 1
            continue
        if char == "&":
            match = _HTML_ENTITY_RE.match(source, position)
            if match:
                body = match.group(1)
                decoded: str | None
                if body.startswith(("#x", "#X")):
                    decoded = chr(int(body[2:], 16))
                elif body.startswith("#"):
                    decoded = chr(int(body[1:]))
                else:
                    decoded = _HTML_NAMED_ENTITIES.get(body)
                if decoded is not None:
                    out.append(decoded)
                    units += utf16_len(decoded)
                    position = match.end()
                    continue
        out.append(char)
        units += 2 if ord(char) > 0xFFFF else 1
        position += 1
    if stack:
        raise _html_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


def _html_entity(name: str, attributes: dict[str, str], byte_offset: int) -> JSON:
    """The entity a start tag opens; an empty dict for tags that produce none (``<a>``)."""
    kind = _HTML_TAGS[name]
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise _html_error(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}')
    if name == "a":
        return {"type": kind, "url": attributes["href"]} if attributes.get("href") else {}
    if name == "code":
        language = attributes.get("class", "")
        if language.startswith("language-"):
            return {"type": kind, "language": language.removeprefix("language-")}
    if name == "blockquote" and "expandable" in attributes:
        return {"type": "expandable_blockquote"}
    if name == "tg-emoji":
        return {"type": kind, "custom_emoji_id": attributes.get("emoji-id", "")}
    if name == "tg-time":
        entity: JSON = {"type": kind, "unix_time": int(attributes.get("unix", "0") or 0)}
        if attributes.get("format"):
            entity["date_time_format"] = attributes["format"]
        return entity
    return {"type": kind}


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn server that tells the starting thread when its socket accepts connections."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._ready.set()


Handler = Callable[[JSON], Any]


class FakeBotAPI:
    """An in-process Telegram Bot API server on 127.0.0.1 with recording and fault injection.

    All public methods are thread-safe: the server runs on its own thread and event loop, tests
    call in from theirs. Use as a context manager or via the ``fake_bot_api`` fixture.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = "Gemeente Testbot",
        max_long_poll: float = 1.0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.bot_id = int(token.split(":", 1)[0])
        self.max_long_poll = max_long_poll
        self.port = 0
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._thread: threading.Thread | None = None
        self._server: _Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pollers: set[asyncio.Future[None]] = set()  # touched only on the server loop
        self._stopping = False
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "answerCallbackQuery": self._answer_callback_query,
                "getChatMember": self._get_chat_member,
                "getChat": self._get_chat,
                "deleteMessage": self._delete_message,
                "sendChatAction": self._send_chat_action,
            }.items()
        }
        self._handlers["getupdates"] = ("getUpdates", self._no_sync_handler)
        self.reset()

    # ---- lifecycle ------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget all state and recordings, e.g. between tests sharing one server."""
        with self._cond:
            self._calls.clear()
            self._updates: deque[JSON] = deque()
            self._update_ids = itertools.count(10_000)
            self._callback_ids = itertools.count(700_000)
            self._allowed_updates: frozenset[str] | None = None
            self._webhook: JSON | None = None
            self._commands: dict[tuple[str, str], list[JSON]] = {}
            self._failures: dict[str, deque[ApiError]] = {}
            self._blocked: dict[int, str] = {}
            self._migrated: dict[int, int] = {}
            self._members: dict[tuple[int, int], str] = {}
            self._chats: dict[int, JSON] = {}
            self._users: dict[int, JSON] = {}
            self._messages: dict[tuple[int, int], JSON] = {}
            self._next_message_id: dict[int, int] = {}
            self._open_callbacks: set[str] = set()
            self._latency = 0.0
            self.internal_errors: list[BaseException] = []

    @property
    def base_url(self) -> str:
        """What to pass as ``base_url`` to PTB; it appends the token and ``/method`` itself."""
        if not self.port:
            raise RuntimeError("FakeBotAPI is not started")
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        """Bind a free loopback port and serve on a daemon thread; returns once it accepts."""
        if self._thread is not None:
            raise RuntimeError("FakeBotAPI already started")
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only
        # for such sockets; with proto 0 every reply waits ~40 ms on Nagle + delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/{path:path}", self._not_found, methods=["GET", "POST"]),
            ]
        )
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            loop="asyncio",
            timeout_graceful_shutdown=2,
        )
        ready = threading.Event()
        self._server = _Server(config, ready)
        self._stopping = False
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                assert self._server is not None
                loop.run_until_complete(self._server.serve(sockets=[sock]))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                sock.close()

        self._thread = threading.Thread(target=run, name=f"FakeBotAPI:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5.0
        while not ready.wait(0.01):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("FakeBotAPI failed to start; see the server thread's error")
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit, release pending long polls, and join the server thread."""
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None or server is None or loop is None:
            return
        self._stopping = True
        server.should_exit = True
        if not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop closed since the check
                loop.call_soon_threadsafe(self._wake_pollers)
        thread.join(10.0)
        if thread.is_alive():
            raise RuntimeError("FakeBotAPI server thread did not stop")
        self._thread = self._server = self._loop = None
        self.port = 0

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- configuration and fault injection ------------------------------------------------

    def set_latency(self, seconds: float) -> None:
        """Delay every response, to test timeouts and concurrency in the bot."""
        with self._cond:
            self._latency = max(0.0, seconds)

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        *,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with this Bot API error.

        429 always carries ``parameters.retry_after`` (default 1 s) because PTB needs it to
        raise ``RetryAfter``; without a description Telegram's usual text is used.
        """
        canonical = self._canonical(method)
        if canonical is None:
            raise ValueError(f"FakeBotAPI does not implement {method!r}")
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        text = text.format(retry_after=retry_after)
        parameters: JSON = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        with self._cond:
            queue = self._failures.setdefault(canonical, deque())
            queue.extend(ApiError(status, text, parameters or None) for _ in range(count))

    def block_chat(self, chat_id: int, description: str = BLOCKED_BY_USER) -> None:
        """Answer 403 to sendMessage/editMessageText/sendChatAction for this chat until unblocked."""
        with self._cond:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.pop(chat_id, None)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Role getChatMember reports: creator, administrator, member, restricted, left, kicked."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        with self._cond:
            self._members[(chat_id, user_id)] = status

    def set_chat(self, chat_id: int, chat_type: str, title: str | None = None) -> JSON:
        """Declare a chat's type and title (otherwise inferred: id > 0 private, < 0 group)."""
        with self._cond:
            return copy.deepcopy(self._register_chat(chat_id, chat_type, title))

    # ---- feeding updates ------------------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates (assigning update_id) and wake a waiting long poll."""
        with self._cond:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_pollers)
        return update

    def message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        chat_title: str | None = None,
        reply_to_bot: bool = False,
        username: str | None = None,
        first_name: str = "Tester",
        language_code: str = "nl",
    ) -> JSON:
        """Push a user's text message with the entities Telegram would attach.

        A leading ``/command`` (with optional ``@botname``) gets a ``bot_command`` entity and
        every ``@username`` a ``mention`` entity, offsets in UTF-16 units. ``chat_type`` defaults
        to the chat's known type, else private for positive ids and group for negative ones. In a
        private chat the user id equals the chat id, as on Telegram.
        """
        if chat_type is None:
            with self._cond:
                chat_type = str(self._chat(chat_id)["type"])
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 4242
        if chat_type == "private" and user_id != chat_id:
            raise ValueError("in a private chat the user id equals the chat id")
        with self._cond:
            chat = self._register_chat(chat_id, chat_type, chat_title, first_name, username)
            user = self._register_user(user_id, first_name, username, language_code)
            message: JSON = {
                "message_id": self._allocate_message_id(chat_id),
                "from": user,
                "chat": copy.deepcopy(chat),
                "date": int(time.time()),
                "text": text,
            }
            entities = _text_entities(text)
            if entities:
                message["entities"] = entities
            if reply_to_bot:
                message["reply_to_message"] = self._last_bot_message(chat_id)
            self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
        return self.push_update({"message": message})

    def callback_query(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int,
        *,
        username: str | None = None,
        first_name: str = "Tester",
    ) -> JSON:
        """Push a button press on a message the bot sent (synthesised if the fake never saw it)."""
        with self._cond:
            user = self._register_user(user_id, first_name, username, "nl")
            message = self._messages.get((chat_id, message_id))
            if message is None:
                message = self._bot_message(chat_id, "(bericht)", message_id=message_id)
            query_id = str(next(self._callback_ids))
            self._open_callbacks.add(query_id)
            query: JSON = {
                "id": query_id,
                "from": user,
                "message": copy.deepcopy(message),
                "chat_instance": f"ci{abs(chat_id)}",
                "data": data,
            }
        return self.push_update({"callback_query": query})

    def my_chat_member(
        self,
        chat_id: int,
        new_status: str = "kicked",
        *,
        chat_type: str | None = None,
        user_id: int | None = None,
        old_status: str | None = None,
    ) -> JSON:
        """Push a change of the bot's own membership, and make later sends behave accordingly.

        "kicked" in a private chat means the user blocked the bot; "kicked"/"left" in a group
        means the bot was removed. Afterwards sends to that chat get Telegram's 403, until a
        "member"/"administrator" update re-adds the bot.
        """
        if new_status not in MEMBER_STATUSES:
            raise ValueError(f"new_status must be one of {MEMBER_STATUSES}")
        with self._cond:
            chat = (
                self._chat(chat_id)
                if chat_type is None
                else self._register_chat(chat_id, chat_type)
            )
            if user_id is None:
                user_id = chat_id if chat["type"] == "private" else 4242
            user = self._register_user(user_id, "Tester", None, "nl")
            if old_status is None:
                old_status = "left" if new_status in ("member", "administrator") else "member"
            self._members[(chat_id, self.bot_id)] = new_status
            if new_status in ("kicked", "left"):
                if chat["type"] == "private":
                    self._blocked[chat_id] = BLOCKED_BY_USER
                elif new_status == "left":
                    self._blocked[chat_id] = NOT_A_MEMBER
                elif chat["type"] == "supergroup":
                    self._blocked[chat_id] = KICKED_FROM_SUPERGROUP
                else:
                    self._blocked[chat_id] = KICKED_FROM_GROUP
            else:
                self._blocked.pop(chat_id, None)
            update: JSON = {
                "chat": copy.deepcopy(chat),
                "from": user,
                "date": int(time.time()),
                "old_chat_member": self._member_json(old_status, self._bot_user()),
                "new_chat_member": self._member_json(new_status, self._bot_user()),
            }
        return self.push_update({"my_chat_member": update})

    def migrate(self, chat_id: int, new_chat_id: int, *, user_id: int = 4242) -> JSON:
        """Push the old group's service message with migrate_to_chat_id.

        From then on, calls addressed to the old id answer 400 with
        ``parameters.migrate_to_chat_id`` (PTB raises ``ChatMigrated``), as Telegram does.
        """
        with self._cond:
            old = self._chat(chat_id)
            self._register_chat(new_chat_id, "supergroup", old.get("title"))
            self._migrated[chat_id] = new_chat_id
            message: JSON = {
                "message_id": self._allocate_message_id(chat_id),
                "from": self._register_user(user_id, "Tester", None, "nl"),
                "chat": copy.deepcopy(old),
                "date": int(time.time()),
                "migrate_to_chat_id": new_chat_id,
            }
        return self.push_update({"message": message})

    # ---- inspection -----------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Every recorded request (optionally of one method, any case), oldest first."""
        canonical = None if method is None else (self._canonical(method) or method)
        with self._cond:
            return [call for call in self._calls if canonical is None or call.method == canonical]

    def clear_calls(self) -> None:
        """Forget recordings but keep chats, messages and queued updates."""
        with self._cond:
            self._calls.clear()

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Params of successful sendMessage calls plus the assigned ``message_id``."""
        return [
            {
                **call.params,
                "chat_id": call.result["chat"]["id"],
                "message_id": call.result["message_id"],
            }
            for call in self.calls("sendMessage")
            if call.ok and (chat_id is None or call.result["chat"]["id"] == chat_id)
        ]

    def edits(self, chat_id: int | None = None) -> list[JSON]:
        """Params of successful editMessageText calls."""
        return [
            call.params
            for call in self.calls("editMessageText")
            if call.ok and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands last set with setMyCommands for this scope and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(_command_key(scope, language_code), []))

    @property
    def webhook(self) -> JSON | None:
        """Params of the active setWebhook call, or None when polling is allowed."""
        with self._cond:
            return copy.deepcopy(self._webhook)

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed through getUpdates' offset."""
        with self._cond:
            return copy.deepcopy(list(self._updates))

    def max_sends_in_window(self, seconds: float = 1.0, chat_id: int | None = None) -> int:
        """Most sendMessage requests received in any ``seconds``-long window.

        Counts every request that reached the API, failed ones included, because that is what
        Telegram's flood control counts.
        """
        times = sorted(
            call.time
            for call in self.calls("sendMessage")
            if chat_id is None or _loose_int(call.params.get("chat_id")) == chat_id
        )
        best = start = 0
        for end, moment in enumerate(times):
            while start <= end and moment - times[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best

    def wait_for(
        self,
        condition: int | Callable[[], object],
        timeout: float = 5.0,
        *,
        method: str = "sendMessage",
        chat_id: int | None = None,
    ) -> list[JSON]:
        """Block until the bot did something, then return the matching calls' params.

        ``condition`` is either a count (at least that many successful ``method`` calls, for
        ``chat_id`` if given) or a zero-argument predicate; a predicate that raises LookupError
        (e.g. ``api.sent_messages()[-1]`` before anything was sent) counts as not yet true.
        Wakes on every recorded call, so it returns as soon as the condition holds. Must not be
        called on the event loop the bot runs on; use ``wait_for_async`` there.
        """
        canonical = self._canonical(method) or method
        deadline = time.monotonic() + timeout
        last_error: LookupError | None = None

        def matching() -> list[JSON]:
            if canonical == "sendMessage":
                return self.sent_messages(chat_id)
            return [
                call.params
                for call in self.calls(canonical)
                if call.ok
                and (chat_id is None or _loose_int(call.params.get("chat_id")) == chat_id)
            ]

        def satisfied() -> bool:
            nonlocal last_error
            if isinstance(condition, int):
                return len(matching()) >= condition
            try:
                return bool(condition())
            except LookupError as error:
                last_error = error
                return False

        with self._cond:
            while not satisfied():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if isinstance(condition, int):
                        wanted = f"{condition} successful {canonical} call(s)" + (
                            f" to chat {chat_id}" if chat_id is not None else ""
                        )
                        got = f"got {len(matching())}"
                    else:
                        wanted = f"predicate {getattr(condition, '__name__', condition)!r}"
                        got = f"last error {last_error!r}" if last_error else "still false"
                    recent = ", ".join(
                        f"{call.method}->{call.status}" for call in self._calls[-10:]
                    )
                    raise AssertionError(
                        f"wait_for timed out after {timeout}s waiting for {wanted}; {got}. "
                        f"Last calls: [{recent}]"
                    )
                # Re-check at least every 50 ms for predicates on state outside the fake.
                self._cond.wait(min(remaining, 0.05))
            return matching()

    async def wait_for_async(
        self,
        condition: int | Callable[[], object],
        timeout: float = 5.0,
        *,
        method: str = "sendMessage",
        chat_id: int | None = None,
    ) -> list[JSON]:
        """``wait_for`` for code running on the bot's event loop (runs it in a worker thread)."""
        return await asyncio.to_thread(
            self.wait_for, condition, timeout, method=method, chat_id=chat_id
        )

    # ---- HTTP layer -----------------------------------------------------------------------

    def _canonical(self, method: str) -> str | None:
        entry = self._handlers.get(method.lower())
        return entry[0] if entry else None

    async def _not_found(self, request: Request) -> JSONResponse:
        return JSONResponse(ApiError(404, "Not Found").body(), status_code=404)

    async def _endpoint(self, request: Request) -> JSONResponse:
        received = time.monotonic()
        token = request.path_params["token"]
        requested = request.path_params["method"]
        entry = self._handlers.get(requested.lower())
        method = entry[0] if entry else requested
        params: JSON = {}
        try:
            params = await _read_params(request)
            with self._cond:
                latency = self._latency
            if latency:
                await asyncio.sleep(latency)
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            if method == "getUpdates":
                result = await self._get_updates(params)
            else:
                with self._cond:
                    self._check_injected(method, params)
                    result = entry[1](params)
            body: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            body, status = error.body(), error.status
        except Exception as error:  # a bug in the fake: answer like Telegram's 500, keep it
            self.internal_errors.append(error)
            body = ApiError(500, f"Internal Server Error: fake failed: {error!r}").body()
            status = 500
        with self._cond:
            self._calls.append(Call(method, params, received, status, copy.deepcopy(body)))
            self._cond.notify_all()
        return JSONResponse(body, status_code=status)

    def _check_injected(self, method: str, params: JSON) -> None:
        queue = self._failures.get(method)
        if queue:
            raise queue.popleft()
        if "chat_id" not in params:
            return
        chat_id = _loose_int(params["chat_id"])
        if not isinstance(chat_id, int):
            return
        if chat_id in self._migrated and not method.startswith("get"):
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if chat_id in self._blocked and method in (
            "sendMessage",
            "editMessageText",
            "sendChatAction",
        ):
            raise ApiError(403, self._blocked[chat_id])

    def _wake_pollers(self) -> None:
        for future in self._pollers:
            if not future.done():
                future.set_result(None)
        self._pollers.clear()

    # ---- method handlers (run on the server thread with the lock held) -------------------

    def _no_sync_handler(self, params: JSON) -> Any:
        raise AssertionError("getUpdates is handled asynchronously")

    def _true(self, params: JSON) -> bool:
        return True

    async def _get_updates(self, params: JSON) -> list[JSON]:
        """Long poll: confirm by offset, answer at once if anything is queued, else wait."""
        loop = asyncio.get_running_loop()
        with self._cond:
            failures = self._failures.get("getUpdates")
            if failures:
                raise failures.popleft()
            if self._webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            offset = int(params.get("offset") or 0)
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list) and allowed:
                self._allowed_updates = frozenset(str(kind) for kind in allowed)
            if offset > 0:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            elif offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
        timeout = float(params.get("timeout") or 0)
        deadline = loop.time() + min(max(timeout, 0.0), self.max_long_poll)
        while True:
            with self._cond:
                batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._stopping:
                return batch
            future: asyncio.Future[None] = loop.create_future()
            self._pollers.add(future)
            await asyncio.wait([future], timeout=remaining)
            self._pollers.discard(future)

    def _deliverable(self, limit: int) -> list[JSON]:
        """Queued updates of allowed types; others are dropped as Telegram never creates them."""
        kept: deque[JSON] = deque()
        for update in self._updates:
            kind = next((key for key in update if key != "update_id"), "")
            if self._allowed_updates is None:
                allowed = kind not in DEFAULT_EXCLUDED_UPDATES
            else:
                allowed = kind in self._allowed_updates
            if allowed:
                kept.append(update)
        self._updates = kept
        return copy.deepcopy(list(itertools.islice(kept, limit)))

    def _get_me(self, params: JSON) -> JSON:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _delete_webhook(self, params: JSON) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSON) -> bool:
        if not params.get("url"):
            return self._delete_webhook(params)
        if not str(params["url"]).startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self._webhook = dict(params)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["url"] = self._webhook["url"]
            for key in ("max_connections", "allowed_updates", "ip_address"):
                if key in self._webhook:
                    info[key] = self._webhook[key]
        return info

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            description = command.get("description", "") if isinstance(command, dict) else ""
            if not _BOT_COMMAND_NAME_RE.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description is empty or too long")
        key = _command_key(params.get("scope"), str(params.get("language_code") or ""))
        self._commands[key] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        key = _command_key(params.get("scope"), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> bool:
        key = _command_key(params.get("scope"), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    def _send_message(self, params: JSON) -> JSON:
        chat_id = self._require_chat_id(params)
        text, entities = self._formatted_text(params)
        message = self._bot_message(chat_id, text, entities=entities)
        markup = _inline_markup(params.get("reply_markup"))
        if markup is not None:
            message["reply_markup"] = markup
        reply_to = _reply_target(params)
        if reply_to is not None and (chat_id, reply_to) in self._messages:
            message["reply_to_message"] = copy.deepcopy(self._messages[(chat_id, reply_to)])
        self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
        return message

    def _edit_message_text(self, params: JSON) -> JSON | bool:
        text, entities = self._formatted_text(params)
        markup = _inline_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        chat_id = self._require_chat_id(params)
        message_id = _loose_int(params.get("message_id"))
        stored = self._messages.get((chat_id, message_id)) if isinstance(message_id, int) else None
        if stored is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if stored.get("from", {}).get("id") != self.bot_id:
            raise ApiError(400, "Bad Request: message can't be edited")
        if (
            stored.get("text") == text
            and stored.get("entities", []) == entities
            and stored.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        stored["text"] = text
        stored["edit_date"] = int(time.time())
        stored.pop("entities", None)
        stored.pop("reply_markup", None)
        if entities:
            stored["entities"] = entities
        if markup is not None:
            stored["reply_markup"] = markup
        return copy.deepcopy(stored)

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _get_chat_member(self, params: JSON) -> JSON:
        chat_id = self._require_chat_id(params)
        user_id = _loose_int(params.get("user_id"))
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: invalid user_id specified")
        status = self._members.get((chat_id, user_id), "member")
        user = self._bot_user() if user_id == self.bot_id else self._user(user_id)
        return self._member_json(status, user)

    def _get_chat(self, params: JSON) -> JSON:
        chat = copy.deepcopy(self._chat(self._require_chat_id(params)))
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    def _delete_message(self, params: JSON) -> bool:
        chat_id = self._require_chat_id(params)
        message_id = _loose_int(params.get("message_id"))
        if (
            not isinstance(message_id, int)
            or self._messages.pop((chat_id, message_id), None) is None
        ):
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _send_chat_action(self, params: JSON) -> bool:
        self._require_chat_id(params)
        if not params.get("action"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # ---- state helpers (call with the lock held) -----------------------------------------

    def _require_chat_id(self, params: JSON) -> int:
        raw = params.get("chat_id")
        value = _loose_int(raw)
        if isinstance(value, int):
            return value
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username") == raw[1:]:
                    return int(chat["id"])
        if raw in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        raise ApiError(400, "Bad Request: chat not found")

    def _formatted_text(self, params: JSON) -> tuple[str, list[JSON]]:
        """Text and entities as Telegram stores them, validating what Telegram validates."""
        raw = params.get("text")
        if not isinstance(raw, str) or not raw.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = str(params.get("parse_mode") or "")
        entities: list[JSON]
        if parse_mode.lower() == "html":
            text, entities = parse_html(raw)
        else:  # Markdown modes are passed through unparsed
            text = raw
            given = params.get("entities")
            entities = given if isinstance(given, list) else []
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    def _allocate_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _bot_message(
        self,
        chat_id: int,
        text: str,
        *,
        entities: list[JSON] | None = None,
        message_id: int | None = None,
    ) -> JSON:
        if message_id is None:
            message_id = self._allocate_message_id(chat_id)
        else:
            self._next_message_id[chat_id] = max(
                self._next_message_id.get(chat_id, 1), message_id + 1
            )
        message: JSON = {
            "message_id": message_id,
            "from": self._bot_user(),
            "chat": copy.deepcopy(self._chat(chat_id)),
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        self._messages[(chat_id, message_id)] = copy.deepcopy(message)
        return message

    def _last_bot_message(self, chat_id: int) -> JSON:
        own = [
            message
            for (chat, _), message in sorted(self._messages.items())
            if chat == chat_id and message.get("from", {}).get("id") == self.bot_id
        ]
        return copy.deepcopy(own[-1] if own else self._bot_message(chat_id, "(bericht)"))

    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _register_user(
        self, user_id: int, first_name: str, username: str | None, language_code: str
    ) -> JSON:
        user = self._users.setdefault(user_id, {"id": user_id, "is_bot": False})
        user["first_name"] = first_name
        user["username"] = username or user.get("username") or f"user{user_id}"
        user["language_code"] = language_code
        return copy.deepcopy(user)

    def _user(self, user_id: int) -> JSON:
        if user_id not in self._users:
            return self._register_user(user_id, "Tester", None, "nl")
        return copy.deepcopy(self._users[user_id])

    def _register_chat(
        self,
        chat_id: int,
        chat_type: str,
        title: str | None = None,
        first_name: str = "Tester",
        username: str | None = None,
    ) -> JSON:
        if chat_type not in ("private", "group", "supergroup", "channel"):
            raise ValueError(f"unknown chat type {chat_type!r}")
        chat = self._chats.get(chat_id)
        if chat is None or chat["type"] != chat_type:
            chat = {"id": chat_id, "type": chat_type}
            self._chats[chat_id] = chat
        if chat_type == "private":
            chat["first_name"] = first_name
            chat["username"] = username or chat.get("username") or f"user{chat_id}"
        else:
            chat["title"] = title or chat.get("title") or f"Testgroep {chat_id}"
        return chat

    def _chat(self, chat_id: int) -> JSON:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                chat = self._register_chat(chat_id, "private")
            elif chat_id <= -1_000_000_000_000:  # -100xxxxxxxxxx: Telegram supergroup ids
                chat = self._register_chat(chat_id, "supergroup")
            else:
                chat = self._register_chat(chat_id, "group")
        return chat

    def _member_json(self, status: str, user: JSON) -> JSON:
        """ChatMember JSON with the fields PTB requires for each status."""
        member: JSON = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    key: True
                    for key in [
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                        "can_pin_messages",
                    ]
                },
                can_be_edited=False,
                is_anonymous=False,
                can_promote_members=False,
            )
        elif status == "restricted":
            member.update(
                {
                    key: False
                    for key in [
                        "can_change_info",
                        "can_invite_users",
                        "can_pin_messages",
                        "can_send_messages",
                        "can_send_polls",
                        "can_send_other_messages",
                        "can_add_web_page_previews",
                        "can_manage_topics",
                        "can_send_audios",
                        "can_send_documents",
                        "can_send_photos",
                        "can_send_videos",
                        "can_send_video_notes",
                        "can_send_voice_notes",
                        "can_edit_tag",
                    ]
                },
                is_member=True,
                until_date=0,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member


# --------------------------------------------------------------------------------------------
# Module helpers
# --------------------------------------------------------------------------------------------


async def _read_params(request: Request) -> JSON:
    """Query string plus JSON or urlencoded body; PTB JSON-encodes non-string form values."""
    params: JSON = {
        key: _decode_form_value(key, value) for key, value in request.query_params.items()
    }
    body = await request.body()
    if not body:
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise ApiError(400, "Bad Request: can't parse JSON object") from error
        if not isinstance(payload, dict):
            raise ApiError(400, "Bad Request: JSON object expected")
        for key, value in payload.items():
            if key in _JSON_FIELDS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
    elif content_type in ("application/x-www-form-urlencoded", ""):
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[key] = _decode_form_value(key, value)
    else:
        raise ApiError(400, f"Bad Request: the fake does not accept {content_type} bodies")
    return params


def _decode_form_value(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _loose_int(value: object) -> object:
    """chat_id/message_id as int when they look like one (JSON clients may send strings)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _command_key(scope: object, language_code: str) -> tuple[str, str]:
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


def _reply_target(params: JSON) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        target = _loose_int(reply.get("message_id"))
    else:
        target = _loose_int(params.get("reply_to_message_id"))
    return target if isinstance(target, int) else None


def _inline_markup(markup: object) -> JSON | None:
    """The inline keyboard Telegram echoes in the Message; reply keyboards are not echoed."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list):
        raise ApiError(400, "Bad Request: can't parse inline keyboard: rows must be an Array")
    for row in rows:
        for button in row if isinstance(row, list) else [row]:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: text is empty"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return copy.deepcopy(markup)


def _text_entities(text: str) -> list[JSON]:
    """bot_command for a leading /command[@bot], mention for each @username."""
    entities: list[JSON] = []
    command_end = 0
    match = _COMMAND_RE.match(text)
    if match:
        command_end = match.end()
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))})
    for mention in _MENTION_RE.finditer(text, command_end):
        entities.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: mention.start()]),
                "length": utf16_len(mention.group(0)),
            }
        )
    return entities


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotAPI]:
    """A started FakeBotAPI per test; import it or list this module in ``pytest_plugins``."""
    with FakeBotAPI() as api:
        yield api
