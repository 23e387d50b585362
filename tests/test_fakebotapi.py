"""The fake Bot API against the real python-telegram-bot client.

These tests pin down that PTB (request encoding, error mapping, update parsing) accepts what the
fake answers, so bot tests built on it fail for the bot's reasons, not the fake's. pytest-asyncio
is not installed: each test drives PTB with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, MessageEntityType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.fakebotapi import FakeBotAPI, parse_html
from tests.fakebotapi import fake_bot_api as fake_bot_api  # the exported fixture, used below

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeBotAPI]:
    """One server for the module; ``api`` resets it, which keeps the suite fast."""
    with FakeBotAPI() as api:
        yield api


@pytest.fixture
def api(server: FakeBotAPI) -> FakeBotAPI:
    server.reset()
    return server


def make_bot(api: FakeBotAPI) -> Bot:
    return Bot(api.token, base_url=api.base_url)


def test_get_me_returns_the_bot(api: FakeBotAPI) -> None:
    async def scenario() -> None:
        async with make_bot(api) as bot:  # initialize() calls getMe
            assert bot.username == "gemeente_test_bot"
            me = await bot.get_me()
            assert (me.id, me.is_bot, me.can_join_groups) == (api.bot_id, True, True)

    run(scenario())
    assert [call.method for call in api.calls()] == ["getMe", "getMe"]


def test_send_message_round_trip_with_html_and_inline_keyboard(api: FakeBotAPI) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Details", callback_data="ob:42")]])

    async def scenario() -> None:
        async with make_bot(api) as bot:
            first = await bot.send_message(
                42,
                "<b>Woo</b> 😀 &amp; <i>meer</i>",
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            second = await bot.send_message(42, "tweede")
            other = await bot.send_message(-1001, "groep")
            assert first.text == "Woo 😀 & meer"
            assert [(e.type, e.offset, e.length) for e in first.entities] == [
                (MessageEntityType.BOLD, 0, 3),
                (MessageEntityType.ITALIC, 9, 4),  # the emoji counts two UTF-16 units
            ]
            assert first.reply_markup == keyboard
            assert first.from_user is not None and first.from_user.id == api.bot_id
            assert first.chat.type == ChatType.PRIVATE
            assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
            assert other.chat.type == ChatType.GROUP

    run(scenario())
    sent = api.sent_messages(42)
    assert [m["message_id"] for m in sent] == [1, 2]
    assert sent[0]["text"] == "<b>Woo</b> 😀 &amp; <i>meer</i>"  # what the bot sent, verbatim
    assert sent[0]["parse_mode"] == "HTML"
    assert sent[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Details", "callback_data": "ob:42"}]]
    }
    assert len(api.sent_messages()) == 3


@pytest.mark.parametrize(
    ("text", "markup", "expected"),
    [
        ("regel<br>regel", None, 'can\'t parse entities: Unsupported start tag "br"'),
        ("<b>open", None, "can't parse entities: Can't find end tag"),
        ("x" * 4097, None, "message is too long"),
        (
            "kies",
            InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 65)]]),
            "BUTTON_DATA_INVALID",
        ),
    ],
)
def test_mistakes_telegram_rejects_raise_bad_request(
    api: FakeBotAPI, text: str, markup: InlineKeyboardMarkup | None, expected: str
) -> None:
    async def scenario() -> None:
        async with make_bot(api) as bot:
            with pytest.raises(BadRequest, match=r"(?i)" + expected):
                await bot.send_message(42, text, parse_mode=ParseMode.HTML, reply_markup=markup)

    run(scenario())
    assert api.sent_messages() == []
    assert api.calls("sendMessage")[0].status == 400


def test_parse_html_offsets_and_pre_language() -> None:
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre> 𝄞<u>u</u>')
    assert text == "x = 1 𝄞u"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "underline", "offset": 8, "length": 1},
    ]


def test_get_updates_returns_pushed_messages_parsed_by_ptb(api: FakeBotAPI) -> None:
    api.message(42, "/start@gemeente_test_bot welkom")
    api.message(
        -1001, "Vraag aan @gemeente_test_bot", chat_type="group", chat_title="Raad", user_id=7
    )

    async def scenario() -> None:
        async with make_bot(api) as bot:
            updates = await bot.get_updates(timeout=5)
            assert len(updates) == 2
            private, group = (update.message for update in updates)
            assert private is not None and group is not None
            assert private.text == "/start@gemeente_test_bot welkom"
            assert private.chat.type == ChatType.PRIVATE
            assert private.from_user is not None and private.from_user.id == 42
            assert private.entities[0].type == MessageEntityType.BOT_COMMAND
            assert private.entities[0].length == len("/start@gemeente_test_bot")
            assert (group.chat.type, group.chat.title) == (ChatType.GROUP, "Raad")
            mention = group.entities[0]
            assert mention.type == MessageEntityType.MENTION
            assert group.parse_entity(mention) == "@gemeente_test_bot"
            # Not confirmed yet: asking again returns the same updates.
            assert len(await bot.get_updates(timeout=0)) == 2
            # offset = last update_id + 1 confirms them.
            assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()

    run(scenario())
    assert api.pending_updates() == []


def test_long_poll_holds_an_empty_answer_for_about_a_second(api: FakeBotAPI) -> None:
    async def scenario() -> float:
        async with make_bot(api) as bot:
            started = time.monotonic()
            assert await bot.get_updates(timeout=30) == ()
            return time.monotonic() - started

    assert 0.9 <= run(scenario()) < 1.2


def test_long_poll_returns_as_soon_as_an_update_is_pushed(api: FakeBotAPI) -> None:
    async def scenario() -> tuple[float, tuple[Update, ...]]:
        async with make_bot(api) as bot:
            asyncio.get_running_loop().call_later(0.1, api.message, 42, "hallo")
            started = time.monotonic()
            updates = await bot.get_updates(timeout=30)
            return time.monotonic() - started, updates

    elapsed, updates = run(scenario())
    assert elapsed < 0.6
    assert updates[0].message is not None and updates[0].message.text == "hallo"


def test_429_raises_retry_after_with_the_given_delay(
    api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # opt in to PTB's timedelta retry_after
    api.fail_next("sendMessage", 429, retry_after=3)

    async def scenario() -> None:
        async with make_bot(api) as bot:
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(42, "te snel")
            assert raised.value.retry_after == dtm.timedelta(seconds=3)
            await bot.send_message(42, "nu wel")  # only the next call failed

    run(scenario())
    failed = api.calls("sendMessage")[0]
    assert failed.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert [m["text"] for m in api.sent_messages()] == ["nu wel"]


def test_403_raises_forbidden_and_blocked_chats_stay_blocked(api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 403)
    api.block_chat(43)
    api.my_chat_member(44, "kicked")  # the user blocked the bot

    async def scenario() -> None:
        async with make_bot(api) as bot:
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(42, "eerste")
            await bot.send_message(42, "tweede")
            for chat_id in (43, 43, 44):
                with pytest.raises(Forbidden, match="bot was blocked by the user"):
                    await bot.send_message(chat_id, "weg")
            api.unblock_chat(43)
            await bot.send_message(43, "terug")

    run(scenario())
    assert [(m["chat_id"], m["text"]) for m in api.sent_messages()] == [
        (42, "tweede"),
        (43, "terug"),
    ]


def test_500_raises_network_error_not_bad_request(api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 500, count=2)

    async def scenario() -> None:
        async with make_bot(api) as bot:
            for _ in range(2):
                with pytest.raises(NetworkError, match="Internal Server Error") as raised:
                    await bot.send_message(42, "x")
                assert not isinstance(raised.value, BadRequest)
            await bot.send_message(42, "x")

    run(scenario())
    assert [call.status for call in api.calls("sendMessage")] == [500, 500, 200]


def test_get_chat_member_is_parsed_per_role(api: FakeBotAPI) -> None:
    api.set_member_status(-1001, 7, "administrator")
    api.set_member_status(-1001, 8, "creator")

    async def scenario() -> None:
        async with make_bot(api) as bot:
            admin = await bot.get_chat_member(-1001, 7)
            owner = await bot.get_chat_member(-1001, 8)
            member = await bot.get_chat_member(-1001, 9)
            assert isinstance(admin, ChatMemberAdministrator) and admin.user.id == 7
            assert isinstance(owner, ChatMemberOwner)
            assert isinstance(member, ChatMemberMember)
            chat = await bot.get_chat(-1001)
            assert chat.type == ChatType.GROUP

    run(scenario())


def test_group_migration_message_and_chat_migrated_error(api: FakeBotAPI) -> None:
    api.message(-1001, "hoi", chat_type="group", chat_title="Raad")
    api.migrate(-1001, -1001234567890)

    async def scenario() -> None:
        async with make_bot(api) as bot:
            updates = await bot.get_updates(timeout=0)
            message = updates[-1].message
            assert message is not None
            assert message.migrate_to_chat_id == -1001234567890
            with pytest.raises(ChatMigrated) as raised:
                await bot.send_message(-1001, "oud")
            assert raised.value.new_chat_id == -1001234567890
            moved = await bot.send_message(-1001234567890, "nieuw")
            assert (moved.chat.type, moved.chat.title) == (ChatType.SUPERGROUP, "Raad")

    run(scenario())


def test_wrong_token_and_unknown_method(api: FakeBotAPI) -> None:
    async def scenario() -> None:
        with pytest.raises(InvalidToken):
            async with Bot("999:WRONG", base_url=api.base_url):
                pass
        async with make_bot(api) as bot:
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("sendPigeon")

    run(scenario())
    assert [(call.method, call.status) for call in api.calls()] == [
        ("getMe", 401),
        ("getMe", 200),
        ("sendPigeon", 404),
    ]


def test_raw_http_accepts_json_form_and_get(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{api.token}"
    with httpx.Client() as client:
        assert client.get(f"{url}/getme").json()["result"]["username"] == "gemeente_test_bot"
        sent = client.post(
            f"{url}/sendMessage",
            json={"chat_id": "42", "text": "123", "reply_markup": '{"inline_keyboard": []}'},
        )
        assert sent.json()["result"]["text"] == "123"
        form = client.post(f"{url}/sendMessage", data={"chat_id": "42", "text": "456"})
        assert form.json()["result"]["message_id"] == 2
        missing = client.post(f"{url}/nope")
        assert (missing.status_code, missing.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        wrong = client.get(f"{api.base_url}1:X/getMe")
        assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    assert [m["text"] for m in api.sent_messages(42)] == ["123", "456"]


def test_callback_query_answer_and_edits(api: FakeBotAPI) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Meer", callback_data="more")]])

    async def scenario() -> None:
        async with make_bot(api) as bot:
            sent = await bot.send_message(42, "Deadlines", reply_markup=keyboard)
            api.callback_query(42, 42, "more", sent.message_id)
            (update,) = await bot.get_updates(timeout=0)
            query = update.callback_query
            assert query is not None and query.data == "more"
            assert query.message is not None and query.message.message_id == sent.message_id
            assert await query.answer("Even geduld")
            edited = await bot.edit_message_text("Deadlines (alle)", 42, sent.message_id)
            assert isinstance(edited, type(sent)) and edited.text == "Deadlines (alle)"
            assert edited.edit_date is not None
            with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
                await bot.edit_message_text("Deadlines (alle)", 42, sent.message_id)
            assert await bot.delete_message(42, sent.message_id)
            with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
                await bot.edit_message_text("weg", 42, sent.message_id)
            assert await bot.send_chat_action(42, "typing")
            reply = await bot.send_message(42, "Welke gemeente?")
            api.message(42, "Utrecht", reply_to_bot=True)
            (answer,) = await bot.get_updates(offset=update.update_id + 1, timeout=0)
            assert answer.message is not None and answer.message.reply_to_message is not None
            assert answer.message.reply_to_message.message_id == reply.message_id

    run(scenario())
    assert [e["text"] for e in api.edits()] == ["Deadlines (alle)"]
    assert api.calls("answerCallbackQuery")[0].params["text"] == "Even geduld"


def test_commands_per_scope_and_webhook_conflict(api: FakeBotAPI) -> None:
    async def scenario() -> None:
        async with make_bot(api) as bot:
            await bot.set_my_commands([BotCommand("deadlines", "Wat moet er deze maand")])
            await bot.set_my_commands(
                [BotCommand("abonneer", "Herinneringen voor deze groep")],
                scope=BotCommandScopeAllGroupChats(),
                language_code="nl",
            )
            assert [c.command for c in await bot.get_my_commands()] == ["deadlines"]
            with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
                await bot.set_my_commands([BotCommand("Deadlines", "hoofdletter")])
            await bot.set_webhook("https://example.org/hook")
            assert (await bot.get_webhook_info()).url == "https://example.org/hook"
            with pytest.raises(Conflict):
                await bot.get_updates(timeout=0)
            await bot.delete_webhook()
            assert await bot.get_updates(timeout=0) == ()

    run(scenario())
    assert api.commands({"type": "all_group_chats"}, "nl") == [
        {"command": "abonneer", "description": "Herinneringen voor deze groep"}
    ]
    assert api.webhook is None


def test_application_polling_end_to_end(fake_bot_api: FakeBotAPI) -> None:
    api = fake_bot_api

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Welkom, {update.effective_user.first_name}")  # type: ignore[union-attr]

    async def scenario() -> list[dict[str, Any]]:
        application = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        application.add_handler(CommandHandler("start", start))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0)
            api.message(42, "/start", first_name="Fenna")
            api.message(-1001, "/start@gemeente_test_bot", chat_type="group")
            api.message(-1001, "/start@andere_bot", chat_type="group")  # not for us
            sent = await api.wait_for_async(2)
            await application.updater.stop()
            await application.stop()
        return sent

    sent = run(scenario())
    assert {(m["chat_id"], m["text"]) for m in sent} == {
        (42, "Welkom, Fenna"),
        (-1001, "Welkom, Tester"),
    }
    assert api.pending_updates() == []  # the updater confirmed everything on stop
    assert api.calls("deleteWebhook")  # polling bootstrap removes any webhook
    assert api.max_sends_in_window(1.0) == 2
    assert api.max_sends_in_window(1.0, chat_id=42) == 1


def test_wait_for_fails_fast_with_a_clear_message(api: FakeBotAPI) -> None:
    started = time.monotonic()
    with pytest.raises(
        AssertionError, match=r"waiting for 1 successful sendMessage call\(s\) to chat 42; got 0"
    ):
        api.wait_for(1, timeout=0.2, chat_id=42)
    with pytest.raises(AssertionError, match="last error IndexError"):
        api.wait_for(lambda: api.sent_messages()[-1]["text"] == "x", timeout=0.1)
    assert time.monotonic() - started < 1.0


def test_latency_and_rate_window(api: FakeBotAPI) -> None:
    async def scenario() -> float:
        async with make_bot(api) as bot:
            await asyncio.gather(*(bot.send_message(42 + i % 2, f"m{i}") for i in range(6)))
            api.set_latency(0.3)
            started = time.monotonic()
            await bot.get_me()
            return time.monotonic() - started

    assert run(scenario()) >= 0.3
    assert api.max_sends_in_window(1.0) == 6
    assert api.max_sends_in_window(1.0, chat_id=43) == 3
    assert api.max_sends_in_window(0.0) == 0
