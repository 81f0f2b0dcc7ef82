"""Logging set-up that never shows the bot token, nor what members wrote or are called.

httpx and httpcore log full request URLs, and Bot API URLs carry the token
(``/bot<token>/getUpdates``). Their chatter is lowered to WARNING, and every record that
reaches our handler is scrubbed of anything shaped like a token, at every level.

At DEBUG, libraries dump content: PTB's ``telegram.Bot`` logs every request's parameters and
every answer (so every update, with names, usernames and texts), ``telegram.ext`` logs each
update in full, and aiosqlite logs every call with its SQL parameters (answers, names).
/forget cannot reach a log file, so these loggers are held at INFO even when BOT_LOG_LEVEL
is DEBUG: their INFO lines carry no such content ("Application started", a flood-limit
wait). Our own log lines name ids (update, chat, user, walk), never texts or names. A
level on the logger, rather than a filter on the handler, also spares building the
records: the dumps are big.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

TOKEN_SHAPE = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,64}")
REDACTED = "<redacted-token>"
# A text quoted in a message may be cut short ("123456789:AAHfakeTok…", as lesson problems
# quote a file's text): a word holding this many characters in a row of a known token's
# secret is redacted too.
FRAGMENT = 8
_WORDS = re.compile(rf"[A-Za-z0-9_:-]{{{FRAGMENT},}}")
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler")  # held at WARNING
CONTENT_LOGGERS = ("telegram", "aiosqlite")  # held at INFO: at DEBUG they dump content


class RedactTokens(logging.Filter):
    """Replace bot tokens in the rendered message (and exception text) with a marker."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)
        # The secret's pieces, after the bot id (which is public: the bot's user id).
        self._pieces = frozenset(
            hidden[start : start + FRAGMENT]
            for secret in self._secrets
            for hidden in (secret.partition(":")[2] or secret,)
            for start in range(len(hidden) - FRAGMENT + 1)
        )

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = TOKEN_SHAPE.sub(REDACTED, text)
        return _WORDS.sub(self._piece_of_secret, text) if self._pieces else text

    def _piece_of_secret(self, match: re.Match[str]) -> str:
        word = match.group()
        for start in range(len(word) - FRAGMENT + 1):
            if word[start : start + FRAGMENT] in self._pieces:
                return REDACTED
        return word

    def add(self, secret: str) -> None:
        """Redact one more secret from now on (the webhook's, known once the database is
        open)."""
        if secret and secret not in self._secrets:
            self.__dict__.update(RedactTokens(*self._secrets, secret).__dict__)

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.redact(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info:
            # Format the traceback now, redacted, so the formatter reuses our text.
            formatter = logging.Formatter()
            record.exc_text = self.redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``BOT_LOG_FORMAT=json``), for log collectors. The record has
    passed ``RedactTokens`` already: its message and traceback are redacted text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            line["traceback"] = record.exc_text
        elif record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def redact_also(secret: str) -> None:
    """Have the redacting filter on the root logger's handlers hide one more secret."""
    for handler in logging.getLogger().handlers:
        for found in handler.filters:
            if isinstance(found, RedactTokens):
                found.add(secret)


def configure_logging(level: str, *secrets: str, fmt: str = "text") -> None:
    """Send logs to stderr through the redacting filter; called once from the command line.
    ``fmt``: "text" (a line for people) or "json" (an object per line)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(*secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in CONTENT_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
