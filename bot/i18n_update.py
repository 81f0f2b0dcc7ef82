"""``python -m bot.i18n_update [LANG ...]``: bring the catalogs in bot/locales up to date
with bot/texts/ (default: every catalog there; a new LANG starts a new catalog).

A new text gets an empty entry to translate; a text whose English changed keeps its old
translation marked ``#, fuzzy`` (not used, and the tests fail, until someone checks it and
removes the mark); a text that is gone is dropped. Then it lists what is left to translate.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot import i18n, texts


def template() -> Catalog:
    """Every message id of bot/texts/ with its English (a .pot, in memory)."""
    catalog = Catalog(domain=i18n.DOMAIN, project="editorial-discussion-bot")
    for key, source in i18n.entries(texts).items():
        english = (source.one, source.other) if isinstance(source, i18n.Plural) else source
        catalog.add(english, context=key)
    return catalog


def update(language: str) -> list[str]:
    """Update (or start) ``language``'s catalog; the ids still untranslated."""
    path = i18n.LOCALES / f"{language}.po"
    if path.exists():
        with path.open("rb") as file:
            catalog = read_po(file, locale=language, domain=i18n.DOMAIN)
    else:
        catalog = Catalog(locale=language, domain=i18n.DOMAIN, project="editorial-discussion-bot")
    pot = template()
    pot.creation_date = catalog.creation_date  # a header that changes only with its texts
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.fuzzy = False  # the header: nothing to check there
    catalog.revision_date = catalog.creation_date
    catalog.version = "1"
    catalog.copyright_holder = "the Editorial Discussion Bot's authors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = ""
    catalog.language_team = ""
    # A changed English keeps its translation, marked for review (Babel's own fuzzy matching
    # guesses by similar words; by message id is exact).
    earlier = {m.context: m for m in catalog.obsolete.values() if m.context}
    for message in catalog:
        old = earlier.get(message.context or "")
        if old is not None and not _translated(message) and _translated(old):
            message.string = old.string
            message.flags.add("fuzzy")
    with path.open("wb") as file:
        write_po(file, catalog, width=100, ignore_obsolete=True, sort_output=False)
    return [str(m.context) for m in catalog if m.id and (m.fuzzy or not _translated(m))]


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def main(argv: Sequence[str] | None = None) -> int:
    languages = list(argv if argv is not None else sys.argv[1:])
    for language in languages or [code for code in i18n.available() if code != i18n.SOURCE]:
        left = update(language)
        sys.stdout.write(f"{language}: {len(left)} to translate\n")
        for key in left:
            sys.stdout.write(f"  {key}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
