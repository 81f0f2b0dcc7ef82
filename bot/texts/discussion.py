"""Discussion (issue 14): what others said, digests, the opinion shift, the other side,
the leaderboard.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

REVEAL_HEADER = "👀 <b>What others said</b>"
REVEAL_SPLIT_PART = "{stance} {count}"
REVEAL_REASON = "<b>{stance}</b>: “{reason}” — <i>a classmate</i>"
REVEAL_ANSWER = "“{reason}” — <i>a classmate</i>"
REVEAL_FIRST = "👀 You are the first to answer this one!"
REVEAL_NO_REASONS = "No reasons to show yet."
# In the thanks for a student's first reason (or typed answer): said once.
REVEAL_TOLD = (
    "🔓 After others answer, they may see your reason, <b>never your name</b>. "
    "To keep your reasons to yourself, send /settings."
)
SETTINGS = (
    "⚙️ <b>Settings</b>\n\n"
    "After other students answer a question, I show them a few reasons, without names.\n"
    "Show <b>your</b> reasons too: <b>{state}</b>"
)
SETTINGS_ON = "yes"
SETTINGS_OFF = "no, they stay private"
SETTINGS_HIDE_BUTTON = "🙈 Keep my reasons private"
SETTINGS_SHOW_BUTTON = "👀 Show my reasons (no name)"
SETTINGS_SAVED_HIDDEN = "Done: your reasons are not shown to others."
SETTINGS_SAVED_SHOWN = "Done: your reasons may be shown to others, without your name."

DIGEST_HEADER = "💬 <b>What the group said</b>\n<i>{prompt}</i>"
DIGEST_SPLIT_PART = "{stance} {count}"
DIGEST_STANCE = "<b>{stance}</b>"
DIGEST_REASON = "• <b>{name}</b>: {reason}"
DIGEST_PRIVATE = "🔒 Reasons given privately: {count} (counted, not shown)"
DIGEST_MORE = "… more in /report (admins)."
DIGEST_SWITCHED_ON = (
    "💬 Digests are on: when the session moves past a debate question, I post what the group said."
)
DIGEST_SWITCHED_OFF = "💬 Digests are off for this group. /digest on turns them back on."
DIGEST_USAGE = "Send <code>/digest on</code> or <code>/digest off</code>. Digests are {state} now."
SWITCH_ON = "on"
SWITCH_OFF = "off"

BEFORE_QUESTION = "🧭 <b>Before you read: where do you stand?</b>\n\n{prompt}"
BEFORE_QUESTION_GROUP = (
    "🧭 <b>Before we read: where do you stand?</b>\n\n{prompt}\n\n"
    "<i>Tap a stance now; I ask again after the reading.</i>"
)
BEFORE_CHOSEN = "Before reading: <b>{stance}</b>. I'll ask again after the reading."
# Pop-ups (plain text, at most 200 characters).
BEFORE_NOTED = "Noted: {stance}. I'll ask again after the reading."
BEFORE_KEPT = "You said {stance} before reading; that stays."
SHIFT_MOVED = "↪️ You moved from <b>{before}</b> to <b>{after}</b>."
SHIFT_HELD = "⚓ You held your view: <b>{after}</b>."

COUNTER_ASK = (
    "🔄 <b>One more:</b> what is the strongest argument for the <b>other</b> side? "
    "Type your answer as a message."
)
COUNTER_ASK_OWN = "🔄 <b>One more:</b> {prompt} Type your answer as a message."
COUNTER_SAVED = "✍️ Saved: the other side's best argument."
SUMMARY_COUNTER = "  🔄 Other side: {counter}"
GROUP_OTHER_SIDE = (
    "🔄 <i>And the other side? Reply starting with “{prefix}” with the strongest "
    "argument for the side you did not take.</i>"
)
# What a group reply starts with to be the other side's argument (any case; the English
# one is taken in every language): bot/answering/discussion.py.
OTHER_SIDE_PREFIX = "Other side:"
REPORT_SHIFT = "🧭 Before → after reading: {moves}"
REPORT_SHIFT_MOVE = "{before}→{after} {count}"
REPORT_SHIFT_UNCHANGED = "unchanged {count}"
REPORT_COUNTER = "🔄 Other side: {counter}"
CHART_SHIFT_PANEL = "Before → after reading"
CHART_BEFORE = "Before"
CHART_AFTER = "After"

LEADERBOARD_TOP = "🏆 <b>Top five</b> on the choice questions"
LEADERBOARD_STANDINGS = "🏆 <b>Standings</b> on choice questions, all sessions and homework here"
LEADERBOARD_LINE = "{rank}. {name} — {right} right"
LEADERBOARD_EMPTY = "No choice answers yet."
LEADERBOARD_OFF = "🏆 The leaderboard is off here. An admin can turn it on with /leaderboard on."
LEADERBOARD_SWITCHED_ON = (
    "🏆 Leaderboard on: closing results show the top five, and /leaderboard the standings."
)
LEADERBOARD_SWITCHED_OFF = (
    "🏆 Leaderboard off: no rankings here. Everyone still sees their own score privately."
)
LEADERBOARD_OWN = "🏆 <b>Your scores</b> on choice questions (only you see this)"
LEADERBOARD_OWN_LINE = "• {group}: {right} of {answered} right"
LEADERBOARD_OWN_NONE = "No group answers yet. Each lesson's summary shows your score."
MY_ANSWERS_BEFORE = "🧭 Before reading: {prompt}"
MY_ANSWERS_COUNTER = "🔄 Other side: {prompt}"
NEEDS_WORDS = (
    "🙂 Could you say that in words? Type your reason as a sentence, so others can read it."
)
