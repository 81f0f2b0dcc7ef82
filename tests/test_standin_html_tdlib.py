"""The Bot API stand-in parses HTML as Telegram does: tdlib's own test vectors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.standin import EntityParseError, FormattedText, parse_html

# ---------------------------------------------------------------------- tdlib's own test vectors

# Cases of check_parse_html in tdlib's test/message_entities.cpp, with entities as the Bot
# API writes them: the stand-in parses HTML the way Telegram does. An error is the reason
# after "can't parse entities: ".
Expected = str | tuple[str, list[dict[str, object]]]


def E(kind: str, offset: int, length: int, **extra: object) -> dict[str, object]:
    return {"type": kind, "offset": offset, "length": length, **extra}


SURROGATES = (
    "Text contains invalid Unicode characters after decoding HTML entities, check for "
    "unmatched surrogate code units"
)
TDLIB_HTML: list[tuple[str, Expected]] = [
    (
        "&#57311;",
        SURROGATES,
    ),
    (
        "&#xDFDF",
        SURROGATES,
    ),
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'),
    ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
    ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    ("🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
    ("&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", ('&ge;<>&"&laquo;&raquo;&#12345678;', [])),
    ("🏟 🏟<i>🏟 &lt🏟</i>", ("🏟 🏟🏟 <🏟", [E("italic", 5, 6)])),
    (
        "🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
        ("🏟 🏟🏟 ><🏟", [E("italic", 5, 7), E("bold", 9, 3)]),
    ),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>", ("🏟 🏟<a", [E("italic", 6, 1)])),
    ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;'>a</>", ("🏟 🏟<a", [E("italic", 6, 1)])),
    ("🏟 🏟&lt;<i>a</    >", ("🏟 🏟<a", [E("italic", 6, 1)])),
    ("🏟 🏟&lt;<b></b>", ("🏟 🏟<", [])),
    (
        '➡️ ➡️<span class = "tg-spoiler">➡️ ➡️</span><b>➡️ ➡️</b>',
        ("➡️ ➡️➡️ ➡️➡️ ➡️", [E("spoiler", 5, 5), E("bold", 10, 5)]),
    ),
    ("<a href=telegram.org>\t</a>", ("\t", [E("text_link", 0, 1, url="http://telegram.org/")])),
    (
        "<code><i><b> </b></i></code><i><b><code> </code></b></i>",
        (
            "  ",
            [
                E("code", 0, 1),
                E("bold", 0, 1),
                E("italic", 0, 1),
                E("code", 1, 1),
                E("bold", 1, 1),
                E("italic", 1, 1),
            ],
        ),
    ),
    (
        "<a   href=  'telegram.org?&lt;'   > </a>",
        (" ", [E("text_link", 0, 1, url="http://telegram.org/?<")]),
    ),
    ("<a> </a>", (" ", [])),
    ("<a>telegram.org </a>", ("telegram.org ", [])),
    ("<a>telegram.org</a>", ("telegram.org", [E("text_link", 0, 12, url="http://telegram.org/")])),
    (
        "<a>https://telegram.org/asdsa?asdasdwe#12e3we</a>",
        (
            "https://telegram.org/asdsa?asdasdwe#12e3we",
            [E("text_link", 0, 42, url="https://telegram.org/asdsa?asdasdwe#12e3we")],
        ),
    ),
    ("🏟 🏟&lt;<pre><code>🏟 🏟&lt;</code></>", ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6), E("code", 6, 6)])),
    (
        '🏟 🏟&lt;<pre><code class="language-">🏟 🏟&lt;</code></>',
        ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6), E("code", 6, 6)]),
    ),
    (
        '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>',
        ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6, language="fift")]),
    ),
    (
        '🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>',
        ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6, language="fift")]),
    ),
    (
        '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</> </>',
        ("🏟 🏟<🏟 🏟< ", [E("pre", 6, 7), E("code", 6, 6)]),
    ),
    (
        '🏟 🏟&lt;<pre> <code class="language-fift">🏟 🏟&lt;</></>',
        ("🏟 🏟< 🏟 🏟<", [E("pre", 6, 7), E("code", 7, 6)]),
    ),
    (
        '➡️ ➡️<tg-emoji emoji-id = "12345">➡️ ➡️</tg-emoji><b>➡️ ➡️</b>',
        ("➡️ ➡️➡️ ➡️➡️ ➡️", [E("custom_emoji", 5, 5, custom_emoji_id="12345"), E("bold", 10, 5)]),
    ),
    (
        '🏟 🏟<b aba   =   caba><tg-emoji emoji-id="1">🏟</tg-emoji>1</b>',
        ("🏟 🏟🏟1", [E("bold", 5, 3), E("custom_emoji", 5, 2, custom_emoji_id="1")]),
    ),
    (
        '➡️ ➡️<tg-time unix = "12345", format = "rt">➡️ ➡️</tg-time><b>➡️ ➡️</b>',
        "Invalid date format used",
    ),
    (
        '➡️ ➡️<tg-time unix = "12345", format = "tttTTdDwW">➡️ ➡️</tg-time><b>➡️ ➡️</b>',
        (
            "➡️ ➡️➡️ ➡️➡️ ➡️",
            [E("date_time", 5, 5, unix_time=12345, date_time_format="tttTTdDwW"), E("bold", 10, 5)],
        ),
    ),
    (
        '<blockquote   cite="" askdlbas nasjdbaj nj12b3>a&lt;<pre  >b;</></>',
        ("a<b;", [E("blockquote", 0, 4), E("pre", 2, 2)]),
    ),
    (
        "<blockquote   expandable>a&lt;<pre  >b;</></>",
        ("a<b;", [E("expandable_blockquote", 0, 4), E("pre", 2, 2)]),
    ),
    (
        "<blockquote   expandable   asd>a&lt;<pre  >b;</></>",
        ("a<b;", [E("expandable_blockquote", 0, 4), E("pre", 2, 2)]),
    ),
    (
        "<blockquote   expandable=false>a&lt;<pre  >b;</></>",
        ("a<b;", [E("expandable_blockquote", 0, 4), E("pre", 2, 2)]),
    ),
]


@pytest.mark.parametrize(("markup", "expected"), TDLIB_HTML)
def test_html_parses_like_tdlib(markup: str, expected: Expected) -> None:
    assert _parsed(lambda: parse_html(markup, strict_ampersand=False)) == expected


def _parsed(parse: Callable[[], FormattedText]) -> Expected:
    try:
        formatted = parse()
    except EntityParseError as error:
        return str(error)
    return formatted.text, list(formatted.entities)
