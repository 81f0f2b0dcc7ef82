"""The instance lock: one running bot per database."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from bot.storage.records import StorageError


class InstanceLock:
    """An advisory lock on ``<database>.lock``, held while a bot instance runs."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    @classmethod
    def take(cls, path: Path) -> InstanceLock:
        handle = Path(f"{path}.lock").open("a")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StorageError(
                f"another bot instance is already using {path}: stop it first "
                "(two instances on one database would answer every update twice)"
            ) from None
        return cls(handle)

    def release(self) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
