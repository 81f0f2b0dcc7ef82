"""Time zones by IANA name (``Asia/Seoul``): parsed with the standard library's ``zoneinfo``
(its data from the ``tzdata`` package where the system has none), with close matches for a
name it does not know. Pure: no Telegram, no SQL."""

from __future__ import annotations

import difflib
import zoneinfo
from functools import lru_cache

DEFAULT = "UTC"
MAX_SUGGESTIONS = 3


class UnknownZone(ValueError):
    """A name that is no IANA time zone; ``suggestions``: the closest real ones."""

    def __init__(self, name: str, suggestions: tuple[str, ...]) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions


@lru_cache(maxsize=1)
def _known() -> dict[str, str]:
    """Every zone name, by its lower-case form (``asia/seoul`` -> ``Asia/Seoul``)."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def canonical(name: str) -> str:
    """The zone's name as IANA spells it, whatever the case typed; ``UnknownZone`` if it is
    none (the name is never handed to the file system unchecked: ``../x`` is just unknown)."""
    typed = name.strip()
    found = _known().get(typed.casefold())
    if found is None:
        raise UnknownZone(typed, close_matches(typed))
    return found


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The ``ZoneInfo`` of a name, as ``canonical`` accepts it."""
    return zoneinfo.ZoneInfo(canonical(name))


def close_matches(name: str) -> tuple[str, ...]:
    """Real zone names that look like ``name``: a misspelling (``Asia/Seol``), the city alone
    (``seoul``), or the wrong case."""
    typed = name.strip().casefold()
    if not typed:
        return ()
    known = _known()
    by_city = {key.rsplit("/", 1)[-1]: key for key in known if "/" in key}
    matches = difflib.get_close_matches(typed, list(known), n=MAX_SUGGESTIONS, cutoff=0.6)
    for city in difflib.get_close_matches(typed, list(by_city), n=MAX_SUGGESTIONS, cutoff=0.75):
        if by_city[city] not in matches:
            matches.append(by_city[city])
    return tuple(known[key] for key in matches[:MAX_SUGGESTIONS])
