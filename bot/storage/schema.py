"""The schema: its migrations (``PRAGMA user_version`` counts those applied), the pragmas
each connection runs with, and migrating a database at start."""

from __future__ import annotations

import sqlite3

from bot.storage.records import StorageError
from bot.storage.writer import BUSY_TIMEOUT_MS

# WAL lets the reader connection, exports and backups run beside the writer; NORMAL keeps
# every committed transaction across a process crash (a power loss may cost the last ones).
# Small page caches: the bot touches recent rows only, and memory stays flat
# (bench/memory.py); exports and backups use their own connections.
WRITER_AUTOCHECKPOINT = 20_000  # pages of 4 KiB: 80 MB

WRITER_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    # Checkpoints are bot.storage.checkpoints' work, beside the writer; the writer's own,
    # which hold up every write queued behind them, only if the log grows this far (pages).
    f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT:d}",
    "PRAGMA cache_size = -256",
    "PRAGMA foreign_keys = ON",
    # Deleted rows are overwritten, not left in free pages (/forget); some builds default off.
    "PRAGMA secure_delete = ON",
)
READER_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    "PRAGMA cache_size = -128",
    "PRAGMA query_only = ON",  # every write goes through the writer
)


# Each migration is a list of statements, applied in one transaction; PRAGMA user_version
# records how many have run. Never edit a released migration: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE inbox (
            -- Updates fetched from Telegram and not yet handled. A row is written before
            -- Telegram is told the update arrived, and deleted once it has been handled, so
            -- a crash in between loses nothing: the next start handles what is left here.
            update_id INTEGER PRIMARY KEY,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE meta (
            -- Facts about this database, e.g. the salt for pseudonymised exports.
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            title TEXT,
            -- 0 once the bot may no longer post there (kicked, blocked, left)
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE walks (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE,
            audience TEXT NOT NULL CHECK (audience IN ('private', 'group')),
            user_id INTEGER,
            lesson_id TEXT NOT NULL,
            lesson_version TEXT NOT NULL,
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'finished', 'abandoned')),
            started_at TEXT NOT NULL,
            ended_at TEXT
        )
        """,
        # One running (or paused) walk per chat: a student's attempt, or a group's session.
        "CREATE UNIQUE INDEX walks_one_open_per_chat ON walks(chat_id) "
        "WHERE status IN ('active', 'paused')",
        "CREATE INDEX walks_by_chat_lesson ON walks(chat_id, lesson_id)",
        """
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            walk_id INTEGER NOT NULL REFERENCES walks(id),
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            display_name TEXT NOT NULL,
            username TEXT,
            lesson_id TEXT NOT NULL,
            lesson_version TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            question_type TEXT NOT NULL CHECK (question_type IN ('choice', 'short', 'debate')),
            option_indexes TEXT,
            answer_text TEXT,
            is_correct INTEGER CHECK (is_correct IN (0, 1)),
            stance TEXT,
            -- a withdrawn poll vote: a version with no option, kept as a fact
            retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
            via TEXT NOT NULL CHECK (via IN ('button', 'text', 'poll', 'reply', 'private')),
            version INTEGER NOT NULL CHECK (version >= 1),
            answered_at TEXT NOT NULL,
            source_key TEXT NOT NULL UNIQUE,
            UNIQUE (walk_id, user_id, question_id, version)
        )
        """,
        "CREATE INDEX answers_by_chat ON answers(chat_id, walk_id)",
        "CREATE INDEX answers_by_user ON answers(user_id)",
        """
        CREATE TABLE posts (
            -- Which bot message (or poll) in a group stands for which step of a session:
            -- replies and poll answers are matched to their question through it.
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            walk_id INTEGER NOT NULL REFERENCES walks(id),
            position INTEGER NOT NULL,
            question_id TEXT,
            poll_id TEXT UNIQUE,
            carries_next INTEGER NOT NULL DEFAULT 0 CHECK (carries_next IN (0, 1)),
            section INTEGER,  -- the section's number, for a section's message
            PRIMARY KEY (chat_id, message_id)
        )
        """,
        "CREATE INDEX posts_by_walk ON posts(walk_id)",
        """
        CREATE TABLE deliveries (
            -- A report or export a moderator asked for before ever starting a private chat
            -- with the bot: sent as soon as they press Start.
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('report', 'export')),
            chat_id INTEGER NOT NULL,
            format TEXT NOT NULL DEFAULT 'csv' CHECK (format IN ('csv', 'jsonl')),
            all_sessions INTEGER NOT NULL DEFAULT 0 CHECK (all_sessions IN (0, 1)),
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX deliveries_by_user ON deliveries(user_id)",
        """
        CREATE TABLE private_prompts (
            -- A member who opened a group question's deep link: their next typed message
            -- in the private chat answers that question for the group session.
            chat_id INTEGER PRIMARY KEY,
            walk_id INTEGER NOT NULL REFERENCES walks(id),
            question_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
    ),
    (
        # 2: the forum topic a group session runs in (None: the General topic, or a group
        # without topics).
        "ALTER TABLE walks ADD COLUMN thread_id INTEGER",
    ),
    (
        # 3: a choice question's options as posted (a JSON list), so that a vote on a
        # message posted before the lesson was edited is matched to the options by text.
        "ALTER TABLE posts ADD COLUMN options TEXT",
    ),
    (
        # 4: the message that asks a student's current typed question: a message sent
        # before it is not that question's answer.
        "ALTER TABLE walks ADD COLUMN asked_message_id INTEGER",
    ),
    (
        # 5: what a posted message is (NULL for those posted before), so that an answer is
        # taken only on the kind of message its question was posted as; and private chats
        # record their questions' messages as posts too.
        "ALTER TABLE posts ADD COLUMN kind TEXT CHECK (kind IN ('start', 'section', 'poll', "
        "'buttons', 'ticks', 'stances', 'typed'))",
        """
        CREATE TABLE ticks (
            -- The options a member has ticked on one several-answers message before pressing
            -- Submit, kept here rather than read back from the keyboard: a stale keyboard
            -- cannot drop a tick.
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            option_indexes TEXT NOT NULL,  -- e.g. '0,2'
            PRIMARY KEY (chat_id, message_id, user_id)
        )
        """,
    ),
    (
        # 6: a waiting export may be a grade book (xlsx) and may hold every version of every
        # answer (history). SQLite cannot change a CHECK: the table is made anew.
        """
        CREATE TABLE deliveries_6 (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('report', 'export')),
            chat_id INTEGER NOT NULL,
            format TEXT NOT NULL DEFAULT 'csv' CHECK (format IN ('csv', 'jsonl', 'xlsx')),
            all_sessions INTEGER NOT NULL DEFAULT 0 CHECK (all_sessions IN (0, 1)),
            history INTEGER NOT NULL DEFAULT 0 CHECK (history IN (0, 1)),
            created_at TEXT NOT NULL
        )
        """,
        "INSERT INTO deliveries_6 (id, user_id, kind, chat_id, format, all_sessions, created_at) "
        "SELECT id, user_id, kind, chat_id, format, all_sessions, created_at FROM deliveries",
        "DROP TABLE deliveries",
        "ALTER TABLE deliveries_6 RENAME TO deliveries",
        "CREATE INDEX deliveries_by_user ON deliveries(user_id)",
    ),
    (
        # 7: homework. An assignment is a lesson given to a group with a deadline (UTC);
        # members' attempts at it are walks carrying its id. chat_id has no foreign key, so
        # that a group's move to a supergroup is not blocked by its assignments.
        """
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            lesson_id TEXT NOT NULL,
            deadline TEXT NOT NULL,
            late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
            created_by INTEGER NOT NULL,
            created_by_name TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            message_id INTEGER,
            created_at TEXT NOT NULL,
            closed_at TEXT
        )
        """,
        "CREATE INDEX assignments_by_chat ON assignments(chat_id, status)",
        "ALTER TABLE walks ADD COLUMN assignment_id INTEGER REFERENCES assignments(id)",
        "CREATE INDEX walks_by_assignment ON walks(assignment_id) WHERE assignment_id IS NOT NULL",
        # A group's time zone (IANA name); NULL: the bot's BOT_TIMEZONE.
        "ALTER TABLE chats ADD COLUMN timezone TEXT",
    ),
    (
        # 8: a student's own verdict on a typed answer beside its model answer (2 got it,
        # 1 partly, 0 missed it), kept on the answer version it was given for.
        "ALTER TABLE answers ADD COLUMN self_check INTEGER CHECK (self_check IN (0, 1, 2))",
    ),
    (
        # Issue 17: the moderators' dashboard. A one-time sign-in link's token and a signed-in
        # browser's session, each kept only as the SHA-256 of the random value handed out (a
        # copy of the database signs nobody in). ``scope`` 'telegram': the user's rights are
        # asked of Telegram on every page; 'local': `python -m bot dashboard`'s holder of the
        # database file, who sees every group in it. ``language``: Telegram's language_code of
        # the user, for the pages' words.
        """
        CREATE TABLE dashboard_tokens (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            display_name TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('telegram', 'local')),
            language TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        )
        """,
        """
        CREATE TABLE dashboard_sessions (
            session_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            display_name TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('telegram', 'local')),
            language TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """,
    ),
    (
        # Issue 12, reminders: each reminder time of an assignment (``before_s`` seconds
        # before the deadline it was planned for, moved out of quiet hours to ``due_at``),
        # kept whether sent or not; a time planned for an earlier deadline turns 'stale'.
        """
        CREATE TABLE reminder_times (
            id INTEGER PRIMARY KEY,
            assignment_id INTEGER NOT NULL REFERENCES assignments(id),
            deadline TEXT NOT NULL,
            before_s INTEGER NOT NULL CHECK (before_s > 0),
            due_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'done', 'skipped', 'stale')),
            -- set by the run that posts the group's reply: it is posted once
            group_claimed_at TEXT,
            planned_at TEXT NOT NULL,
            done_at TEXT,
            UNIQUE (assignment_id, deadline, before_s)
        )
        """,
        "CREATE INDEX reminder_times_planned ON reminder_times(assignment_id) "
        "WHERE status = 'planned'",
        """
        CREATE TABLE reminder_sends (
            -- One member's private reminder at one reminder time, claimed (written) before
            -- it is sent: a crash or a restart never sends it twice. 'blocked': Telegram
            -- answered 403, and the private chat is marked inactive (not tried again).
            reminder_id INTEGER NOT NULL REFERENCES reminder_times(id),
            user_id INTEGER NOT NULL,
            outcome TEXT NOT NULL DEFAULT 'claimed'
                CHECK (outcome IN ('claimed', 'sent', 'blocked', 'failed')),
            claimed_at TEXT NOT NULL,
            PRIMARY KEY (reminder_id, user_id)
        )
        """,
        "CREATE INDEX reminder_sends_by_user ON reminder_sends(user_id)",
        """
        CREATE TABLE reminder_mutes (
            -- A member pressed "No reminders from this group" (undone with /reminders).
            user_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            muted_at TEXT NOT NULL,
            PRIMARY KEY (user_id, chat_id)
        )
        """,
    ),
    (
        # Issue 13: a group's settings (the /settings panel): one row per setting changed
        # from its default; names and values are the registry's (bot/group_settings.py).
        # chat_id has no foreign key, as for assignments: a supergroup move updates it.
        """
        CREATE TABLE group_settings (
            chat_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, name)
        )
        """,
    ),
    (
        # Issue 15, glossary: each term a reader was shown by 📖 Words, where (the group or
        # the private chat it was pressed in), which part of which lesson, and when.
        # ``source`` names what asked (a press's query id), so a press handled twice is
        # one lookup. Deleted by /forget; moved with its group to a supergroup.
        """
        CREATE TABLE lookups (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            lesson_id TEXT NOT NULL,
            section INTEGER NOT NULL,
            term TEXT NOT NULL,
            source TEXT NOT NULL,
            looked_at TEXT NOT NULL,
            UNIQUE (source, term)
        )
        """,
        "CREATE INDEX lookups_by_user ON lookups(user_id, looked_at)",
        "CREATE INDEX lookups_by_chat ON lookups(chat_id, lesson_id, term)",
    ),
    (
        # Issue 14, discussion: a student's choice whether their reasons are shown to others
        # after they answer (and when they were told so); a group's digests and leaderboard
        # switches; which digests were posted (once per session and question); which
        # reasons were asked once for words; the answers to one question across walks.
        """
        CREATE TABLE discussion_people (
            user_id INTEGER PRIMARY KEY,
            shows_reasons INTEGER NOT NULL DEFAULT 1 CHECK (shows_reasons IN (0, 1)),
            told_at TEXT
        )
        """,
        """
        CREATE TABLE discussion_groups (
            chat_id INTEGER PRIMARY KEY,
            digest INTEGER NOT NULL DEFAULT 1 CHECK (digest IN (0, 1)),
            leaderboard INTEGER NOT NULL DEFAULT 0 CHECK (leaderboard IN (0, 1)),
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE digests (
            walk_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (walk_id, question_id)
        )
        """,
        """
        CREATE TABLE word_asks (
            walk_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            PRIMARY KEY (walk_id, user_id, question_id)
        )
        """,
        "CREATE INDEX answers_by_question ON answers(lesson_id, question_id)",
    ),
    (
        # issue 15 (i18n): the language a person or a group chose with /language, and for a
        # person the language_code Telegram last showed (what a job writes to them in).
        """
        CREATE TABLE languages (
            chat_id INTEGER PRIMARY KEY,
            chosen TEXT,
            telegram TEXT,
            updated_at TEXT NOT NULL
        )
        """,
    ),
    (
        # Issue 12, paced sessions: a group session that moves on by itself every ``seconds``.
        # ``next_tick_at`` (UTC) is when the next part is due and ``from_position`` the step
        # it moves on from (a tick advances only from there: nothing twice across restarts);
        # ``paused``: a moderator stopped the clock (no tick is due). A question's post keeps
        # when it closes (``closes_at``, UTC): a paced question takes no answer after it.
        """
        CREATE TABLE paces (
            walk_id INTEGER PRIMARY KEY,
            seconds INTEGER NOT NULL CHECK (seconds > 0),
            paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
            next_tick_at TEXT,
            from_position INTEGER
        )
        """,
        "ALTER TABLE posts ADD COLUMN closes_at TEXT",
    ),
    (
        # issue 12, managing assignments: what the assignment message shows now (its counts,
        # and when it was last edited: the edits are throttled, across restarts too).
        "ALTER TABLE assignments ADD COLUMN shown_done INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE assignments ADD COLUMN shown_started INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE assignments ADD COLUMN shown_at TEXT",
        # The chat the assignment message is in, once the group moved to a supergroup (NULL:
        # the assignment's own chat).
        "ALTER TABLE assignments ADD COLUMN message_chat_id INTEGER",
        """
        CREATE TABLE assignment_drafts (
            -- A moderator's /assign waiting for its lesson to be picked from buttons: the
            -- deadline they typed is kept here (UTC), never in callback data.
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            user_name TEXT NOT NULL,
            deadline TEXT NOT NULL,
            late INTEGER NOT NULL CHECK (late IN (0, 1)),
            thread_id INTEGER,
            created_at TEXT NOT NULL
        )
        """,
        # A report waiting for its moderator (no private chat yet) may be an assignment's.
        "ALTER TABLE deliveries ADD COLUMN assignment_id INTEGER",
    ),
    (
        # polish (issue 15's lookups in /export): a waiting export may be the glossary
        # lookups (/export lookups) rather than the answers.
        "ALTER TABLE deliveries ADD COLUMN lookups INTEGER NOT NULL DEFAULT 0 "
        "CHECK (lookups IN (0, 1))",
    ),
    (
        # stopclean (issue 18): private chats whose reply a stop left unsent (it waited on
        # the chat's flood budget past the stop's grace) after their update's answer was
        # committed; each gets its lesson's step at the next start (bot.attempts.make_good).
        """
        CREATE TABLE owed_replies (
            chat_id INTEGER PRIMARY KEY,
            noted_at TEXT NOT NULL
        )
        """,
    ),
    (
        # polish2 (issue 12's Close now): the question "Close the homework now?" open for
        # an assignment, so that a second press posts no second one, across restarts too:
        # its message (NULL: none open) and when a press began asking it.
        "ALTER TABLE assignments ADD COLUMN close_question_id INTEGER",
        "ALTER TABLE assignments ADD COLUMN close_asked_at TEXT",
    ),
    (
        # polish2 (issue 15's lookups in /export): the walk whose message 📖 Words was
        # pressed under (NULL: not known), so that the words a member looked up while doing
        # a group's homework in their private chat are the group's too (its /export lookups
        # and /report). Lookups recorded before: the walk of their chat and lesson started
        # last before the lookup (a private chat has one walk open at a time; a press on
        # an older walk's message of the same lesson is the one guessed wrong).
        "ALTER TABLE lookups ADD COLUMN walk_id INTEGER",
        """
        UPDATE lookups SET walk_id = (
            SELECT w.id FROM walks AS w
            WHERE w.chat_id = lookups.chat_id AND w.lesson_id = lookups.lesson_id
              AND w.started_at <= lookups.looked_at
            ORDER BY w.started_at DESC, w.id DESC LIMIT 1
        )
        """,
        "CREATE INDEX lookups_by_walk ON lookups(walk_id) WHERE walk_id IS NOT NULL",
    ),
    (
        # stopcut (issue 18's stop, issue 12's close): a closed assignment whose results a
        # stop refused to post (they waited on the group's flood budget past its grace):
        # the index of the first results message not posted (NULL: none owed), posted at
        # the next start (bot.homework.make_good).
        "ALTER TABLE assignments ADD COLUMN results_owed INTEGER",
    ),
    (
        # stopcut2 (issue 18's stop, issue 12's close): a closed assignment whose moderator's
        # report a stop refused after the results went out: the first of the report's
        # messages not sent (its chart the last), or -1 (REPORT_LINE_OWED) for the group's
        # line telling them how to get it (the report itself waits, a delivery, for their
        # Start); NULL: none owed. Sent at the next start (bot.homework.make_good).
        "ALTER TABLE assignments ADD COLUMN report_owed INTEGER",
    ),
    (
        # stopcut3 (issue 18's stop, issue 12's close): a closed assignment whose message a
        # stop kept from being edited to show it closed (1; NULL: none owed), so that it
        # still showed the homework open with its Start button: edited at the next start
        # (bot.homework.make_good).
        "ALTER TABLE assignments ADD COLUMN closed_shown_owed INTEGER",
    ),
    (
        # stopcut3 (issue 18's stop, a group session's close): a finished session whose
        # closing summary a stop refused to post (it waited on the group's flood budget past
        # the stop's grace): the index of the first summary message not posted (the top
        # five, where the group has it on, the last); NULL: none owed. Posted at the next
        # start (bot.sessions.make_good). Few are ever owed: found by a partial index.
        "ALTER TABLE walks ADD COLUMN summary_owed INTEGER",
        "CREATE INDEX walks_summary_owed ON walks(summary_owed) WHERE summary_owed IS NOT NULL",
    ),
    (
        # stopcut4 (issue 18's stop, issue 14's digest): a digest claimed but refused by a
        # stop (it waited on the group's flood budget past the stop's grace): the index of
        # its first message not posted; NULL: none owed. Posted, once, when the session
        # next moves past its question, or at the next start after a close that a stop cut
        # (bot.sessions.make_good).
        "ALTER TABLE digests ADD COLUMN owed INTEGER",
    ),
    (
        # movegood (issue 18's stop, issue 13's /next): a running session whose move (the
        # model answers of the part just asked, a debate's digest, its next part) a stop
        # cut short (it waited on the group's flood budget past the stop's grace): 1; NULL:
        # none owed. Finished at the next start after a line saying why it comes late
        # (bot.moves_owed), or by whichever move comes first (a moderator's Next, the
        # clock); a close drops it. Few are ever owed: found by a partial index.
        "ALTER TABLE walks ADD COLUMN move_owed INTEGER",
        "CREATE INDEX walks_move_owed ON walks(move_owed) WHERE move_owed IS NOT NULL",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations this database lacks (a job for the writer: one transaction)."""
    row = db.execute("PRAGMA user_version").fetchone()
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise StorageError(
            f"the database has schema version {current}, newer than this bot "
            f"({SCHEMA_VERSION}): upgrade the bot"
        )
    for statements in MIGRATIONS[current:]:
        for statement in statements:
            db.execute(statement)
    # PRAGMA takes no bound parameters; SCHEMA_VERSION is our own integer.
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
