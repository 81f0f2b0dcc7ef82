"""Every word the bot says: one catalog, kept in a submodule per room.

Templates are HTML (Telegram's subset). Placeholders are filled by ``bot.render``, which
escapes every value that comes from a lesson or a user before it goes in.

Code reads a text as ``texts.NAME`` (``from bot import texts``), never from a submodule:
only this module's attributes speak the reader's language (bot/i18n.py says how to add a
text: English in the submodule of its room, its Korean in bot/locales/ko.po, msgctxt = its
name). A name is defined in one submodule only (tests/test_texts_package.py): a second one
would silently shadow the first here.

Its submodules:

- ``lessons``: a student's own lesson in a private chat: menus, parts, questions, feedback,
  the summary, hints and refusals, the self-check;
- ``groups``: a group's session: /begin … /end, /status, the group's answers and replies,
  the /settings panel, a paced session;
- ``homework``: /assign, /assignments, /timezone, the assignment message, deadlines, the
  close, reminders;
- ``reports``: /report, /export, the grade book, the chart, /myanswers, /forget;
- ``dashboard``: the moderators' dashboard, in Telegram and on its web pages;
- ``words``: the glossary: 📖 Words, /words, lookups in the report;
- ``discussion``: what others said, digests, the opinion shift, the other side, the
  leaderboard;
- ``common``: /help, the command menus, commands in the wrong chat, the flood's slow-down,
  /reload, /language, the bot's profile, counted words.
"""

from __future__ import annotations

from bot.i18n import translate_module
from bot.texts.common import *  # noqa: F403
from bot.texts.dashboard import *  # noqa: F403
from bot.texts.discussion import *  # noqa: F403
from bot.texts.groups import *  # noqa: F403
from bot.texts.homework import *  # noqa: F403
from bot.texts.lessons import *  # noqa: F403
from bot.texts.reports import *  # noqa: F403
from bot.texts.words import *  # noqa: F403

# Last: ``texts.NAME`` now answers in the current reader's language (bot/i18n.py).
translate_module(__name__)
