"""Files only the bot's own user may read: the database and the files beside it hold members'
names and answers, and ``.env`` holds the token.

``python -m bot`` runs every command under the umask ``PRIVATE_UMASK``, so what it creates
(the database folder, the database, its -wal, -shm and lock files) is 0700 or 0600. At
start, ``run`` also tightens such files left wider by an earlier version or by hand, one log
line each, and warns when ``.env`` is readable by other users.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Final

from bot.config import ENV_FILE

log = logging.getLogger(__name__)

PRIVATE_UMASK: Final = 0o077  # no permission at all for the group and others
_OTHERS: Final = stat.S_IRWXG | stat.S_IRWXO
# SQLite's files beside the database, and the lock file of a running bot.
_BESIDE: Final = ("-wal", "-shm", "-journal", ".lock")


def check_at_start(db_path: Path, env_file: Path = Path(ENV_FILE)) -> None:
    """Make the database's folder and files private, and warn about a readable ``.env``."""
    _private_folder(db_path.parent)
    for path in (db_path, *(Path(f"{db_path}{suffix}") for suffix in _BESIDE)):
        _tighten(path)
    _warn_if_readable(env_file)


def _private_folder(folder: Path) -> None:
    if not folder.exists():
        # Storage would create it too, but with the folder's default mode.
        folder.mkdir(mode=0o700, parents=True)
        return
    info = folder.stat()
    # A folder shared with other things (the working folder, a home, /tmp) is left as it
    # is: closing it could lock others out; the files in it are private all the same.
    shared = (
        info.st_uid != os.getuid()
        or bool(info.st_mode & stat.S_ISVTX)
        or folder.resolve() in (Path.cwd().resolve(), Path.home().resolve())
    )
    if not shared:
        _tighten(folder)


def _tighten(path: Path) -> None:
    """Take every permission of the group and others away from ``path``, if it has any."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if not mode & _OTHERS:
        return
    private = mode & ~_OTHERS
    try:
        path.chmod(private)
    except OSError as error:
        log.warning(
            "%s can be read by other users of this machine (mode %04o) and could not be "
            "changed: %s; make it private with chmod %04o",
            path,
            mode,
            error.strerror or error,
            private,
        )
        return
    log.warning(
        "made %s private: mode %04o, was %04o (other users of this machine could read it)",
        path,
        private,
        mode,
    )


def _warn_if_readable(env_file: Path) -> None:
    try:
        mode = stat.S_IMODE(env_file.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & _OTHERS:
        log.warning(
            "%s holds the bot token and other users of this machine can read it (mode %04o): "
            "run chmod 600 %s",
            env_file,
            mode,
            env_file,
        )
