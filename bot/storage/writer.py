"""The one writer: every write transaction of the bot, on one thread and one connection.

The poller handles many members' updates at once, so writes arrive concurrently. Each is
queued here as a job (a function of the connection), and the writer runs everything queued
so far in one transaction: many answers cost one trip to the database thread and one
COMMIT (group commit). The thread goes from one transaction to the next by itself while
jobs keep coming, without waiting for a turn of the event loop in between (under load a
turn costs milliseconds). A caller's ``await`` returns only after the transaction holding
its job has committed, so a handler still acknowledges only what is on disk.

A job that raises is undone alone and its caller gets the error (the batch is run again
with each job under a SAVEPOINT; jobs are functions of the connection, so they can be run
again); a failed COMMIT (disk full, say) fails every job of the transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot.storage.own_thread import close_on_own_thread, connect_on_own_thread

T = TypeVar("T")

# Bounds one transaction, so that the first job of a flood is not kept waiting for the last.
MAX_JOBS_PER_TRANSACTION = 500
BUSY_TIMEOUT_MS = 5000  # as schema.WRITER_PRAGMAS sets it


@dataclass(slots=True)
class _Job(Generic[T]):
    work: Callable[[sqlite3.Connection], T]
    future: asyncio.Future[T]
    # Runs on the event loop after the commit, before the caller resumes, with the job's
    # result (e.g. to drop cached rows the job changed and keep those it wrote).
    on_commit: Callable[[Any], None] | None
    # The update whose handling made this write: marked handled in the same transaction.
    update_id: int | None


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


MarkHandled = Callable[[sqlite3.Connection, list[int]], None]


class Writer:
    def __init__(self, connection: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
        self._connection = connection
        self._executor = executor
        self._mark_handled: MarkHandled | None = None
        self._lock = threading.Lock()  # the queue is shared with the writer thread
        self._queue: list[_Job[Any]] = []
        # Set while the writer thread drains the queue; resolved when it has stopped.
        self._drained: asyncio.Future[None] | None = None
        self._closed = False

    @classmethod
    async def open(cls, path: Path) -> Writer:
        return cls(*await connect_on_own_thread(path, "sqlite-writer"))

    def mark_handled_with(self, statements: MarkHandled) -> None:
        """How a transaction records the updates its jobs came from (once per transaction)."""
        self._mark_handled = statements

    async def configure(self, pragmas: Sequence[str]) -> None:
        """Set up the connection, outside any transaction (where journal_mode must be set)."""

        def apply() -> None:
            for pragma in pragmas:
                self._connection.execute(pragma)

        await asyncio.get_running_loop().run_in_executor(self._executor, apply)

    async def checkpoint(self) -> bool:
        """Copy the log (WAL) into the database file and empty it, between transactions: the
        log still holds the old pages of rows just deleted. Gives up at once, rather than
        hold writes up, while a read is in progress (False); SQLite checkpoints later."""

        def truncate() -> bool:
            self._connection.execute("PRAGMA busy_timeout = 0")
            try:
                busy = self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            return busy is not None and busy[0] == 0

        return await asyncio.get_running_loop().run_in_executor(self._executor, truncate)

    async def run(
        self,
        work: Callable[[sqlite3.Connection], T],
        on_commit: Callable[[T], None] | None = None,
        update_id: int | None = None,
    ) -> T:
        """Run ``work`` in the next transaction; return its result once that has committed."""
        # A caller that gives up waiting cancels only its future: the write stays in the batch.
        return await self.queue(work, on_commit, update_id)

    def queue(
        self,
        work: Callable[[sqlite3.Connection], T],
        on_commit: Callable[[T], None] | None = None,
        update_id: int | None = None,
    ) -> asyncio.Future[T]:
        """Put ``work`` in the next transaction without waiting for it: the future is done
        once that has committed. Writes are committed in the order they were queued."""
        if self._closed:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._queue.append(_Job(work, future, on_commit, update_id))
            start = self._drained is None
            if start:
                self._drained = loop.create_future()
        if start:
            self._start_draining(loop)
        return future

    def _start_draining(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._executor.submit(self._drain, loop)
        except RuntimeError as error:  # the thread is gone (the process is ending)
            with self._lock:
                jobs, self._queue = self._queue, []
            _abandon(jobs, error)
            self._finished_draining()

    async def close(self) -> None:
        """Commit what is queued, then close; later writes raise ``ProgrammingError``."""
        self._closed = True
        if self._drained is not None:
            await asyncio.shield(self._drained)
        await close_on_own_thread(self._connection, self._executor)

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the writer thread: transaction after transaction, each holding what was queued
        when it began, until nothing is queued. What queues up during one transaction goes
        in the next at once: the event loop is not waited for between them, and each batch's
        callers are resumed with one call to it."""
        jobs: list[_Job[Any]] = []
        try:
            while True:
                with self._lock:
                    jobs = self._queue[:MAX_JOBS_PER_TRANSACTION]
                    del self._queue[:MAX_JOBS_PER_TRANSACTION]
                    if not jobs:
                        break
                outcomes = self._transaction(jobs)
                loop.call_soon_threadsafe(_deliver, jobs, outcomes)
        except BaseException as error:  # noqa: BLE001 - no caller may wait forever
            with self._lock:
                left, self._queue = self._queue, []
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_abandon, jobs + left, error)
        finally:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
                loop.call_soon_threadsafe(self._finished_draining)

    def _finished_draining(self) -> None:
        """On the event loop, after the last batch's callers were handed their results."""
        with self._lock:
            drained, self._drained = self._drained, None
            if self._queue:  # queued after the thread looked for the last time
                self._drained = drained
                drained = None
        if drained is None:
            self._start_draining(asyncio.get_running_loop())
        elif not drained.done():
            drained.set_result(None)

    def _transaction(self, jobs: list[_Job[Any]]) -> list[object]:
        """On the writer thread: all the jobs in one transaction. Jobs rarely fail, so they
        run plainly first; if one does, the batch is run again with a savepoint each."""
        try:
            try:
                return self._run_in_transaction(jobs, isolated=False)
            except _JobFailed:
                return self._run_in_transaction(jobs, isolated=True)
        except Exception as error:  # noqa: BLE001 - handed to every job's caller
            return [_Failed(_fresh(error)) for _ in jobs]

    def _run_in_transaction(self, jobs: list[_Job[Any]], *, isolated: bool) -> list[object]:
        db = self._connection
        db.execute("BEGIN IMMEDIATE")  # busy or disk I/O: raises, nothing ran
        try:
            outcomes = [self._run_job(db, job, isolated) for job in jobs]
            if self._mark_handled is not None:
                handled = [
                    job.update_id
                    for job, outcome in zip(jobs, outcomes, strict=True)
                    if job.update_id is not None and not isinstance(outcome, _Failed)
                ]
                if handled:
                    self._mark_handled(db, handled)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            raise
        return outcomes

    @staticmethod
    def _run_job(db: sqlite3.Connection, job: _Job[Any], isolated: bool) -> object:
        if not isolated:
            try:
                return job.work(db)
            except Exception as error:
                raise _JobFailed from error
        db.execute("SAVEPOINT job")
        try:
            outcome: object = job.work(db)
        except Exception as error:
            if not db.in_transaction:
                raise  # SQLite rolled the whole transaction back (disk full, say)
            db.execute("ROLLBACK TO job")
            outcome = _Failed(error)
        db.execute("RELEASE job")
        return outcome


class _JobFailed(Exception):
    """A job raised in a batch run without savepoints: run the batch again with them."""


def _deliver(jobs: list[_Job[Any]], outcomes: list[object]) -> None:
    """On the event loop: a committed transaction's callers get their results (or errors)."""
    for job, outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, _Failed):
            if not job.future.done():
                job.future.set_exception(outcome.error)
            continue
        if job.on_commit is not None:
            job.on_commit(outcome)  # even for a caller that stopped waiting: it is written
        if not job.future.done():
            job.future.set_result(outcome)


def _abandon(jobs: list[_Job[Any]], error: BaseException) -> None:
    """Fail jobs whose transaction could not be run (cancelled at shutdown, say)."""
    for job in jobs:
        if job.future.done():
            continue
        if isinstance(error, Exception):
            job.future.set_exception(_fresh(error))
        else:
            job.future.cancel()


def _fresh(error: Exception) -> Exception:
    """A copy per caller: one exception raised in several tasks would share a traceback."""
    return copy.copy(error)
