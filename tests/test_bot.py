"""The bot end to end: real python-telegram-bot against the fake Bot API over HTTP,
our handlers, a real database and the shipped catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from obligations.app import App
from obligations.store import ALL_TOPICS
from obligations.teams import get_chat, subscriptions
from tests.botharness import running_bot
from tests.conftest import synced_app
from tests.fakebotapi import FakeBotAPI

NOW = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)
GROUP = -100200
ADMIN, MEMBER = 501, 502


@pytest.fixture
def core(tmp_path: Path) -> App:
    return synced_app(f"sqlite:///{tmp_path / 'bot.sqlite3'}", NOW)


@pytest.fixture
def api(core: App) -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        fake.set_chat(GROUP, "supergroup", "Team Wonen")
        fake.set_member_status(GROUP, ADMIN, "administrator")
        fake.set_member_status(GROUP, MEMBER, "member")
        with running_bot(core, fake):
            yield fake


def is_inactive(core: App, chat_id: int) -> bool:
    chat = get_chat(core.engine, chat_id)
    return chat is not None and not chat.active


def reply_to(api: FakeBotAPI, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    """Send `text` as a user and return the bot's next message in that chat."""
    before = len(api.sent_messages(chat_id))
    api.message(chat_id, text, **kwargs)
    return api.wait_for(before + 1, chat_id=chat_id)[-1]


def test_commands_are_registered_in_dutch(api: FakeBotAPI) -> None:
    commands = {c["command"]: c["description"] for c in api.commands()}
    assert {"wat", "zoek", "abonneer", "vooraf", "feed", "help"} <= set(commands)
    assert "periode" in commands["wat"]


def test_start_and_help(api: FakeBotAPI) -> None:
    welcome = reply_to(api, 42, "/start")
    assert "/abonneer" in welcome["text"] and welcome["parse_mode"] == "HTML"
    assert "/vooraf" in reply_to(api, 42, "/help")["text"]


def test_due_quarter_lists_named_cases_with_paging(api: FakeBotAPI) -> None:
    first = reply_to(api, 42, "/wat Q1 2022")
    assert "1e kwartaal 2022" in first["text"] and "pagina 1 van" in first["text"]
    assert "1 januari 2022 · Gemeenten kunnen opkoopbescherming invoeren" in first["text"]
    keyboard = first["reply_markup"]["inline_keyboard"]
    nav = keyboard[-1]
    assert [b["text"] for b in nav] == ["Volgende ▶"]
    seen = first["text"]
    data = nav[0]["callback_data"]
    api.clear_calls()
    while data:
        api.callback_query(42, 42, data, first["message_id"])
        edit = api.wait_for(1, method="editMessageText")[-1]
        seen += edit["text"]
        nav = edit["reply_markup"]["inline_keyboard"][-1]
        data = next((b["callback_data"] for b in nav if b["text"].startswith("Volgende")), "")
        api.clear_calls()
    for title in (
        "Gemeenteraadsverkiezingen 2022",
        "STAP-budget",
        "Wet inburgering",
        "Wet open overheid treedt in werking",
    ):
        assert title in seen
    assert "eerste helft 2022 (verwacht) · Wet open overheid" in seen


def test_details_button_shows_source_quote(api: FakeBotAPI) -> None:
    answer = reply_to(api, 42, "/zoek gemeenteraadsverkiezingen")
    first_button = answer["reply_markup"]["inline_keyboard"][0][0]
    assert first_button["text"] == "1"
    before = len(api.sent_messages(42))
    api.callback_query(42, 42, first_button["callback_data"], answer["message_id"])
    details = api.wait_for(before + 1, chat_id=42)[-1]["text"]
    assert "<b>Gemeenteraadsverkiezingen 2022</b>" in details
    assert (
        "<blockquote>Het kabinet treft voorbereidingen voor de gemeenteraadsverkiezingen op 16 maart 2022.</blockquote>"
        in details
    )
    assert "https://verplichtingen.example/obligations/gemeenteraadsverkiezingen-2022" in details


def test_show_next_topics(api: FakeBotAPI) -> None:
    shown = reply_to(api, 42, "/show woo-inwerkingtreding")["text"]
    assert "Wanneer: eerste helft 2022 (verwacht)" in shown
    assert "Onbekend id" in reply_to(api, 42, "/show bestaat-niet")["text"]
    upcoming = reply_to(api, 42, "/next 3")["text"]
    assert upcoming.count("\n1. ") + upcoming.count("\n2. ") + upcoming.count("\n3. ") == 3
    assert "<code>wonen</code>" in reply_to(api, 42, "/topics")["text"]


def test_plain_questions_in_private(api: FakeBotAPI) -> None:
    answer = reply_to(api, 42, "wanneer zijn de gemeenteraadsverkiezingen?")["text"]
    assert "1. 16 maart 2022 · Gemeenteraadsverkiezingen 2022" in answer
    english = reply_to(api, 42, "what's due next month?")["text"]
    assert "februari 2022" in english
    refused = reply_to(api, 42, "Q5 2022")["text"]
    assert "vier kwartalen" in refused and "Probeer bijvoorbeeld" in refused


def test_html_in_questions_comes_back_escaped(api: FakeBotAPI) -> None:
    answer = reply_to(api, 42, "<b>blabla</b> & co")["text"]
    assert "'blabla co'" in answer and "<b>blabla" not in answer  # tags never pass through
    search = reply_to(api, 42, "/zoek <i>x</i> & y")["text"]
    assert "&lt;i&gt;x&lt;/i&gt; &amp; y" in search


def test_group_answers_only_when_addressed(api: FakeBotAPI) -> None:
    api.message(GROUP, "wat moet er dit kwartaal?", user_id=MEMBER)
    mentioned = reply_to(api, GROUP, "@gemeente_test_bot wat moet er dit kwartaal?", user_id=MEMBER)
    assert "1e kwartaal 2022" in mentioned["text"]
    assert len(api.sent_messages(GROUP)) == 1  # the unaddressed question got no answer
    replied = reply_to(api, GROUP, "en volgende maand?", user_id=MEMBER, reply_to_bot=True)
    assert "februari 2022" in replied["text"]
    command = reply_to(api, GROUP, "/wat@gemeente_test_bot maart 2022", user_id=MEMBER)
    assert "maart 2022" in command["text"]


def test_only_group_admins_change_settings(api: FakeBotAPI, core: App) -> None:
    refused = reply_to(api, GROUP, "/abonneer wonen", user_id=MEMBER)
    assert "Alleen beheerders" in refused["text"]
    assert subscriptions(core.engine, GROUP) == []
    accepted = reply_to(api, GROUP, "/abonneer wonen verkiezingen", user_id=ADMIN)
    assert "Wonen" in accepted["text"] and "Verkiezingen" in accepted["text"]
    assert subscriptions(core.engine, GROUP) == ["verkiezingen", "wonen"]
    assert "Alleen beheerders" in reply_to(api, GROUP, "/vooraf 3", user_id=MEMBER)["text"]
    assert "Alleen beheerders" in reply_to(api, GROUP, "/feed", user_id=MEMBER)["text"]
    assert "Alleen beheerders" in reply_to(api, GROUP, "/unsubscribe alles", user_id=MEMBER)["text"]
    assert subscriptions(core.engine, GROUP) == ["verkiezingen", "wonen"]
    reply_to(api, GROUP, "/unsubscribe wonen", user_id=ADMIN)
    assert subscriptions(core.engine, GROUP) == ["verkiezingen"]


def test_topic_toggle_buttons(api: FakeBotAPI, core: App) -> None:
    menu = reply_to(api, 42, "/abonneer")
    buttons = [b for row in menu["reply_markup"]["inline_keyboard"] for b in row]
    wonen = next(b for b in buttons if b["text"] == "Wonen")
    api.callback_query(42, 42, wonen["callback_data"], menu["message_id"])
    edit = api.wait_for(1, method="editMessageText")[-1]
    assert "✅ Wonen" in [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row]
    assert subscriptions(core.engine, 42) == ["wonen"]


def test_member_cannot_toggle_in_group(api: FakeBotAPI, core: App) -> None:
    menu = reply_to(api, GROUP, "/abonneer", user_id=MEMBER)
    button = menu["reply_markup"]["inline_keyboard"][0][0]
    api.callback_query(GROUP, MEMBER, button["callback_data"], menu["message_id"])
    answered = api.wait_for(1, method="answerCallbackQuery")[-1]
    assert "Alleen beheerders" in answered["text"]
    assert subscriptions(core.engine, GROUP) == []


def test_leadtimes_and_validation(api: FakeBotAPI, core: App) -> None:
    assert "30, 7, 1, 0" in reply_to(api, 42, "/vooraf")["text"]
    assert "14, 3" in reply_to(api, 42, "/vooraf 3 14")["text"]
    chat = get_chat(core.engine, 42)
    assert chat is not None and chat.lead_days == [14, 3]
    assert "geen aantal dagen" in reply_to(api, 42, "/vooraf morgen")["text"]
    assert "geen aantal dagen" in reply_to(api, 42, "/vooraf 400")["text"]


def test_feed_link_works_and_reset_revokes(api: FakeBotAPI, core: App) -> None:
    reply_to(api, 42, "/abonneer wonen")
    text = reply_to(api, 42, "/feed")["text"]
    url = re.search(r"https://verplichtingen\.example/feeds/([A-Za-z0-9_-]{43})\.ics", text)
    assert url is not None and "webcal://" in text
    assert "al een agendalink" in reply_to(api, 42, "/feed")["text"]
    renewed = reply_to(api, 42, "/feed reset")["text"]
    assert url.group(1) not in renewed
    from obligations.teams import chat_for_feed_token

    assert chat_for_feed_token(core.engine, url.group(1)) is None


def test_deep_link_subscribes(api: FakeBotAPI, core: App) -> None:
    reply_to(api, 77, "/start topic_wonen")
    assert subscriptions(core.engine, 77) == ["wonen"]
    reply_to(api, 78, "/abonneer alles")
    assert subscriptions(core.engine, 78) == [ALL_TOPICS]


def test_unknown_command_gets_a_hint_and_other_bots_are_ignored(api: FakeBotAPI) -> None:
    assert "/help" in reply_to(api, 42, "/bestaatniet")["text"]
    api.message(GROUP, "/stats@anderebot", user_id=MEMBER)
    mentioned = reply_to(api, GROUP, "/help@gemeente_test_bot", user_id=MEMBER)
    assert "beheerders" in mentioned["text"]
    assert len(api.sent_messages(GROUP)) == 1


def test_removed_or_blocked_chats_become_inactive(api: FakeBotAPI, core: App) -> None:
    reply_to(api, GROUP, "/abonneer wonen", user_id=ADMIN)
    api.my_chat_member(GROUP, "kicked", chat_type="supergroup")
    api.wait_for(lambda: is_inactive(core, GROUP))
    reply_to(api, 43, "/start")
    api.block_chat(43)
    api.message(43, "/help")
    api.wait_for(lambda: is_inactive(core, 43))


def test_group_migration_keeps_settings(api: FakeBotAPI, core: App) -> None:
    old = -300
    api.set_chat(old, "group", "Oude groep")
    api.set_member_status(old, ADMIN, "administrator")
    reply_to(api, old, "/abonneer verkiezingen", user_id=ADMIN)
    api.migrate(old, -1000300)
    api.wait_for(lambda: get_chat(core.engine, -1000300) is not None)
    assert subscriptions(core.engine, -1000300) == ["verkiezingen"]
    assert get_chat(core.engine, old) is None


def test_flood_answers_in_order_and_survives_429(api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    for number in range(1, 6):
        api.message(
            42, f"/show {'woo-inwerkingtreding' if number % 2 else 'stap-budget-aanvragen'}"
        )
    sent = api.wait_for(5, chat_id=42, timeout=15)
    titles = ["Wet open overheid" in m["text"] for m in sent]
    assert titles == [True, False, True, False, True]
