"""A SQLite connection that lives on a thread of its own (the writer's, the checkpointer's):
opened there, used only there, and closed there."""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


async def connect_on_own_thread(
    path: Path, name: str, *pragmas: str
) -> tuple[sqlite3.Connection, ThreadPoolExecutor]:
    """The connection (transactions are the caller's: BEGIN … COMMIT, not the module's) and
    the one-thread executor every use of it must go through."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in pragmas:
            connection.execute(pragma)
        return connection

    try:
        connection = await asyncio.get_running_loop().run_in_executor(executor, connect)
    except BaseException:
        executor.shutdown(wait=False)
        raise
    return connection, executor


async def close_on_own_thread(connection: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
    try:
        await asyncio.get_running_loop().run_in_executor(executor, connection.close)
    except RuntimeError:  # the thread is already gone (interpreter shutting down)
        connection.close()
    executor.shutdown(wait=True)
