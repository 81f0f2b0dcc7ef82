"""A group's session: /begin, /next, /pause, /resume, /end and /status, the group's
answers and replies, the /settings panel, a paced session's clock.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

MODERATORS_ONLY = "Sorry, only the group's admins (or the bot's moderators) can do that."

GROUP_CHOOSE_LESSON = "📚 Which lesson should this session use?"
GROUP_NO_SUCH_LESSON = "There is no lesson called “{lesson_id}”. Lessons: {available}."
GROUP_ALREADY_RUNNING = (
    "A session of <b>{lesson}</b> is already running. Use /next to go on, or /end to close it."
)
GROUP_SESSION_STARTED = (
    "📚 <b>Discussion session: {lesson}</b>\n{source}\n\n"
    "The editorial comes in {parts}. Answer the quizzes, "
    "tap the buttons, or reply to a question's message; you can also answer privately. "
    "An admin posts each part with <b>Next</b>."
)
GROUP_PARTS_ONE = "one part, followed by questions"
GROUP_PARTS_MANY = "{count} parts, each followed by questions"
GROUP_RESUMED = (
    "▶️ The session of <b>{lesson}</b> goes on. An admin can post the next part with /next."
)
GROUP_NO_SESSION = "No session is running here. An admin can start one with /begin."
GROUP_CANNOT_POST = (
    "⚠️ I could not post everything here. Telegram said: {reason}. What was posted counts; an "
    "admin can check my rights (to send messages and polls) and try again: /next posts the rest."
)
GROUP_PAUSED = "⏸ The session of <b>{lesson}</b> is paused. An admin can resume it with /begin."
# Pop-ups (plain text, at most 200 characters).
GROUP_ALREADY_RUNNING_POPUP = (
    "A session is already running here. Use /next to go on, or /end to close it."
)
GROUP_SESSION_ENDED = "This session has ended."
SESSION_PAUSED = "This session is paused. Answers count again once an admin resumes it with /begin."
GROUP_NEXT_BUTTON = "Next ▸ (admins)"
GROUP_ALREADY_POSTED = "That part is already posted."
GROUP_REPLY_TO_ANSWER = "↩️ <i>Reply to this message with your answer — only replies count.</i>"
GROUP_STANCE_THEN_REPLY = (
    "Pick a stance below, then ↩️ <i>reply to this message with your reason — only replies "
    "count.</i>"
)
GROUP_TAP_ANSWER = "Tap your answer; only you will see whether it is right."
GROUP_TAP_SEVERAL = "Several answers are right: tap each one you choose (tap again to untick)."
GROUP_TAP_LETTER = "Tap the letter of your answer; only you will see whether it is right."
GROUP_TAP_SEVERAL_LETTERS = (
    "Several answers are right: tap the letter of each one you choose (tap again to untick)."
)
GROUP_VOTE_LETTER = "📊 Vote for your answer's letter in the quiz below."
ANSWER_PRIVATELY_BUTTON = "🔒 Answer privately"
GROUP_PICK_RIGHT = "✅ Right!"
GROUP_PICK_WRONG = "❌ Not quite. The right answer: {right}"
GROUP_PICKS_NOW = "Your choice now: {picks}. Tap again to change it."
GROUP_PICKS_NONE = "You have no option ticked now."
# {stance} is filled in as a sentence: with its own full stop, or one added.
GROUP_STANCE_SAVED = "Your stance: {stance} Reply to the question to give your reason."
PRIVATE_STANCE_SAVED = "Your stance: {stance} Now type your reason as a message."
QUESTION_CHANGED = (
    "This question was changed after it was posted (the lesson was edited), and the option "
    "you tapped is no longer one of its answers, so I could not record it."
)
GROUP_QUESTION_CLOSED = "This question is closed: its session has ended."
GROUP_STATUS = "📍 <b>{lesson}</b>\n{where}\nMembers who have answered so far: {members}"
GROUP_STATUS_START = "The session has started; no part is posted yet."
GROUP_STATUS_SECTION = "Part {part} of {parts} is posted."
GROUP_STATUS_QUESTIONS = "The questions of part {part} of {parts} are posted."
GROUP_STATUS_DISCUSSION = "Discussion question {number} of {of} is posted."
GROUP_STATUS_DISCUSSION_DONE = "Every part and question is posted."
GROUP_STATUS_PAUSED = "\n⏸ Paused: an admin can resume it with /begin."
GROUP_END_HEADER = "🏁 <b>Session closed: {lesson}</b>\nParticipants: {participants}"
GROUP_END_CHOICE = "• {prompt}\n  {answered} answered, {right}% right"
GROUP_END_DEBATE = "• {prompt}\n  {split}"
GROUP_END_SHORT = "• {prompt}\n  {answered} answered"
GROUP_END_NO_ANSWERS = "no answers"
GROUP_END_THANKS = "Thank you all! Your answers are saved."
# Before a session's closing summary a stop kept from being posted, posted at the next start.
GROUP_END_DELAYED = (
    "🙏 Sorry, this summary comes late: the bot was stopped just as this session closed."
)
# Before the rest of a session's move (model answers, a digest, its next part) a stop cut
# short, posted at the next start (or by the next Next).
GROUP_NEXT_DELAYED = (
    "🙏 Sorry for the wait: the bot was restarted while it was posting this session's "
    "next step. Here is the rest."
)

# The group's /settings panel (moderators): one button per setting, showing its value.
SETTINGS_PANEL = "⚙️ <b>Settings for this group</b> — tap one to change it (admins only)."
SETTING_LINE = "• <b>{label}</b>: {about}"
SETTING_BUTTON = "{label}: {value}"
SETTING_CHANGED = "{label}: {value}"  # the pop-up after a change
SETTING_ON = "on"
SETTING_OFF = "off"
SETTING_QUIZ = "Quizzes"
SETTING_QUIZ_POLLS = "polls"
SETTING_QUIZ_BUTTONS = "buttons"
SETTING_QUIZ_ABOUT = (
    "quiz polls (the group can see who voted what), or buttons whose result only the one "
    "who taps sees."
)
SETTING_TYPED = "Typed answers"
SETTING_TYPED_PUBLIC = "replies"
SETTING_TYPED_PRIVATE = "private only"
SETTING_TYPED_ABOUT = (
    "replies in the group, or only privately through 🔒 Answer privately, so no one can copy."
)
SETTING_MODELS = "Model answers"
SETTING_MODELS_ABOUT = "posted after the short questions when the session moves on."
SETTING_TIMEZONE = "Time zone"
SETTING_TIMEZONE_ABOUT = "for homework deadlines."
SETTING_HOW_TZ = "To change it, send /timezone with a place, like /timezone Asia/Seoul."
GROUP_REPLY_PRIVATELY = (
    "🔒 <i>Answer with the button below: typed answers here are private, so no one can copy "
    "them.</i>"
)
GROUP_STANCE_THEN_PRIVATELY = (
    "Pick a stance below, then give your reason with 🔒 <i>Answer privately</i> (typed "
    "answers here are private)."
)
REPLY_PRIVATE_ONLY = (
    "This group takes typed answers privately, so that no one can copy them: your reply was "
    "not counted. Tap 🔒 Answer privately under the question."
)
GROUP_MODEL_ANSWERS = "📝 <b>Model answers</b> to the questions just asked:"
GROUP_MODEL_ANSWER = "• <b>{prompt}</b>\n  <i>{model_answer}</i>"

PRIVATE_ANSWER_FOR_GROUP = (
    "🔒 You are answering privately for the session in <b>{group}</b>. "
    "The group will not see your answer."
)
PRIVATE_ANSWER_SAVED = "✍️ Saved your answer for <b>{group}</b>."
PRIVATE_LINK_CLOSED = "That question is closed: its session has ended."
PRIVATE_LINK_NOT_MEMBER = "This question belongs to a group you are not a member of."

# --- a teacher's walk-through (issue 13): closing a session

GROUP_END_BUTTON = "🏁 End session (admins)"
GROUP_CONFIRM_END = (
    "🏁 That was the last part of <b>{lesson}</b>. End the session now? Answers stop counting "
    "and I post the results. Until then members can still answer."
)
GROUP_CONFIRM_END_BUTTON = "🏁 Yes, end the session"
GROUP_JUST_CLOSED = (
    "The session of <b>{lesson}</b> closed {ago}; its results are saved. /report sends them "
    "to you privately."
)
JUST_NOW = "just now"
MINUTES_AGO = "{minutes} min ago"

# A group member's reply that was not counted (the reply deletes itself after a minute).
REPLY_SESSION_ENDED = "This session has ended, so your reply was not counted."
REPLY_NOT_A_QUESTION = (
    "Only replies to a question that asks for a written answer count. Reply to that "
    "question's message."
)
REPLY_TEXT_ONLY = "Only text counts as an answer: reply to the question again with words."
REPLY_COMMAND_LIKE = (
    "A reply starting with “/” reads as a command, so it was not counted. Send it again "
    "without the “/”."
)
# /status for a moderator: who has taken part but not answered the part posted last.
GROUP_STATUS_MISSING = "Still to answer (of those taking part): {names}"
GROUP_STATUS_LEFT = "{name} ({left} left)"
GROUP_STATUS_MORE = "and {more} more"
GROUP_STATUS_ALL_ANSWERED = "Everyone taking part has answered these questions."

# --- paced sessions: /begin … pace 3m (issue 12) -----------------------------------------

# Added under a paced session's opening message; {pace} as typed after "pace" (3m, 45s).
PACE_STARTED = (
    "\n\n⏱ This session runs by itself: a new part every <b>{pace}</b>. Quizzes count down, "
    "and each question closes when its time is up. Admins: /next posts the next part "
    "sooner, /pause stops the clock, /resume starts it again."
)
# A pace over 10 minutes: the parts come by themselves, the questions stay open.
PACE_STARTED_OPEN = (
    "\n\n⏱ This session runs by itself: a new part every <b>{pace}</b>. Admins: /next posts "
    "the next part sooner, /pause stops the clock, /resume starts it again."
)
# Under a paced question (not a quiz poll, which shows Telegram's own countdown).
PACE_CLOSES = "⏱ Closes at {time} ({zone} time)."
QUESTION_TIME_UP = "⏱ Time was up for this question, so this answer was not counted."
PACE_MISSING = "⏱ Say how long each part stays after “pace”: /begin pace 3m, or /begin pace 45s."
PACE_UNREADABLE = "⏱ I can't read “{typed}” as a pace. Try /begin pace 3m, or /begin pace 45s."
PACE_TOO_SHORT = (
    "⏱ “{typed}” is too quick: a pace is at least 5s. Try /begin pace 3m, or /begin pace 45s."
)
PACE_TOO_LONG = (
    "⏱ “{typed}” is too long: a pace is at most 1 day. Try /begin pace 3m, or /begin pace 45s."
)
PACE_TOO_FAST = (
    "⏱ At a pace of {pace}, <b>{lesson}</b> would send the group more messages a minute "
    "than Telegram allows (20). Choose a pace of at least {fastest}: "
    "/begin {lesson_id} pace {fastest}"
)
PACE_STOPPED = (
    "⏸ The clock is stopped: no part comes by itself until /resume. /next still posts the "
    "next part."
)
PACE_ALREADY_STOPPED = "⏸ The clock is stopped already. /resume starts it again."
PACE_RESUMED = (
    "▶️ The clock runs again: the next part comes at {time} ({zone} time), then every {pace}."
)
PACE_RUNNING = "⏱ The clock is running: the next part comes at {time} ({zone} time)."
PACE_NONE = (
    "This session moves on only with /next: it has no clock. To run one by itself, begin it "
    "with a pace: /begin pace 3m."
)
GROUP_STATUS_PACE = "\n⏱ Next part at {time} ({zone} time, every {pace})."
GROUP_STATUS_PACE_STOPPED = "\n⏸ The clock is stopped (/resume starts it)."
