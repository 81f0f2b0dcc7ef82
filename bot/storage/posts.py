"""Posts: which bot message (or poll) stands for which step of a walk, and the options it
showed. Replies and poll answers find their question through them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from bot.storage.base import StorageBase
from bot.storage.paces import plan_tick
from bot.storage.records import Post, Walk
from bot.storage.sql import Db
from bot.storage.walks import move

POST_COLUMNS = (
    "chat_id, message_id, walk_id, position, question_id, poll_id, carries_next, section, "
    "options, kind, closes_at"
)
_INSERT_POST = (
    f"INSERT OR REPLACE INTO posts ({POST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def post_of(row: sqlite3.Row) -> Post:
    chat_id, message_id, walk_id, position, question_id, poll_id, carries_next, section = row[:8]
    options = tuple(json.loads(row[8])) if row[8] is not None else None
    return Post(
        chat_id,
        message_id,
        walk_id,
        position,
        question_id,
        poll_id,
        bool(carries_next),
        section,
        options,
        row[9],
        row[10],
    )


def _insert_posts(db: Db, posts: Sequence[Post]) -> None:
    """Store posts; one recorded before under the same message id is replaced."""
    db.executemany(
        _INSERT_POST,
        [
            (
                p.chat_id,
                p.message_id,
                p.walk_id,
                p.position,
                p.question_id,
                p.poll_id,
                int(p.carries_next),
                p.section,
                None if p.options is None else json.dumps(p.options, ensure_ascii=False),
                p.kind,
                p.closes_at,
            )
            for p in posts
        ],
    )


def _keys_of(post: Post) -> list[tuple[int, int] | str]:
    """Where the posts cache keeps a post: by its message, and by its poll if it is one
    (``post_for_message``, ``post_for_poll``)."""
    return [(post.chat_id, post.message_id)] + ([] if post.poll_id is None else [post.poll_id])


class PostQueries(StorageBase):
    async def record_part(
        self, walk: Walk, to_position: int, posts: Sequence[Post], *, tick_at: str | None = None
    ) -> Walk | None:
        """Remember the messages of a part just posted and move the session past it.

        Only the newest part carries the "Next" button, so older posts lose the flag.
        None if the session moved meanwhile (another moderator was quicker).
        ``tick_at``: a paced session's next tick, planned from where it moved to (in the
        same transaction).
        """

        def record(db: Db) -> Walk | None:
            moved = move(db, walk, to_position, None)
            if moved is None:
                return None
            if tick_at is not None:
                plan_tick(db, walk.id, to_position, tick_at)
            db.execute(
                "UPDATE posts SET carries_next = 0 WHERE walk_id = ? AND carries_next = 1",
                (walk.id,),
            )
            _insert_posts(db, posts)
            return moved

        def keep(moved: Walk | None) -> None:
            if moved is not None:  # the next answers find the session and its new posts
                self._walks.put(moved.id, moved, self._walks.generation)
                self._keep_posts(posts)

        return await self._write(
            record,
            changes_walks=True,
            of_walks={walk.id, *self._walks_replaced(posts)},
            then_cache=keep,
        )

    async def record_posts(self, posts: Sequence[Post]) -> None:
        """Remember messages just posted without moving any walk (a private chat's question,
        with the options it showed)."""
        if posts:
            await self._write(
                lambda db: _insert_posts(db, posts),
                changes_posts=True,
                of_walks={post.walk_id for post in posts} | self._walks_replaced(posts),
                then_cache=lambda _: self._keep_posts(posts),
            )

    def _keep_posts(self, posts: Sequence[Post]) -> None:
        """Posts just written, as a read of them would find them, kept for the answers
        that come right after them (the first of a group's members used to read each)."""
        generation = self._posts.generation
        for post in posts:
            for key in _keys_of(post):
                self._posts.put(key, post, generation)

    def _walks_replaced(self, posts: Sequence[Post]) -> set[int]:
        """The walks of cached posts that these replace (the same message or poll recorded
        again, INSERT OR REPLACE): their rows are dropped too."""
        keys = [key for post in posts for key in _keys_of(post)]
        return {cached.walk_id for key in keys if (cached := self._posts.get(key)) is not None}

    async def post_for_message(self, chat_id: int, message_id: int) -> Post | None:
        return await self._post(
            (chat_id, message_id),
            f"SELECT {POST_COLUMNS} FROM posts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )

    async def post_for_poll(self, poll_id: str) -> Post | None:
        return await self._post(
            poll_id,
            f"SELECT {POST_COLUMNS} FROM posts WHERE poll_id = ?",
            (poll_id,),
        )

    async def _post(
        self, key: tuple[int, int] | str, sql: str, params: Sequence[object]
    ) -> Post | None:
        async def load() -> Post | None:
            row = await self._read_one(sql, params)
            return post_of(row) if row else None

        return await self._posts.get_or_load(key, load)

    async def post_of_question(self, walk_id: int, question_id: str) -> Post | None:
        """The newest post of a question in a walk (the last recorded); None: not posted."""

        async def load() -> Post | None:
            row = await self._read_one(
                f"SELECT {POST_COLUMNS} FROM posts WHERE walk_id = ? AND question_id = ? "
                "ORDER BY rowid DESC LIMIT 1",
                (walk_id, question_id),
            )
            return post_of(row) if row else None

        return await self._question_posts.get_or_load((walk_id, question_id), load)

    async def posts_of_walk(self, walk_id: int) -> list[Post]:
        rows = await self._read_all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE walk_id = ? ORDER BY message_id",
            (walk_id,),
        )
        return [post_of(row) for row in rows]
