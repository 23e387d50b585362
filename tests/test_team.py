"""Team workflow through the fake Bot API: status, owners, own deadlines, isolation,
history, and reminders that stop and resume."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import icalendar
import pytest
from sqlalchemy import text

from obligations.app import App
from obligations.teams import new_feed_token
from obligations.web import create_web_app
from obligations.workflow import own_deadlines, states
from tests.botharness import running_bot
from tests.conftest import process_env, synced_app
from tests.fakebotapi import FakeBotAPI
from tests.liveserver import running
from tests.test_bot import reply_to

# Friday 31 December 2021, 08:00 in Amsterdam: reminders for 1 January are due at 09:00.
NOW = datetime(2021, 12, 31, 7, 0, tzinfo=UTC)
TEAM_A, TEAM_B = -100300, -100400
ADMIN, MEMBER = 601, 602


@pytest.fixture
def core(tmp_path: Path) -> App:
    return synced_app(f"sqlite:///{tmp_path / 'team.sqlite3'}", NOW)


@pytest.fixture
def api(core: App) -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        for team, title in ((TEAM_A, "Team Wonen"), (TEAM_B, "Team Financiën")):
            fake.set_chat(team, "supergroup", title)
            fake.set_member_status(team, ADMIN, "administrator")
            fake.set_member_status(team, MEMBER, "member")
        with running_bot(core, fake):
            yield fake


def reminder_states(core: App, chat_id: int, obligation_id: str) -> set[str]:
    with core.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT state FROM reminder WHERE chat_id = :chat AND obligation_id = :id"),
            {"chat": chat_id, "id": obligation_id},
        )
        return {row[0] for row in rows}


def test_status_by_admins_only_and_reminders_stop_and_resume(api: FakeBotAPI, core: App) -> None:
    reply_to(api, TEAM_A, "/abonneer wonen", user_id=ADMIN)
    assert reminder_states(core, TEAM_A, "opkoopbescherming-invoeren") == {"planned"}
    refused = reply_to(api, TEAM_A, "/done opkoopbescherming-invoeren", user_id=MEMBER)
    assert "Alleen beheerders" in refused["text"]
    done = reply_to(api, TEAM_A, "/done opkoopbescherming-invoeren", user_id=ADMIN)
    assert "Afgerond" in done["text"] and "gestopt" in done["text"]
    assert reminder_states(core, TEAM_A, "opkoopbescherming-invoeren") == {"cancelled"}
    reply_to(api, TEAM_A, "/reopen opkoopbescherming-invoeren", user_id=ADMIN)
    assert reminder_states(core, TEAM_A, "opkoopbescherming-invoeren") == {"planned"}
    reply_to(api, TEAM_A, "/settings everyone-can-update on", user_id=ADMIN)
    busy = reply_to(api, TEAM_A, "/busy opkoopbescherming-invoeren", user_id=MEMBER)
    assert "Bezig" in busy["text"]
    assert states(core.engine, TEAM_A)["opkoopbescherming-invoeren"].status == "bezig"


def test_owner_mine_status_and_history(api: FakeBotAPI, core: App) -> None:
    reply_to(api, TEAM_A, "/abonneer wonen", user_id=ADMIN)
    owned = reply_to(api, TEAM_A, "/owner opkoopbescherming-invoeren @piet", user_id=ADMIN)
    assert "@piet is eigenaar" in owned["text"]
    overview = reply_to(api, TEAM_A, "/status Q1 2022", user_id=MEMBER)["text"]
    assert "Gemeenten kunnen opkoopbescherming invoeren — open, @piet" in overview
    api.message(TEAM_A, "/mine", user_id=ADMIN, username="piet")
    mine = api.wait_for(lambda: "Van @piet" in api.sent_messages(TEAM_A)[-1]["text"])
    assert mine
    reply_to(api, TEAM_A, "/done opkoopbescherming-invoeren", user_id=ADMIN)
    after = reply_to(api, TEAM_A, "/status Q1 2022", user_id=MEMBER)["text"]
    assert "opkoopbescherming invoeren" not in after
    shown = reply_to(api, TEAM_A, "/show opkoopbescherming-invoeren", user_id=MEMBER)["text"]
    assert "Dit team: afgerond, eigenaar @piet" in shown
    assert "status open → afgerond" in shown and "eigenaar - → @piet" in shown


def test_own_deadline_linked_and_private_to_the_team(api: FakeBotAPI, core: App) -> None:
    reply_to(api, TEAM_B, "/abonneer alles", user_id=ADMIN)  # B follows everything there is
    added = reply_to(
        api,
        TEAM_A,
        "/add 15 december 2022 Verordening in de raad bij opkoopbescherming",
        user_id=ADMIN,
    )["text"]
    assert "<code>eigen-1</code>" in added and "15 december 2022" in added
    assert "Hoort bij: Gemeenten kunnen opkoopbescherming invoeren" in added
    deadline = own_deadlines(core.engine, TEAM_A)[0]
    assert deadline.linked_obligation_id == "opkoopbescherming-invoeren"
    assert "Verordening in de raad" in reply_to(api, TEAM_A, "/status 2022", user_id=MEMBER)["text"]
    # Team B sees nothing of it and cannot touch it.
    assert "Verordening" not in reply_to(api, TEAM_B, "/status 2022", user_id=MEMBER)["text"]
    assert "Onbekend id" in reply_to(api, TEAM_B, "/done eigen-1", user_id=ADMIN)["text"]
    assert "geen eigen deadline" in reply_to(api, TEAM_B, "/remove eigen-1", user_id=ADMIN)["text"]
    assert own_deadlines(core.engine, TEAM_A)
    # ... nor in its calendar, while team A's calendar has it.
    token_a = new_feed_token(core.engine, TEAM_A, NOW)
    token_b = new_feed_token(core.engine, TEAM_B, NOW)
    with running(create_web_app(core)) as url:
        feed_a = icalendar.Calendar.from_ical(httpx.get(f"{url}/feeds/{token_a}.ics").content)
        feed_b = httpx.get(f"{url}/feeds/{token_b}.ics").text
    summaries = [str(event["SUMMARY"]) for event in feed_a.walk("VEVENT")]
    assert "Verordening in de raad" in summaries
    assert "Verordening" not in feed_b
    edited = reply_to(api, TEAM_A, "/edit eigen-1 20 december 2022", user_id=ADMIN)["text"]
    assert "20 december 2022" in edited
    reply_to(api, TEAM_A, "/remove eigen-1", user_id=ADMIN)
    assert own_deadlines(core.engine, TEAM_A) == []


def test_ambiguous_date_is_confirmed_by_button(api: FakeBotAPI, core: App) -> None:
    question = reply_to(api, TEAM_A, "/add 3-4-2022 Raadsvoorstel Woo", user_id=ADMIN)
    options = question["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in options] == ["3 april 2022", "4 maart 2022", "Annuleren"]
    assert own_deadlines(core.engine, TEAM_A) == []
    before = len(api.sent_messages(TEAM_A))
    api.callback_query(TEAM_A, ADMIN, options[1]["callback_data"], question["message_id"])
    saved = api.wait_for(before + 1, chat_id=TEAM_A)[-1]["text"]
    assert "4 maart 2022" in saved
    assert own_deadlines(core.engine, TEAM_A)[0].span.start.isoformat() == "2022-03-04"


def test_done_button_under_details(api: FakeBotAPI, core: App) -> None:
    details = reply_to(api, TEAM_A, "/show woo-inwerkingtreding", user_id=ADMIN)
    button = details["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Afgerond"
    before = len(api.sent_messages(TEAM_A))
    api.callback_query(TEAM_A, MEMBER, button["callback_data"], details["message_id"])
    refused = api.wait_for(1, method="answerCallbackQuery")[-1]
    assert "Alleen beheerders" in refused["text"]
    api.callback_query(TEAM_A, ADMIN, button["callback_data"], details["message_id"])
    api.wait_for(before + 1, chat_id=TEAM_A)
    assert states(core.engine, TEAM_A)["woo-inwerkingtreding"].status == "afgerond"


def test_export_team_holds_the_history(api: FakeBotAPI, core: App) -> None:
    reply_to(api, TEAM_A, "/done woo-inwerkingtreding", user_id=ADMIN)
    reply_to(api, TEAM_A, "/add 15 december 2022 Raadsbesluit", user_id=ADMIN)
    env = process_env()
    env["OBLIGATIONS_DATABASE_URL"] = core.settings.database_url
    result = subprocess.run(
        [sys.executable, "-m", "obligations.cli", "export-team", str(TEAM_A)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    data = json.loads(result.stdout)
    actions = [(event["action"], event["subject"]) for event in data["history"]]
    assert ("status", "woo-inwerkingtreding") in actions
    assert ("toegevoegd", f"eigen{TEAM_A}-1") in actions
    assert data["statuses"][0]["status"] == "afgerond"
    csv_text = subprocess.run(
        [sys.executable, "-m", "obligations.cli", "export-team", str(TEAM_A), "--format", "csv"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert csv_text.splitlines()[0] == "tijdstip,onderwerp,actie,details,door"


def test_later_button_snoozes_one_reminder(api: FakeBotAPI, core: App) -> None:
    from obligations.reminders import snooze_callback

    reply_to(api, TEAM_A, "/abonneer wonen", user_id=ADMIN)
    occurrence = datetime(2022, 1, 1).date()
    later = snooze_callback("opkoopbescherming-invoeren", occurrence)
    before = len(api.sent_messages(TEAM_A))
    api.callback_query(TEAM_A, ADMIN, later, 1)
    offer = api.wait_for(before + 1, chat_id=TEAM_A)[-1]
    choices = offer["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in choices] == ["1 dag", "1 week"]
    api.callback_query(TEAM_A, ADMIN, choices[1]["callback_data"], offer["message_id"])
    api.wait_for(1, method="editMessageText")
    with core.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT due_at, lead_days FROM reminder WHERE chat_id = :chat AND state = 'planned' "
                "AND obligation_id = 'opkoopbescherming-invoeren' AND lead_days < 0"
            ),
            {"chat": TEAM_A},
        ).all()
    assert len(rows) == 1  # one extra reminder, a week from now; the series is untouched
    assert reminder_states(core, TEAM_A, "opkoopbescherming-invoeren") == {"planned"}
