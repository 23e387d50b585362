"""Telegram updates in, calls on the core, Dutch HTML out. No business rules here."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    Chat,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot import texts
from bot.pages import AnswerStore, Page, escape, obligation_html, paginate, short_ref
from obligations.answers import Answer, answer_question, next_answer, period_answer, search_answer
from obligations.app import App
from obligations.catalogue import Obligation
from obligations.periods import PeriodNotUnderstood, parse_period
from obligations.reminders import plan
from obligations.search import fold, load_abbreviations
from obligations.store import ALL_TOPICS
from obligations.teams import (
    BadLeadTimes,
    ensure_chat,
    get_chat,
    migrate_chat,
    new_feed_token,
    parse_lead_days,
    set_active,
    set_digest,
    set_lead_days,
    subscribe,
    subscriptions,
    unsubscribe,
)
from obligations.web import webcal
from obligations.workflow import STATUS_LABELS, history, states

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ALL_WORDS = frozenset({"alles", "all", "*", "allemaal", "alle"})
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
# "/digest aan", "/settings everyone-can-update off": the words a switch understands.
SWITCH = {"on": True, "aan": True, "off": False, "uit": False}
TOGGLE_HINT = "\nTik op een onderwerp om het aan of uit te zetten."
GONE_STATUSES = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})


@dataclass
class BotCore:
    """What the handlers need from the rest of the program."""

    app: App
    answers: AnswerStore = field(default_factory=AnswerStore)
    # Own deadlines whose date must be confirmed by button: key -> what to save.
    pending_dates: dict[str, Any] = field(default_factory=dict)

    @property
    def abbreviations(self) -> dict[str, str]:
        return load_abbreviations(self.app.settings.catalogue_dir)


def core_of(context: ContextTypes.DEFAULT_TYPE) -> BotCore:
    core: BotCore = context.application.bot_data["core"]
    return core


def _chat_title(chat: Chat) -> str:
    return chat.title or chat.full_name or chat.username or str(chat.id)


def _register(core: BotCore, chat: Chat) -> None:
    ensure_chat(core.app.engine, chat.id, chat.type, _chat_title(chat), core.app.clock.now())


async def replan(core: BotCore, chat_id: int) -> None:
    """Re-plan one chat's reminders after a change, so it counts at once (off the loop)."""
    now = core.app.clock.now()
    try:
        await asyncio.to_thread(plan, core.app.engine, core.app.catalog, now, [chat_id])
    except Exception:  # the routine planning run picks it up within minutes
        log.exception("re-planning chat %s failed", chat_id)


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
    )


def _keyboard(page: Page, key: str | None) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    details = [InlineKeyboardButton(str(n), callback_data=f"d:{ref}") for n, ref in page.refs]
    rows += [details[i : i + 4] for i in range(0, len(details), 4)]
    if key is not None and page.total > 1:
        nav = []
        if page.number > 1:
            nav.append(InlineKeyboardButton("◀ Vorige", callback_data=f"p:{key}:{page.number - 1}"))
        if page.number < page.total:
            nav.append(
                InlineKeyboardButton("Volgende ▶", callback_data=f"p:{key}:{page.number + 1}")
            )
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


async def send_answer(message: Message, core: BotCore, answer: Answer) -> None:
    pages = paginate(answer)
    key = core.answers.keep(pages) if len(pages) > 1 else None
    await _reply(message, pages[0].text, _keyboard(pages[0], key))


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats decide for themselves; in groups only administrators (or the
    deployment's own admins) change settings."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == Chat.PRIVATE or user.id in core_of(context).app.settings.admin_ids:
        return True
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def _refuse_unless_allowed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if await may_change(update, context):
        return False
    if update.effective_message is not None:
        await _reply(update.effective_message, texts.NOT_ADMIN)
    return True


# --- questions -------------------------------------------------------------------------


async def count_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update (its own handler group), for /metrics."""
    core_of(context).app.metrics.bot_updates.inc()


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    _register(core, chat)
    argument = (context.args or [""])[0]
    if argument.startswith("topic_"):
        await _subscribe_words(update, context, [argument.removeprefix("topic_")])
        return
    await _reply(message, texts.WELCOME)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    group = chat.type != Chat.PRIVATE
    text = texts.HELP.format(
        group_hint=texts.GROUP_HINT.format(username=context.bot.username) if group else "",
        admin_hint=texts.ADMIN_HINT if group else "",
    )
    await _reply(message, text)


async def due(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message = core_of(context), update.effective_message
    if message is None:
        return
    phrase = " ".join(context.args or []) or "dit kwartaal"
    try:
        asked = parse_period(phrase, core.app.clock.now(), core.app.settings.timezone)
    except PeriodNotUnderstood as refused:
        await send_answer(message, core, Answer(str(refused), examples=refused.examples))
        return
    await send_answer(message, core, period_answer(asked, core.app.catalog, core.abbreviations))


async def next_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message = core_of(context), update.effective_message
    if message is None:
        return
    words = context.args or []
    count = int(words[0]) if words and words[0].isdigit() else 5
    count = max(1, min(count, 50))
    await send_answer(message, core, next_answer(core.app.catalog, core.app.clock.now(), count))


async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message = core_of(context), update.effective_message
    if message is None:
        return
    words = " ".join(context.args or [])
    if not words:
        await _reply(message, "Waar zoekt u naar? Bijvoorbeeld: /zoek inburgering")
        return
    found = search_answer(words, core.app.catalog, core.abbreviations, core.app.clock.now())
    answer = found or Answer(f"Niets gevonden voor '{words}'.", hint="Probeer een ander woord.")
    await send_answer(message, core, answer)


def _find_obligation(core: BotCore, reference: str) -> Obligation | None:
    item = core.app.catalog.get(reference.strip().lower())
    if item is not None:
        return item
    for candidate in core.app.catalog.all():
        if short_ref(candidate.id) == reference:
            return candidate
    return None


async def _send_details(message: Message, core: BotCore, item: Obligation) -> None:
    labels = {topic.id: topic.label for topic in core.app.catalog.topics()}
    text = obligation_html(
        item, labels, core.app.catalog.source_titles(), core.app.settings.public_url
    )
    state = states(core.app.engine, message.chat_id).get(item.id)
    if state is not None:
        owner = f", eigenaar {escape(state.owner)}" if state.owner else ""
        text += f"\n\nDit team: {STATUS_LABELS[state.status]}{owner}"
    events = history(core.app.engine, message.chat_id, item.id, 3)
    if events:
        zone = core.app.settings.timezone
        text += "\nLaatste wijzigingen:\n" + "\n".join(
            f"• {event.at.astimezone(zone):%d-%m-%Y %H:%M} {escape(event.actor_name)}: "
            f"{escape(event.action)} {escape(event.detail)}"
            for event in events
        )
    ref = short_ref(item.id)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Afgerond", callback_data=f"a:{ref}")]])
    await _reply(message, text, buttons)


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message = core_of(context), update.effective_message
    if message is None:
        return
    reference = " ".join(context.args or [])
    item = _find_obligation(core, reference) if reference else None
    if item is None:
        hint = f"Onbekend id '{escape(reference)}'. " if reference else ""
        await _reply(
            message,
            hint + "Gebruik bijvoorbeeld /show woo-inwerkingtreding, "
            "of de knoppen onder een lijst.",
        )
        return
    await _send_details(message, core, item)


async def topics_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message = core_of(context), update.effective_message
    if message is None:
        return
    lines = ["<b>Onderwerpen</b> (gebruik het woord vooraan met /abonneer):"]
    lines += [f"• <code>{escape(t.id)}</code> {escape(t.label)}" for t in core.app.catalog.topics()]
    await _reply(message, "\n".join(lines))


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain question: always in private chats; in groups when we are addressed."""
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    text = message.text
    if chat.type != Chat.PRIVATE:
        mention = f"@{context.bot.username}".lower()
        replied = message.reply_to_message
        to_us = (
            replied is not None
            and replied.from_user is not None
            and (replied.from_user.id == context.bot.id)
        )
        if mention not in text.lower() and not to_us:
            return
        text = re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE)
    answer = answer_question(
        text,
        core.app.clock.now(),
        core.app.catalog,
        core.abbreviations,
        core.app.settings.timezone,
    )
    await send_answer(message, core, answer)


# --- settings --------------------------------------------------------------------------


def _resolve_topics(core: BotCore, words: list[str]) -> tuple[list[str], list[str]]:
    """Topic ids for the words a user typed (ids or label words), and the words not known."""
    topics = core.app.catalog.topics()
    found: list[str] = []
    unknown: list[str] = []
    for word in words:
        wanted = fold(word.strip(",;"))
        if wanted in ALL_WORDS:
            found.append(ALL_TOPICS)
            continue
        match = next(
            (t.id for t in topics if wanted == t.id or wanted in fold(t.label).split()), None
        )
        (found if match else unknown).append(match or word)
    return found, unknown


def _topic_keyboard(core: BotCore, chosen: set[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(("✅ " if t.id in chosen else "") + t.label, callback_data=f"t:{t.id}")
        for t in core.app.catalog.topics()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    everything = ("✅ " if ALL_TOPICS in chosen else "") + "Alles"
    rows.append([InlineKeyboardButton(everything, callback_data=f"t:{ALL_TOPICS}")])
    return InlineKeyboardMarkup(rows)


def _subscriptions_text(core: BotCore, chosen: list[str]) -> str:
    if not chosen:
        return "Deze chat volgt nog geen onderwerpen."
    if ALL_TOPICS in chosen:
        return "Deze chat volgt <b>alle</b> onderwerpen."
    labels = {t.id: t.label for t in core.app.catalog.topics()}
    return "Deze chat volgt: " + ", ".join(escape(labels.get(t, t)) for t in chosen) + "."


async def _subscribe_words(
    update: Update, context: ContextTypes.DEFAULT_TYPE, words: list[str]
) -> None:
    core, message = core_of(context), update.effective_message
    if message is None or await _refuse_unless_allowed(update, context):
        return
    found, unknown = _resolve_topics(core, words)
    if unknown:
        await _reply(message, f"Onbekend onderwerp: {escape(', '.join(unknown))}. Zie /topics.")
        return
    chosen = subscribe(core.app.engine, message.chat_id, found, core.app.clock.now())
    await replan(core, message.chat_id)
    await _reply(
        message, _subscriptions_text(core, chosen) + " Wijzigen: /abonneer of /unsubscribe."
    )


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    _register(core, chat)
    if context.args:
        await _subscribe_words(update, context, list(context.args))
        return
    chosen = subscriptions(core.app.engine, chat.id)
    await _reply(
        message,
        _subscriptions_text(core, chosen) + TOGGLE_HINT,
        _topic_keyboard(core, set(chosen)),
    )


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    _register(core, chat)
    words = list(context.args or [])
    if not words:
        chosen = subscriptions(core.app.engine, chat.id)
        await _reply(
            message,
            _subscriptions_text(core, chosen)
            + "\nStoppen: /unsubscribe ONDERWERP… of /unsubscribe alles",
        )
        return
    if await _refuse_unless_allowed(update, context):
        return
    found, unknown = _resolve_topics(core, words)
    if unknown:
        await _reply(message, f"Onbekend onderwerp: {escape(', '.join(unknown))}. Zie /topics.")
        return
    everything = ALL_TOPICS in found
    left = unsubscribe(
        core.app.engine, chat.id, None if everything else found, core.app.clock.now()
    )
    await replan(core, chat.id)
    await _reply(message, _subscriptions_text(core, left))


async def leadtimes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    row = get_chat(core.app.engine, chat.id) or ensure_chat(
        core.app.engine, chat.id, chat.type, _chat_title(chat), core.app.clock.now()
    )
    if not context.args:
        days = ", ".join(str(d) for d in row.lead_days)
        await _reply(
            message,
            f"Ik herinner {days} dag(en) vooraf (0 = op de dag zelf), om "
            f"{row.send_time:%H:%M} uur. Wijzigen: /vooraf 30 7 1",
        )
        return
    if await _refuse_unless_allowed(update, context):
        return
    try:
        days_list = parse_lead_days(context.args)
    except BadLeadTimes as refused:
        await _reply(message, escape(str(refused)))
        return
    set_lead_days(core.app.engine, chat.id, days_list, core.app.clock.now())
    await replan(core, chat.id)
    shown = ", ".join(str(d) for d in days_list)
    await _reply(message, f"Goed: ik herinner voortaan {shown} dag(en) vooraf.")


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    _register(core, chat)
    word = (context.args or [""])[0].lower()
    if word not in SWITCH:
        row = get_chat(core.app.engine, chat.id)
        state = "aan" if row is not None and row.digest else "uit"
        await _reply(
            message,
            f"Het weekoverzicht (maandag 9:00) staat {state}. "
            "Zet het aan of uit met /digest aan of /digest uit.",
        )
        return
    if await _refuse_unless_allowed(update, context):
        return
    enabled = SWITCH[word]
    set_digest(core.app.engine, chat.id, enabled, core.app.clock.now())
    await replan(core, chat.id)
    await _reply(
        message,
        "Weekoverzicht aan: elke maandag om 9:00 de komende vier weken."
        if enabled
        else "Weekoverzicht uit.",
    )


async def feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    core, message, chat = core_of(context), update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    row = get_chat(core.app.engine, chat.id) or ensure_chat(
        core.app.engine, chat.id, chat.type, _chat_title(chat), core.app.clock.now()
    )
    words = context.args or []
    reset = bool(words) and words[0].lower() in ("reset", "nieuw", "vernieuw")
    if row.feed_token_hash and not reset:
        await _reply(message, texts.FEED_EXISTS)
        return
    if await _refuse_unless_allowed(update, context):
        return
    token = new_feed_token(core.app.engine, chat.id, core.app.clock.now())
    url = f"{core.app.settings.public_url}/feeds/{token}.ics"
    await _reply(message, texts.FEED_NEW.format(url=escape(url), webcal=escape(webcal(url))))


# --- buttons ---------------------------------------------------------------------------


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    core = core_of(context)
    if query is None or query.data is None:
        return
    kind, _, rest = query.data.partition(":")
    message = query.message if isinstance(query.message, Message) else None
    if kind == "p" and message is not None:
        key, _, number = rest.partition(":")
        page = core.answers.page(key, int(number)) if number.isdigit() else None
        if page is None:
            await query.answer(texts.EXPIRED, show_alert=True)
            return
        await query.answer()
        await message.edit_text(
            page.text,
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(page, key),
            link_preview_options=NO_PREVIEW,
        )
    elif kind == "d" and message is not None:
        item = _find_obligation(core, rest)
        await query.answer()
        if item is None:
            await _reply(message, texts.EXPIRED)
        else:
            await _send_details(message, core, item)
    elif kind == "t" and message is not None:
        if not await may_change(update, context):
            await query.answer(texts.NOT_ADMIN, show_alert=True)
            return
        chat_id, now = message.chat_id, core.app.clock.now()
        if message.chat is not None:
            _register(core, message.chat)
        if rest in subscriptions(core.app.engine, chat_id):
            chosen = unsubscribe(core.app.engine, chat_id, [rest], now)
        else:
            chosen = subscribe(core.app.engine, chat_id, [rest], now)
        await replan(core, chat_id)
        await query.answer("Opgeslagen")
        await message.edit_text(
            _subscriptions_text(core, chosen)
            + "\nTik op een onderwerp om het aan of uit te zetten.",
            parse_mode=ParseMode.HTML,
            reply_markup=_topic_keyboard(core, set(chosen)),
        )
    else:
        await query.answer()


# --- chat life cycle and errors ---------------------------------------------------------


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Removed from a group, or blocked in private: stop sending; added back: resume."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    core = core_of(context)
    gone = change.new_chat_member.status in GONE_STATUSES
    if not gone:
        _register(core, change.chat)
    set_active(core.app.engine, change.chat.id, not gone, core.app.clock.now())


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    core = core_of(context)
    moved = migrate_chat(
        core.app.engine, message.chat_id, message.migrate_to_chat_id, core.app.clock.now()
    )
    log.info(
        "chat %s migrated to %s (settings moved: %s)",
        message.chat_id,
        message.migrate_to_chat_id,
        moved,
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    if "@" in command and command.split("@", 1)[1].lower() != (context.bot.username or "").lower():
        return  # meant for another bot in the group
    await _reply(message, texts.UNKNOWN_COMMAND)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context; a blocked chat is marked inactive; the user gets an apology."""
    error = context.error
    core_of(context).app.metrics.bot_errors.inc()
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, Forbidden) and chat is not None:
        set_active(core_of(context).app.engine, chat.id, False, core_of(context).app.clock.now())
        log.info("chat %s blocked or removed the bot: marked inactive", chat.id)
        return
    log.error("update %s failed", update, exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await _reply(update.effective_message, texts.APOLOGY)
        except Exception:  # the apology itself may fail; never loop on it
            log.exception("could not send the apology")
