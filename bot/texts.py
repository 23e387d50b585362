"""What the bot says, in Dutch, in one place."""

from __future__ import annotations

# (command, description) for setMyCommands; the Dutch aliases are listed too.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("wat", "Wat moet er in een periode, bv. /wat dit kwartaal"),
    ("next", "De eerstvolgende verplichtingen"),
    ("zoek", "Zoek op woorden, bv. /zoek inburgering"),
    ("show", "Eén verplichting met bron en citaat"),
    ("topics", "De onderwerpen"),
    ("abonneer", "Herinneringen voor onderwerpen (of alles)"),
    ("unsubscribe", "Stop herinneringen voor onderwerpen (of alles)"),
    ("vooraf", "Hoeveel dagen vooraf herinneren, bv. /vooraf 30 7 1"),
    ("feed", "De agendalink van deze chat"),
    ("digest", "Weekoverzicht op maandag aan of uit"),
    ("status", "Wat staat open voor dit team (bv. /status dit kwartaal)"),
    ("done", "Markeer als afgerond, bv. /done woo-inwerkingtreding"),
    ("add", "Eigen deadline, bv. /add 15 december 2021 Verordening in de raad"),
    ("owner", "Eigenaar aanwijzen: /owner ID @persoon"),
    ("mine", "Waar ben ik eigenaar van"),
    ("help", "Uitleg en voorbeelden"),
)

WELCOME = (
    "Hallo! Ik houd bij wat het Rijk van gemeenten vraagt, uit de VNG-circulaires: "
    "wetten die ingaan, deadlines, geld en verkiezingen.\n\n"
    "<b>Herinneringen</b>: /abonneer wonen (of /abonneer alles). "
    "Standaard herinner ik 30, 7 en 1 dag vooraf en op de dag zelf, om 9:00 uur; "
    "aanpassen met /vooraf 14 3.\n"
    "<b>Agenda</b>: /feed geeft een link voor Outlook, Google of Apple.\n"
    "<b>Vragen</b>: stel ze gewoon, bijvoorbeeld:\n"
    "• wat moet er dit kwartaal?\n"
    "• wanneer zijn de gemeenteraadsverkiezingen?\n"
    "• what's due next month?\n\n"
    "Alle commando's: /help"
)

HELP = (
    "<b>Vragen</b>\n"
    "/wat PERIODE — bv. /wat maart 2022, /wat volgend kwartaal, /wat vóór 1 april\n"
    "/next [N] — de eerstvolgende\n"
    "/zoek WOORDEN — bv. /zoek Woo\n"
    "/show ID — details, bron en citaat\n"
    "/topics — de onderwerpen\n"
    "Of stel een vraag in gewone taal"
    "{group_hint}.\n\n"
    "<b>Instellingen</b>{admin_hint}\n"
    "/abonneer ONDERWERP… of /abonneer alles\n"
    "/unsubscribe ONDERWERP… of /unsubscribe alles\n"
    "/vooraf DAGEN… — bv. /vooraf 30 7 1 0\n"
    "/feed — agendalink; /feed reset maakt een nieuwe (de oude stopt)\n"
    "/digest aan|uit — weekoverzicht op maandag 9:00\n\n"
    "<b>Team</b>\n"
    "/status [PERIODE] — open, bezig en te laat, met eigenaren\n"
    "/done ID, /busy ID, /nvt ID, /reopen ID — status voor dit team\n"
    "/owner ID @persoon — eigenaar; /mine — wat heb ik\n"
    "/add DATUM OMSCHRIJVING [bij ONDERWERP] — eigen deadline; /edit, /remove\n"
    "/settings everyone-can-update on|off — mag iedereen status wijzigen"
)
GROUP_HINT = " (noem mij met @{username} of antwoord op mijn bericht)"
ADMIN_HINT = " (in groepen alleen voor beheerders)"

NOT_ADMIN = "Alleen beheerders van deze groep kunnen dat wijzigen. Vraag een beheerder het te doen."
UNKNOWN_COMMAND = "Dat commando ken ik niet. Typ /help voor wat ik kan."
APOLOGY = "Sorry, daar ging iets mis. Probeer het nog eens, of typ /help."
EXPIRED = "Deze lijst is verlopen; stel de vraag opnieuw."

FEED_NEW = (
    "De agendalink van deze chat:\n{url}\n\n"
    "<b>Outlook</b>: Agenda → Agenda toevoegen → Abonneren via internet → plak de link.\n"
    "<b>Google Agenda</b>: Andere agenda's → + → Via URL → plak de link.\n"
    "<b>Apple Agenda</b>: open {webcal}\n\n"
    "Houd de link voor uzelf: wie hem heeft, ziet deze agenda. "
    "Uitgelekt? /feed reset maakt een nieuwe en zet de oude uit."
)
FEED_EXISTS = (
    "Deze chat heeft al een agendalink (ik bewaar hem niet leesbaar, dus ik kan hem niet "
    "nog eens tonen; zoek mijn eerdere bericht). Een nieuwe maken en de oude uitzetten: /feed reset"
)
