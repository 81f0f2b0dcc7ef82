"""Discussion (issue 14): what others answered, for a student who has answered; a student's
choice to keep their reasons to themselves; a group's digest and leaderboard switches;
digests posted once; reasons asked once for words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from bot.storage.base import StorageBase
from bot.storage.records import Walk
from bot.storage.sql import NEWEST_VERSION, Db, one

# Whose answers a student sees after answering: an assignment's attempts (that group's
# members), one walk (a group's session, answered from its private link), or everyone who
# did the lesson with this bot.
ScopeKind = Literal["assignment", "walk", "lesson"]
_SCOPES: dict[ScopeKind, str] = {
    "assignment": "a.walk_id IN (SELECT id FROM walks WHERE assignment_id = ?)",
    "walk": "a.walk_id = ?",
    "lesson": "a.lesson_id = ?",
}
GroupSwitch = Literal["digest", "leaderboard"]


@dataclass(frozen=True, slots=True)
class Scope:
    kind: ScopeKind
    value: int | str


@dataclass(frozen=True, slots=True)
class PeerAnswer:
    """One person's current answer to a question (their newest attempt's), for a reveal."""

    id: int
    user_id: int
    stance: str | None
    text: str | None
    answered_at: str
    shows_reasons: bool  # False: they asked for their reasons not to be shown (/settings)


@dataclass(frozen=True, slots=True)
class Score:
    """A member's right answers on choice questions (current answers), and when their last
    choice answer came (who finished first wins a tie)."""

    user_id: int
    display_name: str
    username: str | None
    right: int
    answered: int
    finished_at: str


# Whose choice answers a leaderboard counts: one session, one assignment's attempts, or a
# group's sessions and assignments together.
_SCORE_SCOPES: dict[str, str] = {
    "walk": "a.walk_id = ?1",
    "assignment": "a.walk_id IN (SELECT id FROM walks WHERE assignment_id = ?1)",
    "group": "(a.chat_id = ?1 OR a.walk_id IN (SELECT w.id FROM walks AS w "
    "JOIN assignments AS s ON s.id = w.assignment_id WHERE s.chat_id = ?1))",
}


@dataclass(frozen=True, slots=True)
class OwnScore:
    """A student's own score in one group (its sessions and assignments)."""

    chat_id: int
    title: str | None
    right: int
    answered: int


@dataclass(frozen=True, slots=True)
class GroupSwitches:
    digest: bool = True
    leaderboard: bool = False


class OwedDigests(NamedTuple):
    """Debate questions whose digest a stop refused (``owe_digests``): at a close (posted at
    the next start, before the summary) and mid-session (posted at the session's next
    move)."""

    at_close: int
    on_move: int


class DiscussionQueries(StorageBase):
    async def reveal_scope(self, walk: Walk) -> Scope:
        """Whose answers a student sees after answering in ``walk``: its group's session
        (a question opened from the group's link), its assignment's attempts, or everyone
        who did the lesson."""
        if walk.audience == "group":
            return Scope("walk", walk.id)
        row = await self._read_one("SELECT assignment_id FROM walks WHERE id = ?", (walk.id,))
        if row is not None and row[0] is not None:
            return Scope("assignment", int(row[0]))
        return Scope("lesson", walk.lesson_id)

    async def peer_answers(self, scope: Scope, question_id: str) -> list[PeerAnswer]:
        """Each person's current answer to a question within ``scope`` (withdrawn ones left
        out), one per person: the newest of their attempts."""
        condition = _SCOPES[scope.kind]  # one of ours, never the caller's text
        rows = await self._read_all(
            "SELECT a.id, a.user_id, a.stance, a.answer_text, a.answered_at, "
            "COALESCE(p.shows_reasons, 1) FROM answers AS a "
            "LEFT JOIN discussion_people AS p ON p.user_id = a.user_id "
            "WHERE a.id IN (SELECT MAX(a.id) FROM answers AS a "
            f"WHERE {condition} AND a.question_id = ? AND a.retracted = 0 AND {NEWEST_VERSION} "
            "GROUP BY a.user_id) ORDER BY a.id",
            (scope.value, question_id),
        )
        return [PeerAnswer(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    async def choice_scores(
        self, kind: Literal["walk", "assignment", "group"], value: int
    ) -> list[Score]:
        """Each member's right answers on choice questions within ``kind`` (a session, an
        assignment, or a group's sessions and assignments), current answers only."""
        condition = _SCORE_SCOPES[kind]  # one of ours, never the caller's text
        rows = await self._read_all(
            "SELECT a.user_id, MAX(a.display_name), MAX(a.username), "
            "SUM(COALESCE(a.is_correct, 0)), COUNT(*), MAX(a.answered_at) FROM answers AS a "
            f"WHERE {condition} AND a.question_type = 'choice' AND a.retracted = 0 "
            f"AND {NEWEST_VERSION} GROUP BY a.user_id",
            (value,),
        )
        return [Score(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5]) for r in rows]

    async def own_scores(self, user_id: int) -> list[OwnScore]:
        """A student's right answers on choice questions per group, in its sessions and in
        its assignments (always theirs to see, leaderboard or not)."""
        rows = await self._read_all(
            "SELECT g.id, g.title, SUM(COALESCE(a.is_correct, 0)), COUNT(*) FROM answers AS a "
            "JOIN walks AS w ON w.id = a.walk_id "
            "LEFT JOIN assignments AS s ON s.id = w.assignment_id "
            "JOIN chats AS g ON g.id = CASE WHEN w.audience = 'group' THEN w.chat_id "
            "ELSE s.chat_id END "
            "WHERE a.user_id = ? AND a.question_type = 'choice' AND a.retracted = 0 "
            f"AND {NEWEST_VERSION} GROUP BY g.id ORDER BY g.title",
            (user_id,),
        )
        return [OwnScore(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    async def shows_reasons(self, user_id: int) -> bool:
        row = await self._read_one(
            "SELECT shows_reasons FROM discussion_people WHERE user_id = ?", (user_id,)
        )
        return True if row is None else bool(row[0])

    async def set_shows_reasons(self, user_id: int, shows: bool) -> None:
        await self._write(
            lambda db: db.execute(
                "INSERT INTO discussion_people (user_id, shows_reasons) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET shows_reasons = excluded.shows_reasons",
                (user_id, int(shows)),
            )
        )

    async def tell_about_reveal(self, user_id: int) -> bool:
        """True the first time only: this person is to be told that their reasons may be
        shown to others (and how to stop it); from then on False."""
        row = await self._read_one(
            "SELECT told_at FROM discussion_people WHERE user_id = ?", (user_id,)
        )
        if row is not None and row[0] is not None:
            return False  # told already: no write for every answer
        now = self._now()
        return await self._write(
            lambda db: (
                one(
                    db,
                    "INSERT INTO discussion_people (user_id, told_at) VALUES (?, ?) "
                    "ON CONFLICT (user_id) DO UPDATE SET told_at = excluded.told_at "
                    "WHERE told_at IS NULL RETURNING user_id",
                    (user_id, now),
                )
                is not None
            )
        )

    async def group_switches(self, chat_id: int) -> GroupSwitches:
        row = await self._read_one(
            "SELECT digest, leaderboard FROM discussion_groups WHERE chat_id = ?", (chat_id,)
        )
        return GroupSwitches() if row is None else GroupSwitches(bool(row[0]), bool(row[1]))

    async def set_group_switch(self, chat_id: int, switch: GroupSwitch, on: bool) -> None:
        column = {"digest": "digest", "leaderboard": "leaderboard"}[switch]  # ours, not input
        now = self._now()
        await self._write(
            lambda db: db.execute(
                f"INSERT INTO discussion_groups (chat_id, {column}, updated_at) VALUES (?, ?, ?) "
                f"ON CONFLICT (chat_id) DO UPDATE SET {column} = excluded.{column}, "
                "updated_at = excluded.updated_at",
                (chat_id, int(on), now),
            )
        )

    async def claim_digest(self, walk_id: int, question_id: str) -> int | None:
        """Once per session and question, the first of the digest's messages to post now: 0
        (a repeated /end, a restart or a timer firing twice never posts it again), or the
        first a stop refused (``owe_digests``), whose note is taken in the same transaction
        (a crash while posting loses it, never posts it twice). None: nothing to post."""
        now = self._now()

        def claim(db: Db) -> int | None:
            if one(
                db,
                "INSERT INTO digests (walk_id, question_id, posted_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING walk_id",
                (walk_id, question_id, now),
            ):
                return 0
            owed = one(
                db,
                "SELECT owed FROM digests WHERE walk_id = ? AND question_id = ? "
                "AND owed IS NOT NULL",
                (walk_id, question_id),
            )
            if owed is None:
                return None
            # One owed whole goes out now, computed from the answers given until now.
            db.execute(
                "UPDATE digests SET owed = NULL, "
                "posted_at = CASE WHEN owed = 0 THEN ? ELSE posted_at END "
                "WHERE walk_id = ? AND question_id = ?",
                (now, walk_id, question_id),
            )
            return int(owed[0])

        return await self._write(claim)

    async def owe_digests(self, walk_id: int, owed: Sequence[tuple[str, int]]) -> None:
        """A stop refused these claimed digests of a session, each (question id, its first
        message not posted): they are owed, posted when ``claim_digest`` is asked again."""
        await self._write(
            lambda db: db.executemany(
                "UPDATE digests SET owed = ? WHERE walk_id = ? AND question_id = ?",
                [(first, walk_id, question_id) for question_id, first in owed],
            )
        )

    async def owed_digests(self) -> OwedDigests:
        """How many digests a stop left owed, in finished sessions and in open ones (those
        of a session abandoned meanwhile are never posted: not counted)."""
        row = await self._read_one(
            "SELECT COUNT(*) FILTER (WHERE w.status = 'finished'), "
            "COUNT(*) FILTER (WHERE w.status IN ('active', 'paused')) "
            "FROM digests d JOIN walks w ON w.id = d.walk_id WHERE d.owed IS NOT NULL"
        )
        return OwedDigests(int(row[0]), int(row[1])) if row else OwedDigests(0, 0)

    async def claim_word_ask(self, walk_id: int, user_id: int, question_id: str) -> bool:
        """True once per attempt and question: a reason with no words is asked for words
        this time; the next one is taken as it is."""
        return await self._write(
            lambda db: (
                one(
                    db,
                    "INSERT INTO word_asks (walk_id, user_id, question_id) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING RETURNING walk_id",
                    (walk_id, user_id, question_id),
                )
                is not None
            )
        )


def forget_discussion(db: Db, user_id: int) -> int:
    """/forget's part: the person's settings and word asks (run inside forget's transaction)."""
    deleted = db.execute("DELETE FROM discussion_people WHERE user_id = ?", (user_id,)).rowcount
    deleted += db.execute("DELETE FROM word_asks WHERE user_id = ?", (user_id,)).rowcount
    return int(deleted)
