"""The exit statuses of every ``python -m bot`` command, defined once."""

from __future__ import annotations

from typing import Final

EXIT_OK: Final = 0
# The command ran and failed: invalid lessons, a bad token, a failed export or backup.
EXIT_FAILED: Final = 1
# A mistake in the command line or the settings: nothing was attempted.
EXIT_USAGE: Final = 2
