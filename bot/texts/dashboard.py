"""The moderators' dashboard (issue 17): its messages in Telegram and its web pages.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

# In Telegram (HTML).
DASHBOARD_INTRO = (
    "📊 <b>Your dashboard</b>: the results of the groups you moderate, as a web page — "
    "every question, every typed answer, a grid of who answered what.\n\n"
    "The sign-in link works once, for 10 minutes. Send /dashboard again for a new one."
)
DASHBOARD_NOT_SET_UP = (
    "📊 The dashboard is not switched on for this bot. Ask the person who runs it to set "
    "BOT_DASHBOARD_URL."
)
DASHBOARD_OPEN_BUTTON = "📊 Open dashboard"
DASHBOARD_LINK_BUTTON = "🔗 Sign in with a link"
DASHBOARD_UNDER_REPORT = "📊 The same results, and more, on the dashboard:"

# On the web pages (plain text: the templates escape every value).
DASH_TITLE = "Dashboard"
DASH_SIGNED_IN_AS = "Signed in as {name}"
DASH_SIGN_OUT = "Sign out"
DASH_SIGN_IN_TITLE = "Sign in"
DASH_SIGN_IN_HOW = (
    "Send /dashboard to the bot in a private chat: it answers with a button that opens this "
    "page inside Telegram, and a sign-in link for any browser."
)
DASH_SIGNING_IN = "Signing you in…"
DASH_LINK_USED = (
    "This sign-in link has been used already or is more than 10 minutes old. Send "
    "/dashboard to the bot for a new one."
)
DASH_MINI_APP_REFUSED = (
    "Telegram's sign-in could not be checked (it may be more than an hour old). Close this "
    "page and open the dashboard again from the bot."
)
DASH_TOO_MANY = "Too many sign-in attempts from your network. Wait a minute and try again."
DASH_GROUPS = "Groups you moderate"
DASH_NO_GROUPS = (
    "You moderate no group with sessions or homework here. Group admins see their groups "
    "once the bot has run a session or set homework in them."
)
DASH_NOT_MODERATOR = (
    "You do not moderate this group (any more). Ask one of its admins if you should."
)
DASH_NOT_FOUND = "There is nothing at this address."
DASH_BACK_TO_GROUPS = "All groups"
DASH_SESSIONS = "Sessions"
DASH_ASSIGNMENTS = "Homework"
DASH_NONE_YET = "None yet."
DASH_SESSION = "Session {id}"
DASH_ASSIGNMENT = "Homework {id}"
DASH_STATUS = {
    "active": "running",
    "paused": "paused",
    "finished": "closed",
    "abandoned": "closed",
    "open": "open",
    "closed": "closed",
}
DASH_DUE = "due {when}"
DASH_LATE_TAKEN = "late answers taken"
DASH_PEOPLE = "{count} took part"
DASH_FINISHED_OF = "{done} of {count} finished"
DASH_LIVE = "Live: this page refreshes itself every 10 seconds."
DASH_TAB_OVERVIEW = "Overview"
DASH_TAB_QUESTIONS = "Questions"
DASH_TAB_STUDENTS = "Students"
DASH_PARTICIPANTS = "Participants"
DASH_COMPLETION = "Completion"
DASH_COMPLETED = "{done} of {count} answered every question"
DASH_AVERAGE = "Average score"
DASH_AVERAGE_VALUE = "{average} of {choices} choice questions right"
DASH_NO_CHOICES = "no choice questions"
DASH_LATE = "Late answers"
DASH_LATE_VALUE = "{count} after the deadline"
DASH_NO_ANSWERS = "No answers yet."
DASH_DOWNLOADS = "Downloads"
DASH_DOWNLOAD_CSV = "Answers (CSV)"
DASH_DOWNLOAD_JSONL = "Answers (JSONL)"
DASH_DOWNLOADS_SAME = "The same files as /export sends."
DASH_ANSWERED = "{count} answered"
DASH_RIGHT_OPTION = "right answer"
DASH_FACILITY = "Facility: {share} right"
DASH_DISCRIMINATION = "Discrimination: {value}"
DASH_DISCRIMINATION_NONE = "Discrimination: needs 3 or more students"
DASH_TOP_DISTRACTOR = "Wrong answer chosen most: {option}"
DASH_FLAG_HARD = "⚠ Most students miss this question: is it clear, and is its answer right?"
DASH_FLAG_INVERTED = (
    "⚠ The best students miss this one more often than the others: check its wording and answer."
)
DASH_NO_TYPED = "No typed answers yet."
DASH_STANCES = "Stances"
DASH_REASONS = "Reasons"
DASH_NO_REASON = "No reasons given yet."
DASH_SORT_NAME = "Name"
DASH_SORT_SCORE = "Score"
DASH_SORTED_BY = "Sort by"
DASH_GRID_KEY = "✓ right, ✗ wrong, ✍ typed, a letter: the stance chosen, · no answer"
DASH_SCORE = "{right}/{choices}"
DASH_MEMBER_ANSWERS = "All answers of {name}"
DASH_VERSION = "version {number}"
DASH_WITHDRAWN = "withdrawn"
DASH_CHOSE = "Chose: {options}"
DASH_STANCE = "Stance: {stance}"
DASH_SELF_CHECK = "Own check: {label}"
DASH_RIGHT = "right"
DASH_WRONG = "wrong"
DASH_LATE_MARK = "late"
DASH_TIMES_IN = "Times in {zone}."
DASH_UNTITLED_GROUP = "Group {id}"
DASH_LESSON_GONE = (
    "This lesson ({lesson}) is no longer among the bot's lessons, so its questions cannot be "
    "shown here; /export's file still holds every answer."
)
# Issue 14's results on the dashboard: before → after, the other side, the group's digest.
DASH_SHIFT = "Before → after the reading"
DASH_SHIFT_AMONG = "Stances of the {count} who answered before and after the reading:"
DASH_SHIFT_COUNTS = "{before} → {after}"
DASH_SHIFT_KEY = "Upper bar: before the reading; lower bar: after."
DASH_MOVED = "{count} moved from {before} to {after}"
DASH_HELD = "{count} kept their stance"
DASH_BEFORE_ONLY = "A stance only before the reading, none after: {names}"
DASH_OTHER_SIDE = "Other side"
DASH_OTHER_SIDE_HOW = (
    "Each member's strongest argument for the other side, under the stance they chose."
)
DASH_OTHER_SIDE_FROM = "Argued by those who chose {stance}"
DASH_OTHER_SIDE_NO_STANCE = "Argued by members who chose no stance"
DASH_SHARED = "Shared with the group"
DASH_SHARED_WHEN = (
    "The digest posted in the group at {when}: the split and the reasons given in the "
    "group, as they stood then (long reasons were shortened there)."
)
DASH_SHARED_SPLIT = "{stance}: {count}"
DASH_SHARED_PRIVATE = "Reasons given privately: {count} (counted, not shown to the group)"
DASH_SHARED_NONE = "No digest of this question was posted in the group (yet, or digests are off)."
DASH_DOWNLOADS_HOMEWORK = "The same columns as /export's files, with this homework's answers only."
