"""What every chat shares: /help, the command menus, commands in the wrong chat, a
flood's slow-down, /reload, /language, the bot's profile, counted words.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

from bot.i18n import Plural

# What a student reads on one phone screen (tests/test_command_menus.py measures it); the
# moderators' commands are in their own menus, and in the group's /help.
HELP = (
    "<b>How this works</b>\n"
    "I send an editorial in parts: read each, press <i>Continue</i>, then answer (tap an "
    "option, or type). Debates ask a stance, then why.\n\n"
    "/start — pick up where you stopped\n"
    "/lessons — choose a lesson\n"
    "/progress — where you are\n"
    "/restart — this lesson again\n"
    "/myanswers — all your answers\n"
    "/words — the lesson's words\n"
    "/settings — who sees your reasons\n"
    "/forget — delete all I keep on you\n"
    "/reminders — reminders you muted\n"
    "/language — English or 한국어\n\n"
    "<b>Groups</b>: add me to one; an admin runs sessions there (/begin, /next) and gets the "
    "results privately (/report, /export)."
)
# A student's menu in a private chat; the moderators of BOT_MODERATOR_IDS get
# MODERATOR_COMMANDS there instead.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welcome, or continue where you left off"),
    ("lessons", "Choose a lesson"),
    ("progress", "Where am I?"),
    ("restart", "Start the current lesson again"),
    ("myanswers", "The answers you have given"),
    ("words", "Words of the lesson, and those you looked up"),
    ("settings", "Whether others see your reasons"),
    ("forget", "Delete everything stored about you"),
    ("reminders", "Homework reminders you muted"),
    ("language", "My language: English or 한국어"),
    ("help", "How this bot works"),
)

UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
GROUP_ONLY_COMMAND = (
    "/{command} is for a study group: add me to your group and send it there. "
    "Send /help to see what works here."
)
PRIVATE_ONLY_COMMAND = (
    "/{command} works in a private chat with me: open it below and send it there."
)

# Every member's menu in a group; its admins get GROUP_ADMIN_COMMANDS instead.
GROUP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("status", "Where the session is"),
    ("help", "What I do here"),
)
GROUP_HELP = (
    "👋 I run editorial discussions here. An admin starts with /begin, posts each part with "
    "/next (or the Next button) and closes with /end; /begin pace 3m runs a session by "
    "itself, a part every 3 minutes (/pause, /resume). /report and /export send admins the "
    "results privately. For homework: /assign a lesson with a deadline (/assignments lists "
    "them, /timezone sets the group's clock); /settings chooses how the group answers. "
    "Anyone can ask /status. After each debate question I post a digest (/digest off stops "
    "it); /leaderboard on adds scores."
)

# A button under a message sent in inline mode (no chat comes with its press). Pop-up: at
# most 200 characters.
BUTTON_WITHOUT_CHAT = (
    "This button works only in a chat with me or in a group I'm in. Open a chat with me and "
    "send /start."
)

# --- a user flooding the bot with stray messages (bot/flood.py) ---------------------------

# Sent at most once a minute, instead of a hint for each stray message.
SLOW_DOWN = (
    "🐢 That's a lot of messages at once, so I'll stop replying to each of them for a "
    "minute. An answer to the question in front of you is still saved."
)

# --- command menus by role (issue 13: defect 9) --------------------------------------------

MODERATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    *COMMANDS[:-1],
    ("report", "A group's results"),
    ("export", "A group's answers as a file (csv, jsonl, xlsx)"),
    ("dashboard", "Your groups' results as a web page"),
    COMMANDS[-1],
)
GROUP_ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("begin", "Start a session"),
    ("next", "Post the next part"),
    ("end", "Close the session"),
    ("pause", "Stop a paced session's clock"),
    ("resume", "Start the clock again"),
    ("status", "Where the session is"),
    ("report", "Results, sent to you privately"),
    ("export", "Answers as a file, sent privately"),
    ("assign", "Set a lesson as homework with a deadline"),
    ("assignments", "The open homework"),
    ("timezone", "The group's time zone"),
    ("settings", "Quizzes, typed answers, model answers"),
    ("digest", "Digests of debate answers on or off"),
    ("leaderboard", "Scores: on, off, or the standings"),
    ("language", "The group's language: English or 한국어"),
    ("help", "What I do here"),
)

# --- Lessons reloaded without a restart: /reload, for BOT_MODERATOR_IDS in a private chat
RELOAD_NOT_ALLOWED = (
    "Only the bot's moderators (BOT_MODERATOR_IDS) can reload the lessons. If you edited a "
    "lesson file, ask one of them."
)
RELOADED = "🔄 <b>Lessons reloaded</b>: {count}."
RELOADED_LESSON = "• {title} (<code>{id}</code>)"
RELOADED_GONE = "No longer offered: {ids}. Walks already in them carry on as after a restart."
RELOAD_KEPT = (
    "⚠️ <b>The lessons were not reloaded</b>: {problems} in the files. The lessons loaded "
    "before are still in use. Fix these, then /reload again:"
)
RELOAD_PROBLEM = "• <code>{where}</code> {message}"
RELOAD_WARNINGS = "Warnings ({count}), which do not stop the lessons:"

# --- the reader's language (issue 15): /language, the bot's profile, counted words --------

LANGUAGE_ASK = "🌐 Which language should I write to you in? Now: <b>{language}</b>."
LANGUAGE_ASK_GROUP = (
    "🌐 Which language should I write in here, for everyone in this group? Now: "
    "<b>{language}</b>. Private chats keep each member's own."
)
LANGUAGE_SET = "✅ From now on I write to you in <b>{language}</b>."
LANGUAGE_SET_GROUP = "✅ From now on I write in <b>{language}</b> in this group."
# The bot's profile (set_my_description: at most 512 characters; the short one 120).
DESCRIPTION = (
    "I walk you through a newspaper editorial part by part, ask comprehension and debate "
    "questions, and save every answer. Alone in this chat, or with your study group: add me "
    "to a group and its admins run the discussion. Press Start to begin."
)
SHORT_DESCRIPTION = (
    "Read newspaper editorials part by part and answer questions, alone or in a group."
)
# Counted words (``i18n.plural(count, texts.NAME)``).
COUNT_ANSWERS = Plural("{n} answer", "{n} answers")
COUNT_LESSON_ATTEMPTS = Plural("{n} lesson attempt", "{n} lesson attempts")
COUNT_OTHER_RECORDS = Plural("{n} other record", "{n} other records")
COUNT_TYPED_ANSWERS = Plural("{n} typed answer", "{n} typed answers")
COUNT_ROWS = Plural("{n} row", "{n} rows")
COUNT_PROBLEMS = Plural("{n} problem", "{n} problems")
COUNT_LESSONS = Plural("{n} lesson", "{n} lessons")
