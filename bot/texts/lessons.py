"""A student's own lesson in a private chat: the welcome and the lesson menu, parts and
questions, the answers' feedback, the summary and /progress, hints and refusals, the
self-check, starting again, a group's question answered through its link.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

WELCOME = (
    "👋 <b>Welcome to Editorial Discussion!</b>\n\n"
    "I walk you through a newspaper editorial part by part. After each part I ask a few "
    "questions — pick an option or type your answer — and at the end you get a summary. "
    "Every answer is saved, so you can stop at any time and carry on later."
)
WELCOME_BACK = (
    "👋 <b>Welcome back!</b> You are in the middle of <b>{lesson}</b> — here is where you stopped:"
)
LESSON_IN_PROGRESS = (
    "You are in this lesson already. Send /progress to see where you are, or /restart to "
    "begin it again."
)
SWITCH_LESSON = (
    "You are in the middle of <b>{current}</b>. Beginning <b>{other}</b> closes it: you "
    "would take it again from the top (the answers you gave are kept)."
)
SWITCH_BUTTON = "▶️ Begin {lesson}"
RESUME_BUTTON = "↩️ Go on with {lesson}"
CHOOSE_LESSON = "📚 <b>Lessons</b> — pick one to begin:"
ONE_LESSON = "📚 Today's lesson: <b>{lesson}</b>"
NO_LESSONS = "There are no lessons yet. Ask the person who runs this bot to add one."
LESSON_BUTTON = "{title}"
BEGIN_BUTTON = "▶️ Begin"
CONTINUE_BUTTON = "Continue ▸"
SUBMIT_BUTTON = "✔️ Submit my choice"
AGAIN_BUTTON = "🔁 Start again"
OTHER_LESSONS_BUTTON = "📚 Lessons"

SECTION_HEADER = "<b>{lesson}</b>\n📖 Part {part} of {parts} · <i>{title}</i>"
SECTION_CONTINUED = " (continued)"
SOURCE_LINE = "<i>{kind}, {publisher}, {date}</i>"

QUESTION_HEADER = "❓ <b>Question {number} of {of}</b> · Part {part}"
DISCUSSION_HEADER = "💬 <b>Discussion {number} of {of}</b>"
CHOOSE_ONE = "Choose one answer:"
CHOOSE_SEVERAL = "Several answers are right: tick them all, then submit."
TYPE_ANSWER = "✍️ Type your answer as a message."
# Options too long for a phone's buttons are listed in full; the buttons are their letters.
LETTERED_OPTION = "<b>{letter}.</b> {option}"
CHOOSE_ONE_LETTER = "Choose one answer: tap its letter, or type it."
CHOOSE_SEVERAL_LETTERS = (
    "Several answers are right: tick their letters, then submit (or type them all, like A C)."
)
NOT_AN_OPTION = "Tap your answer above, or type its letter ({first} to {last})."
NOT_OPTIONS = (
    "Tick your answers above and submit, or type all their letters ({first} to {last}), like A C."
)
PICK_STANCE = "Where do you stand? Pick one, then I'll ask why."

YOUR_ANSWER = "Your answer: <b>{answer}</b>"
RIGHT = "✅ Right!"
WRONG_SHORT = "❌ Not quite."
WRONG = "❌ Not quite. The right answer: <b>{right}</b>"
WRONG_SEVERAL = "❌ Not quite. The right answers: <b>{right}</b>"
EXPLANATION = "💡 {explanation}"
ANSWER_RECORDED = "✍️ Saved your answer."  # a neutral mark: saved is not "right"
ANSWER_UPDATED = "✏️ Updated your answer (the earlier version is kept too)."
ANSWER_REPLACED = "✏️ Updated your answer (it replaces your latest version)."
MODEL_ANSWER = "📝 A model answer: <i>{model_answer}</i>"
YOUR_STANCE = "Your stance: <b>{stance}</b>"
ASK_REASON = "🗣 Your stance: <b>{stance}</b>\nWhy? Type your reason as a message."
REASON_RECORDED = "✍️ Saved your stance and your reason."

SUMMARY_HEADER = "🏁 <b>You finished {lesson}!</b>"
SUMMARY_SCORE = "Score on choice questions: <b>{right} of {total}</b>"
SUMMARY_NO_CHOICE = "This lesson had no choice questions."
SUMMARY_ANSWERS = "<b>Your answers</b>"
SUMMARY_LINE = "• {prompt}\n  → {answer}"
SUMMARY_NOT_ANSWERED = "(not answered)"
SUMMARY_WHAT_NEXT = "Start again, or pick another lesson."

PROGRESS = (
    "📍 <b>{lesson}</b> (attempt {attempt})\n{where}\nAnswered so far: {answered} of {questions}"
)
PROGRESS_READING = "Reading part {part} of {parts}."
PROGRESS_QUESTION = "Question {number} of {of} after part {part} of {parts}."
PROGRESS_DISCUSSION = "Discussion question {number} of {of}."
PROGRESS_DONE = "Finished."
NO_PROGRESS = "You have no lesson in progress. Send /lessons to pick one."
NOTHING_TO_RESTART = "There is nothing to restart yet. Send /lessons to pick a lesson."

HINT_NOT_WAITING = (
    "I'm not waiting for a typed answer right now. Use the buttons above, "
    "or send /progress to see where you are."
)

HINT_IDLE = "Send /lessons to pick a lesson, or /help to see how this works."
HINT_TEXT_ONLY = "I can only save typed text as an answer. Please type your answer as a message."
SENT_BEFORE_QUESTION = (
    "That was sent before this question appeared, so I did not save it as its answer. To "
    "add to your last answer, edit that message."
)
REPLY_TO_EARLIER = (
    "That reply is to an earlier question, so I did not save it (to change an answer you "
    "typed, edit that message). The question now is: <b>{prompt}</b>"
)
HINT_PICK_STANCE_FIRST = "Pick your stance with the buttons above first, then tell me why."

ALREADY_ANSWERED = "You already answered this question."
STANCE_ALREADY_PICKED = (
    "You already picked your stance: {stance} Now type your reason as a message."
)
EDIT_TOO_LATE = "That lesson attempt is over, so your answer stays as it was."
STALE_BUTTON = "That button belongs to an earlier step. Send /progress to see where you are."
CLOSED_BUTTON = "That lesson attempt is over. Send /lessons to begin again."
EARLIER_ATTEMPT_BUTTON = (
    "That button is from an earlier attempt. Send /progress to see where you are now."
)
UNKNOWN_BUTTON = "Sorry, I don't recognise that button any more."
UNKNOWN_LESSON = "That lesson is no longer available. Send /lessons to see what there is."
PICKED_TICK = "☑️ {option}"
UNPICKED_TICK = "⬜ {option}"
PICK_AT_LEAST_ONE = "Tick at least one option first."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."
ANSWER_TOO_LATE = "Too late: that question closed just now, so this answer was not recorded."
TRY_AGAIN_BUSY = "⏳ I couldn't save that just now (the database was busy). Please try again."
NOT_RECORDED = (
    "⚠️ Sorry, my database is not working right now: what you just sent was NOT saved. "
    "Please try again later."
)
NOT_RECORDED_TOLD = " The people who run this bot have been told."
ALERT_STORAGE = (
    "⚠️ Editorial bot: writing to the database failed ({error}). Answers are not being "
    "recorded: check the disk and the database file."
)

# --- refusals that reveal nothing, the version cap, deep links ------------------------------

# A deep link to a session that does not exist, that the person is not in, or whose
# question is not posted yet: one answer for all, so session ids cannot be probed.
PRIVATE_LINK_UNAVAILABLE = (
    "That question is not open to you: it may not be posted in its group yet, or the group "
    "is not one of yours."
)
PRIVATE_LINK_LEFT = "You are no longer in that group, so I could not count this answer there."
VERSIONS_CAPPED = (
    "You have changed this answer many times: I keep its last versions, so from now on "
    "each change replaces your latest one."
)

# /lessons during a lesson: Continue, and where (not "Begin", which reads as "start over").
LESSON_IN_PROGRESS_AT = "▶️ In progress: <b>{lesson}</b> — {where}."
CONTINUE_LESSON_BUTTON = "↩️ Continue"
CONTINUE_NAMED_BUTTON = "↩️ Continue: {title}"
AT_READING = "Part {part} of {parts}, reading"
AT_QUESTION = "Part {part} of {parts}, question {number} of {of}"
AT_DISCUSSION = "Discussion, question {number} of {of}"
WELCOME_BACK_ABOVE = (
    "👋 <b>Welcome back!</b> You are in the middle of <b>{lesson}</b>: you stopped at the "
    "message just above ↑ — go on from there."
)
# At start, to a student whose reply the bot's last stop left unsent (bot.attempts.make_good).
RESTARTED_IN_LESSON = (
    "🔄 Sorry for the wait: I restarted just as I was answering you. Here is where you are "
    "in <b>{lesson}</b>:"
)
RESTARTED_ASK_AGAIN = (
    "🔄 Sorry: I restarted just as I was answering you, so my reply never came. Please send "
    "your last message again."
)

CONFIRM_AGAIN = (
    "🔁 Start <b>{lesson}</b> again from the top? Your answers so far are kept, and this "
    "attempt's summary stays above."
)
CONFIRM_AGAIN_BUTTON = "▶️ Yes, start again"
ADDED_TO_ANSWER = "➕ Added to your answer."

# The self-check under a model answer (grades: 0 missed it, 1 partly, 2 got it).
SELF_CHECK_ASK = "How does your answer compare?"
SELF_CHECK_LABELS = ("🤔 Missed it", "🤏 Partly", "💡 Got it")
SELF_CHECK_CHOSEN = "✔️ {label}"
SELF_CHECK_NOTED = "Noted: {label}."
PRESS_CONTINUE = "Press <i>Continue ▸</i> above to go on."
