"""Every word the bot says, in one place.

Templates are HTML (Telegram's subset). Placeholders are filled by ``bot.render``, which
escapes every value that comes from a lesson or a user before it goes in.
"""

from __future__ import annotations

WELCOME = (
    "👋 <b>Welcome to Editorial Discussion!</b>\n\n"
    "I walk you through a newspaper editorial part by part. After each part I ask a few "
    "questions — pick an option or type your answer — and at the end you get a summary. "
    "Every answer is saved, so you can stop at any time and carry on later."
)
WELCOME_BACK = (
    "👋 <b>Welcome back!</b> You are in the middle of <b>{lesson}</b>. Here is where you stopped:"
)
CHOOSE_LESSON = "📚 <b>Lessons</b> — pick one to begin:"
ONE_LESSON = "📚 Today's lesson: <b>{lesson}</b>"
NO_LESSONS = "There are no lessons yet. Ask the person who runs this bot to add one."
LESSON_BUTTON = "{title}"
BEGIN_BUTTON = "▶️ Begin"
CONTINUE_BUTTON = "Continue ▸"
SUBMIT_BUTTON = "✔️ Submit my choice"
AGAIN_BUTTON = "🔁 Start again"
OTHER_LESSONS_BUTTON = "📚 Lessons"

HELP = (
    "<b>How this works</b>\n"
    "I send an editorial in parts. Read a part, press <i>Continue</i>, then answer its "
    "questions: press an option, or type a reply when I ask for one. Debate questions ask "
    "for your stance, then your reason.\n\n"
    "<b>Commands</b>\n"
    "/start — welcome, or pick up where you left off\n"
    "/lessons — the lessons you can take\n"
    "/progress — where you are in your lesson\n"
    "/restart — the current lesson again from the top (earlier answers are kept)\n"
    "/help — this message"
)
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welcome, or continue where you left off"),
    ("lessons", "Choose a lesson"),
    ("progress", "Where am I?"),
    ("restart", "Start the current lesson again"),
    ("help", "How this bot works"),
)

SECTION_HEADER = "<b>{lesson}</b>\n📖 Part {part} of {parts} · <i>{title}</i>"
SECTION_CONTINUED = " (continued)"
SOURCE_LINE = "<i>{kind}, {publisher}, {date}</i>"

QUESTION_HEADER = "❓ <b>Question {number} of {of}</b> · Part {part}"
DISCUSSION_HEADER = "💬 <b>Discussion {number} of {of}</b>"
CHOOSE_ONE = "Choose one answer:"
CHOOSE_SEVERAL = "Several answers are right: tick them all, then submit."
TYPE_ANSWER = "✍️ Type your answer as a message."
PICK_STANCE = "Where do you stand? Pick one, then I'll ask why."

YOUR_ANSWER = "Your answer: <b>{answer}</b>"
RIGHT = "✅ Right!"
WRONG_SHORT = "❌ Not quite."
WRONG = "❌ Not quite. The right answer: <b>{right}</b>"
EXPLANATION = "💡 {explanation}"
ANSWER_RECORDED = "✅ Saved your answer."
MODEL_ANSWER = "📝 A model answer: <i>{model_answer}</i>"
YOUR_STANCE = "Your stance: <b>{stance}</b>"
ASK_REASON = "🗣 You chose <b>{stance}</b>. Why? Type your reason as a message."
REASON_RECORDED = "✅ Saved your stance and your reason."

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
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
HINT_IDLE = "Send /lessons to pick a lesson, or /help to see how this works."
HINT_TEXT_ONLY = "I can only save typed text as an answer. Please type your answer as a message."
HINT_PICK_STANCE_FIRST = "Pick your stance with the buttons above first, then tell me why."

ALREADY_ANSWERED = "You already answered this question."
STALE_BUTTON = "That button belongs to an earlier step. Send /progress to see where you are."
CLOSED_BUTTON = "That lesson attempt is over. Send /lessons to begin again."
UNKNOWN_BUTTON = "Sorry, I don't recognise that button any more."
UNKNOWN_LESSON = "That lesson is no longer available. Send /lessons to see what there is."
PICKED_TICK = "☑️ {option}"
UNPICKED_TICK = "⬜ {option}"
PICK_AT_LEAST_ONE = "Tick at least one option first."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."
