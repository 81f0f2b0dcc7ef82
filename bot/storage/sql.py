"""Small pieces every query module shares: the writer's connection type, one row or a
row count from a statement, what "the current answer" means in SQL, and which glossary
lookups are a group's."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

Db = sqlite3.Connection


def one(db: Db, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
    row: sqlite3.Row | None = db.execute(sql, params).fetchone()
    return row


def rowcount(db: Db, sql: str, params: Sequence[object] = ()) -> int:
    return db.execute(sql, params).rowcount


def newest_version(of: str = "a", *, within: str = "") -> str:
    """A condition: the answer row ``of`` (an alias of ``answers``) is its member's newest
    version of their answer to that question in that walk, i.e. the current answer.

    The one definition of "current": every query that wants current answers uses it.
    ``within`` narrows the versions compared (``v``), e.g. to an export's time window:
    then it is the newest version within the window. The MAX is one probe of the
    (walk_id, user_id, question_id, version) index."""
    return (
        f"{of}.version = (SELECT MAX(v.version) FROM answers AS v "
        f"WHERE v.walk_id = {of}.walk_id AND v.user_id = {of}.user_id "
        f"AND v.question_id = {of}.question_id{within})"
    )


# Of ``answers AS a``: only each member's newest version of each answer.
NEWEST_VERSION = newest_version("a")


def lookups_of_chat(chat: str) -> str:
    """A condition: the lookup ``l`` (an alias of ``lookups``) is the group ``chat``'s (a
    bound parameter: ``?`` or ``:name``): pressed under its messages, or made while doing
    its homework in a member's private chat (the attempt's walk names the assignment).
    The one definition, for its report and its export."""
    return (
        f"(l.chat_id = {chat} OR l.walk_id IN (SELECT hw.id FROM walks AS hw "
        f"JOIN assignments AS hs ON hs.id = hw.assignment_id WHERE hs.chat_id = {chat}))"
    )
