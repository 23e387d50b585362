"""Team workflow in chat: status, owners, own deadlines, overview and history.

Handlers only translate; the rules live in obligations.workflow and obligations.owndates.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, timedelta

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import (
    SWITCH,
    BotCore,
    _refuse_unless_allowed,
    _register,
    _reply,
    core_of,
    may_change,
    replan,
)
from bot.pages import escape, short_ref
from obligations.display import day_label
from obligations.owndates import NoDate, parse_date, read_own_deadline
from obligations.periods import PeriodNotUnderstood, parse_period
from obligations.queries import Occurrence
from obligations.reminders import SNOOZE_CHOICES, parse_snooze_callback, resolve_ref, snooze
from obligations.render import occurrence_label
from obligations.search import search
from obligations.span import Span
from obligations.teams import get_chat, set_everyone_can_update, subscribed_topics
from obligations.workflow import (
    CLOSED,
    STATUS_LABELS,
    Actor,
    UnknownSubject,
    add_deadline,
    edit_deadline,
    held_by,
    is_overdue,
    own_deadline,
    own_deadlines,
    remove_deadline,
    set_owner,
    set_status,
    states,
)

STATUS_REPLIES = {
    "afgerond": "✓ Afgerond: {title}. Herinneringen hiervoor zijn gestopt.",
    "bezig": "Bezig: {title}.",
    "nvt": "N.v.t. voor dit team: {title}. Herinneringen hiervoor zijn gestopt.",
    "open": "Weer open: {title}. Herinneringen lopen weer.",
}


@dataclass(frozen=True)
class Subject:
    id: str
    title: str


def actor_of(user: User | None) -> Actor:
    if user is None:
        return Actor(None, "onbekend")
    return Actor(user.id, f"@{user.username}" if user.username else user.full_name)


def find_subject(core: BotCore, chat_id: int, reference: str) -> Subject | None:
    """A catalogue id, a team's own "eigen-3", or the short reference behind a button."""
    wanted = reference.strip().lower()
    item = core.app.catalog.get(wanted)
    if item is not None:
        return Subject(item.id, item.title)
    own = own_deadline(core.app.engine, chat_id, wanted)
    if own is not None:
        return Subject(own.subject(chat_id), own.title)
    for candidate in core.app.catalog.all():
        if short_ref(candidate.id) == wanted:
            return Subject(candidate.id, candidate.title)
    for deadline in own_deadlines(core.app.engine, chat_id):
        if short_ref(deadline.subject(chat_id)) == wanted:
            return Subject(deadline.subject(chat_id), deadline.title)
    return None


async def may_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Status, owners and own deadlines: whoever may change settings, or everyone in a
    group that chose /settings everyone-can-update on."""
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE:
        row = get_chat(core_of(context).app.engine, chat.id)
        if row is not None and row.everyone_can_update:
            return True
    return await may_change(update, context)


async def _refused(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if await may_update(update, context):
        return False
    if update.effective_message is not None:
        await _reply(update.effective_message, texts.NOT_ADMIN)
    return True


async def _change_status(
    update: Update, context: ContextTypes.DEFAULT_TYPE, status: str, reference: str
) -> str:
    core, chat = core_of(context), update.effective_chat
    assert chat is not None
    subject = find_subject(core, chat.id, reference)
    if subject is None:
        return f"Onbekend id '{escape(reference)}'. Zie /status of /zoek."
    _register(core, chat)
    set_status(
        core.app.engine,
        chat.id,
        subject.id,
        status,
        actor_of(update.effective_user),
        core.app.clock.now(),
    )
    await replan(core, chat.id)
    return STATUS_REPLIES[status].format(title=escape(subject.title))


def status_command(status: str):  # type: ignore[no-untyped-def]
    """/done, /busy, /nvt, /reopen: the same handler with another status."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        if not context.args:
            await _reply(
                message, "Welke? Bijvoorbeeld: /done woo-inwerkingtreding of /done eigen-1"
            )
            return
        if await _refused(update, context):
            return
        await _reply(message, await _change_status(update, context, status, context.args[0]))

    return handler


async def owner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    words = list(context.args or [])
    person = None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None:
        person = actor_of(replied.from_user).name
    elif len(words) >= 2:
        person = " ".join(words[1:])
    if not words or person is None:
        await _reply(
            message,
            "Gebruik: /owner ID @persoon, of antwoord op een bericht van die "
            "persoon met /owner ID.",
        )
        return
    if await _refused(update, context):
        return
    subject = find_subject(core, chat.id, words[0])
    if subject is None:
        await _reply(message, f"Onbekend id '{escape(words[0])}'.")
        return
    _register(core, chat)
    set_owner(
        core.app.engine,
        chat.id,
        subject.id,
        person,
        actor_of(update.effective_user),
        core.app.clock.now(),
    )
    await _reply(message, f"{escape(person)} is eigenaar van: {escape(subject.title)}.")


async def mine(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    me = actor_of(update.effective_user).name
    subjects = held_by(core.app.engine, chat.id, me)
    if not subjects:
        await _reply(message, f"{escape(me)} is nog nergens eigenaar van in deze chat.")
        return
    lines = [f"<b>Van {escape(me)}</b>"]
    for subject_id in subjects:
        found = find_subject(core, chat.id, subject_id)
        lines.append(f"• {escape(found.title if found else subject_id)} [{escape(subject_id)}]")
    await _reply(message, "\n".join(lines))


# --- own deadlines ---------------------------------------------------------------------


def _link(core: BotCore, words: str) -> str | None:
    if not words:
        return None
    exact = core.app.catalog.get(words.strip().lower())
    if exact is not None:
        return exact.id
    hits = search(core.app.catalog.all(), words, core.abbreviations)
    return hits[0].obligation.id if hits else None


async def add(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if await _refused(update, context):
        return
    try:
        parsed = read_own_deadline(
            " ".join(context.args or []), core.app.clock.now(), core.app.settings.timezone
        )
    except NoDate as refused:
        await _reply(message, escape(str(refused)))
        return
    _register(core, chat)
    link = _link(core, parsed.link_words)
    if parsed.ambiguous:
        key = format(len(core.pending_dates) + 1, "x") + short_ref(parsed.title)[:4]
        core.pending_dates[key] = (chat.id, parsed.title, link, parsed.options)
        buttons = [
            InlineKeyboardButton(day_label(option), callback_data=f"k:{key}:{index}")
            for index, option in enumerate(parsed.options)
        ]
        buttons.append(InlineKeyboardButton("Annuleren", callback_data=f"k:{key}:x"))
        await _reply(
            message,
            f"Welke datum bedoelt u voor '{escape(parsed.title)}'?",
            InlineKeyboardMarkup([buttons]),
        )
        return
    await _save_deadline(update, core, chat.id, parsed.title, parsed.options[0], link, message)


async def _save_deadline(
    update: Update,
    core: BotCore,
    chat_id: int,
    title: str,
    day: date,
    link: str | None,
    message: Message,
) -> None:
    deadline = add_deadline(
        core.app.engine,
        chat_id,
        title,
        Span.day(day),
        link,
        actor_of(update.effective_user),
        core.app.clock.now(),
    )
    await replan(core, chat_id)
    linked = ""
    if link:
        item = core.app.catalog.get(link)
        linked = f"\nHoort bij: {escape(item.title if item else link)}."
    await _reply(
        message,
        f"Toegevoegd als <code>{deadline.ref}</code>: {escape(title)}, "
        f"{day_label(day)}.{linked}\nWijzigen: /edit {deadline.ref} DATUM of TITEL; "
        f"weg: /remove {deadline.ref}",
    )


async def confirm_date(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str) -> None:
    core, query = core_of(context), update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    key, _, choice = rest.partition(":")
    pending = core.pending_dates.get(key)
    if pending is None:
        await query.answer(texts.EXPIRED, show_alert=True)
        return
    if not await may_update(update, context):
        await query.answer(texts.NOT_ADMIN, show_alert=True)
        return
    core.pending_dates.pop(key, None)
    await query.answer()
    if choice == "x" or not choice.isdigit():
        await query.message.edit_text("Niet toegevoegd.")
        return
    chat_id, title, link, options = pending
    await _save_deadline(update, core, chat_id, title, options[int(choice)], link, query.message)


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    words = list(context.args or [])
    if len(words) < 2:
        await _reply(
            message, "Gebruik: /edit eigen-1 20 december 2021, of /edit eigen-1 Nieuwe titel"
        )
        return
    if await _refused(update, context):
        return
    now, zone = core.app.clock.now(), core.app.settings.timezone
    rest = " ".join(words[1:])
    day = parse_date(rest, now, zone) if re.search(r"\d", rest) else None
    title = None
    if day is None:
        try:
            parsed = read_own_deadline(rest, now, zone)
            day, title = parsed.options[0], parsed.title
        except NoDate:
            title = rest
    try:
        changed = edit_deadline(
            core.app.engine,
            chat.id,
            words[0],
            actor_of(update.effective_user),
            now,
            title=title,
            span=Span.day(day) if day else None,
        )
    except UnknownSubject as unknown:
        await _reply(message, escape(str(unknown)))
        return
    await replan(core, chat.id)
    await _reply(
        message,
        f"Gewijzigd: <code>{changed.ref}</code> {escape(changed.title)}, "
        f"{day_label(changed.span.start)}.",
    )


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not context.args:
        await _reply(message, "Gebruik: /remove eigen-1")
        return
    if await _refused(update, context):
        return
    try:
        remove_deadline(
            core.app.engine,
            chat.id,
            context.args[0],
            actor_of(update.effective_user),
            core.app.clock.now(),
        )
    except UnknownSubject as unknown:
        await _reply(message, escape(str(unknown)))
        return
    await replan(core, chat.id)
    await _reply(message, f"Verwijderd: {escape(context.args[0])}.")


# --- overview, history, settings ----------------------------------------------------------


def team_items(core: BotCore, chat_id: int, window: Span) -> list[Occurrence]:
    """What this team follows in `window`: catalogue items of its topics, and its own."""
    topics = subscribed_topics(core.app.engine, chat_id)
    found = [
        occurrence
        for occurrence in core.app.catalog.due(window)
        if topics is None or topics.intersection(occurrence.obligation.topics)
    ]
    for deadline in own_deadlines(core.app.engine, chat_id):
        if deadline.span.overlaps(window):
            found.append(Occurrence(deadline.as_obligation(chat_id), deadline.span))
    return sorted(found, key=lambda occurrence: occurrence.sort_key)


async def status_overview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    now = core.app.clock.now()
    phrase = " ".join(context.args or []) or "dit kwartaal"
    try:
        asked = parse_period(phrase, now, core.app.settings.timezone)
    except PeriodNotUnderstood as refused:
        await _reply(message, escape(str(refused)))
        return
    today = now.astimezone(core.app.settings.timezone).date()
    team_states = states(core.app.engine, chat.id)
    overdue_window = Span(today - timedelta(days=90), today - timedelta(days=1))
    lines = [f"<b>Status voor {escape(asked.label)}</b>"]
    shown = 0
    for title, window in (("Te laat", overdue_window), ("Open en bezig", asked.span)):
        rows = []
        for occurrence in team_items(core, chat.id, window):
            state = team_states.get(occurrence.obligation.id)
            status = state.status if state else "open"
            if status in CLOSED:
                continue
            late = is_overdue(occurrence.span, today, state)
            if (title == "Te laat") != late:
                continue
            who = f", {escape(state.owner)}" if state and state.owner else ""
            rows.append(
                f"• {escape(occurrence_label(occurrence.obligation, occurrence.span))} · "
                f"{escape(occurrence.obligation.title)} — {STATUS_LABELS[status]}{who}"
            )
        if rows:
            lines += ["", f"<b>{title}</b>", *rows[:30]]
            if len(rows) > 30:
                lines.append(f"… en nog {len(rows) - 30}")
            shown += len(rows)
    if not shown:
        lines.append("Niets open. Abonneer op onderwerpen met /abonneer of voeg toe met /add.")
    await _reply(message, "\n".join(lines))


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    words = [word.lower() for word in context.args or []]
    if len(words) != 2 or words[0] != "everyone-can-update" or words[1] not in SWITCH:
        row = get_chat(core.app.engine, chat.id)
        state = "iedereen" if row is not None and row.everyone_can_update else "alleen beheerders"
        await _reply(
            message,
            f"Status en eigenaren wijzigen: {state}. Aanpassen (beheerders): "
            "/settings everyone-can-update on|off",
        )
        return
    if await _refuse_unless_allowed(update, context):
        return
    _register(core, chat)
    enabled = SWITCH[words[1]]
    set_everyone_can_update(core.app.engine, chat.id, enabled, core.app.clock.now())
    await _reply(
        message,
        "Iedereen in deze groep mag nu status en eigenaren wijzigen."
        if enabled
        else "Alleen beheerders wijzigen nu status en eigenaren.",
    )


async def done_button(update: Update, context: ContextTypes.DEFAULT_TYPE, reference: str) -> None:
    query = update.callback_query
    if query is None:
        return
    if not await may_update(update, context):
        await query.answer(texts.NOT_ADMIN, show_alert=True)
        return
    reply = await _change_status(update, context, "afgerond", reference)
    await query.answer("Afgerond")
    if isinstance(query.message, Message):
        await _reply(query.message, reply)


async def later_button(update: Update, context: ContextTypes.DEFAULT_TYPE, data: str) -> None:
    """ "Later" under a reminder: offer the snooze choices for that occurrence."""
    query = update.callback_query
    parsed = parse_snooze_callback(data)
    if query is None or parsed is None or not isinstance(query.message, Message):
        return
    ref, occurrence = parsed
    buttons = [
        InlineKeyboardButton(label, callback_data=f"z:{ref}:{occurrence:%Y%m%d}:{index}")
        for index, (label, _) in enumerate(SNOOZE_CHOICES)
    ]
    await query.answer()
    await _reply(
        query.message,
        "Wanneer wilt u er opnieuw aan herinnerd worden?",
        InlineKeyboardMarkup([buttons]),
    )


async def snooze_choice(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str) -> None:
    core, query, chat = core_of(context), update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    ref, day, index = [*rest.split(":"), "", "", ""][:3]
    parsed = parse_snooze_callback(f"s:{ref}:{day}")
    if parsed is None or not index.isdigit() or int(index) >= len(SNOOZE_CHOICES):
        await query.answer(texts.EXPIRED, show_alert=True)
        return
    ids = [item.id for item in core.app.catalog.all()]
    ids += [deadline.subject(chat.id) for deadline in own_deadlines(core.app.engine, chat.id)]
    subject = resolve_ref(ref, ids)
    label, delay = SNOOZE_CHOICES[int(index)]
    now = core.app.clock.now()
    done = subject is not None and await asyncio.to_thread(
        snooze, core.app.engine, chat.id, subject, parsed[1], now + delay, now
    )
    if not done:
        await query.answer("Dit kan niet meer worden uitgesteld.", show_alert=True)
        return
    await query.answer(f"Ik herinner u over {label} opnieuw.")
    if isinstance(query.message, Message):
        await query.message.edit_text(f"Uitgesteld: over {label} herinner ik u opnieuw.")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Team buttons: a: Afgerond, s: Later and z: its choice (under reminders), k: which
    date for /add."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    kind, _, rest = query.data.partition(":")
    if kind == "a":
        await done_button(update, context, rest)
    elif kind == "k":
        await confirm_date(update, context, rest)
    elif kind == "s":
        await later_button(update, context, query.data)
    elif kind == "z":
        await snooze_choice(update, context, rest)
    else:
        await query.answer()
