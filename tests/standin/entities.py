"""Telegram's text formatting, as the Bot API server applies it to a message before storing it.

``parse_html`` follows tdlib's parser (td/telegram/MessageEntity.cpp) closely, including its
error wording and byte offsets, so a message the stand-in accepts is one Telegram accepts, and
vice versa. The bot sends HTML only; the MarkdownV2 and legacy Markdown modes are refused (see
``StandInState.format_text``). One deliberate deviation is opt-out: with ``strict_ampersand``
(the default) a ``&`` that does not start a character reference Telegram decodes (``&lt; &gt;
&amp; &quot;`` and numeric ones) is rejected, where Telegram would show it literally; it
almost always means a value was not escaped.

Offsets and lengths are in UTF-16 code units, like the Bot API's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
        "tg-time",
    }
)

# tdlib's MessageEntity::get_type_priority, by Bot API type name (lower sorts first).
_PRIORITY = {
    "mention": 50,
    "hashtag": 50,
    "bot_command": 50,
    "url": 50,
    "email": 50,
    "bold": 90,
    "italic": 91,
    "code": 20,
    "pre": 11,
    "text_link": 49,
    "text_mention": 49,
    "cashtag": 50,
    "phone_number": 50,
    "underline": 92,
    "strikethrough": 93,
    "blockquote": 0,
    "expandable_blockquote": 1,
    "spoiler": 94,
    "custom_emoji": 99,
    "date_time": 50,
}
ENTITY_TYPES = frozenset(_PRIORITY)

# Entities that auto-detected ones (urls, mentions, ...) never overlap.
_OPAQUE = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji", "date_time"})


class EntityParseError(ValueError):
    """The markup is invalid; ``str(error)`` is tdlib's reason (after "can't parse entities: ")."""


UserResolver = Callable[[int], JSONDict | None]


@dataclass(frozen=True)
class FormattedText:
    """Plain text plus its entities (Bot API MessageEntity dicts, UTF-16 offsets)."""

    text: str
    entities: tuple[JSONDict, ...] = field(default_factory=tuple)

    @property
    def length(self) -> int:
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Bot API length and offset."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _is_space(char: str) -> bool:
    # tdlib's is_space; the end of the string counts as a space there, callers handle it.
    return char in " \t\r\n\v"


def sort_entities(entities: Iterable[JSONDict]) -> list[JSONDict]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))


def _entity(kind: str, offset: int, length: int, **extra: Any) -> JSONDict:
    return {"type": kind, "offset": offset, "length": length, **extra}


_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}$")


def _checked_link(url: str) -> str | None:
    """A rough LinkManager::get_checked_link: the normalized URL, or None (entity dropped)."""
    if not url or any(c.isspace() for c in url):
        return None
    scheme_match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(//)?", url)
    if scheme_match is not None:
        scheme = scheme_match.group(1).lower()
        if scheme in ("tg", "ton", "ftp", "mailto"):
            return url
        if scheme not in ("http", "https") or not scheme_match.group(2):
            return None
        rest = url[scheme_match.end() :]
    else:
        scheme, rest = "http", url
    split = re.search(r"[/?#]", rest)
    host, tail = (rest[: split.start()], rest[split.start() :]) if split else (rest, "")
    if not _HOST.match(host.split(":", 1)[0]):
        return None
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{scheme}://{host}{tail}"


def _link_entity(
    url: str, offset: int, length: int, resolve_user: UserResolver | None
) -> JSONDict | None:
    match = re.fullmatch(r"(?i)tg:(?://)?user\?id=(\d+)", url)
    if match and resolve_user is not None:
        user = resolve_user(int(match.group(1)))
        if user is not None:
            return _entity("text_mention", offset, length, user=user)
    checked = _checked_link(url)
    if checked is None:
        return None
    return _entity("text_link", offset, length, url=checked)


def _date_time_format(value: str) -> str:
    """tdlib's check of a tg-time format: "r" alone, or letters from "tTdDwW"."""
    if value in ("r", "R") or all(c in "tTdDwW" for c in value):
        return value
    raise EntityParseError("Invalid date format used")


def _date_time_entity(offset: int, length: int, unix: str, fmt: str) -> JSONDict:
    if not unix.isdigit():
        raise EntityParseError("Invalid Unix time specified")
    extra: JSONDict = {"unix_time": int(unix)}
    if fmt:
        extra["date_time_format"] = _date_time_format(fmt)
    return _entity("date_time", offset, length, **extra)


def _decode_html_entity(text: str, pos: int) -> tuple[int, int] | None:
    """tdlib's decode_html_entity: (code point, end index) or None if ``&`` stays literal."""
    n = len(text)
    end = pos + 1
    code = 0
    if end < n and text[end] == "#":
        end += 1
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(text[end], 16)
                end += 1
                if code > 0x10FFFF:
                    return None
        else:
            while end < n and "0" <= text[end] <= "9":
                code = code * 10 + int(text[end])
                end += 1
                if code > 0x10FFFF:
                    return None
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name)
        if named is None:
            return None
        code = ord(named)
    if end < n and text[end] == ";":
        end += 1
    return code, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the result
    begin: int  # index in the result list of characters
    attributes: dict[str, str] = field(default_factory=dict)  # tg-time's unix and format


def parse_html(
    markup: str, *, strict_ampersand: bool = True, resolve_user: UserResolver | None = None
) -> FormattedText:
    """Telegram's HTML parse mode: the text without tags, and the entities the tags make."""
    out: list[str] = []
    utf16 = 0
    entities: list[JSONDict] = []
    stack: list[_OpenTag] = []
    n = len(markup)
    i = 0
    while i < n:
        char = markup[i]
        if char == "&":
            decoded = _decode_html_entity(markup, i)
            if decoded is not None:
                code, i = decoded
                if 0xD800 <= code <= 0xDFFF:
                    raise EntityParseError(
                        "Text contains invalid Unicode characters after decoding HTML entities,"
                        " check for unmatched surrogate code units"
                    )
                out.append(chr(code))
                utf16 += 2 if code > 0xFFFF else 1
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f"Unescaped '&' at byte offset {_byte_offset(markup, i)}: Telegram shows it"
                    " literally, but it is almost always a value that was not escaped; write &amp;"
                    " (stand-in strictness, see strict_ampersand)"
                )
        if char != "<":
            out.append(char)
            utf16 += _units(char)
            i += 1
            continue

        begin = i
        i += 1
        if i >= n or markup[i] != "/":
            i = _html_start_tag(markup, begin, i, stack, utf16, len(out))
            continue

        # an end tag
        if not stack:
            raise EntityParseError(
                f"Unexpected end tag at byte offset {_byte_offset(markup, begin)}"
            )
        j = i + 1
        while j < n and not _is_space(markup[j]) and markup[j] != ">":
            j += 1
        end_name = markup[i + 1 : j].lower()
        while j < n and _is_space(markup[j]):
            j += 1
        if j >= n or markup[j] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(markup, begin)}")
        top = stack[-1]
        if end_name and end_name != top.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {_byte_offset(markup, begin)}, "
                f'expected "</{top.name}>", found "</{end_name}>"'
            )
        if utf16 > top.offset:
            _close_html_entity(top, utf16, out, entities, resolve_user)
        stack.pop()
        i = j + 1

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return FormattedText("".join(out), tuple(sort_entities(entities)))


def _html_start_tag(
    markup: str, begin: int, i: int, stack: list[_OpenTag], utf16: int, out_len: int
) -> int:
    n = len(markup)
    where = _byte_offset(markup, begin)
    while i < n and not _is_space(markup[i]) and markup[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {where}")
    name = markup[begin + 1 : i].lower()
    if name not in HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {where}')

    argument = ""
    attributes: dict[str, str] = {}
    while markup[i] != ">":
        while i < n and _is_space(markup[i]):
            i += 1
        if i < n and markup[i] == ">":
            break
        attr_begin = i
        while i < n and not _is_space(markup[i]) and markup[i] not in "=>":
            i += 1
        attr_name = markup[attr_begin:i]
        if not attr_name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {where}'
            )
        while i < n and _is_space(markup[i]):
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {where}')
        if markup[i] != "=":
            # an attribute without a value, e.g. <blockquote expandable>
            if name == "blockquote" and attr_name.lower() == "expandable":
                argument = "expandable"
            continue
        i += 1
        while i < n and _is_space(markup[i]):
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {where}')

        if markup[i] not in "'\"":
            token_begin = i
            while i < n and ((markup[i].isascii() and markup[i].isalnum()) or markup[i] in ".-"):
                i += 1
            value = markup[token_begin:i].lower()
            if i < n and not _is_space(markup[i]) and markup[i] != ">":
                raise EntityParseError(
                    "Unexpected end of name token at byte offset "
                    f"{_byte_offset(markup, token_begin)}"
                )
        else:
            quote = markup[i]
            i += 1
            chars: list[str] = []
            while i < n and markup[i] != quote:
                if markup[i] == "&":
                    decoded = _decode_html_entity(markup, i)
                    if decoded is not None:
                        code, i = decoded
                        chars.append(chr(code))
                        continue
                chars.append(markup[i])
                i += 1
            if i < n:
                i += 1
            value = "".join(chars)
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {where}")

        attr = attr_name.lower()
        if name == "a" and attr == "href":
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif name == "tg-emoji" and attr == "emoji-id":
            argument = value
        elif name == "blockquote" and attr == "expandable":
            argument = "expandable"
        elif name == "tg-time" and attr in ("unix", "format"):
            attributes[attr] = value

    if name == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    stack.append(_OpenTag(name, argument, utf16, out_len, attributes))
    return i + 1


def _close_html_entity(
    top: _OpenTag,
    utf16: int,
    out: list[str],
    entities: list[JSONDict],
    resolve_user: UserResolver | None,
) -> None:
    offset = top.offset
    length = utf16 - offset
    name = top.name
    simple = {
        "i": "italic",
        "em": "italic",
        "b": "bold",
        "strong": "bold",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "u": "underline",
        "ins": "underline",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    if name in simple:
        entities.append(_entity(simple[name], offset, length))
    elif name == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append(_entity("custom_emoji", offset, length, custom_emoji_id=top.argument))
    elif name == "a":
        url = top.argument or "".join(out[top.begin :])
        link = _link_entity(url, offset, length, resolve_user)
        if link is not None:
            entities.append(link)
    elif name == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and (last["offset"], last["length"]) == (offset, length)
            and last.get("language")
        ):
            last["type"] = "pre"
        else:
            entities.append(_entity("pre", offset, length))
    elif name == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and (last["offset"], last["length"]) == (offset, length)
            and top.argument
        ):
            last["language"] = top.argument
        elif top.argument:
            entities.append(_entity("code", offset, length, language=top.argument))
        else:
            entities.append(_entity("code", offset, length))
    elif name == "blockquote":
        kind = "expandable_blockquote" if top.argument == "expandable" else "blockquote"
        entities.append(_entity(kind, offset, length))
    elif name == "tg-time":
        unix, fmt = top.attributes.get("unix", ""), top.attributes.get("format", "")
        entities.append(_date_time_entity(offset, length, unix, fmt))


def _utf16_prefix(text: str) -> list[int]:
    """prefix[k] = UTF-16 length of text[:k]."""
    prefix = [0]
    for char in text:
        prefix.append(prefix[-1] + _units(char))
    return prefix


def trim(formatted: FormattedText) -> FormattedText:
    """Strip leading and trailing whitespace as Telegram does, keeping entities in place."""
    text = formatted.text
    stripped = text.strip()
    if stripped == text:
        return formatted
    if not stripped:
        return FormattedText("", ())
    left = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    entities: list[JSONDict] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, tuple(entities))


_AUTO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])"),
    ),
    ("email", re.compile(r"(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
    (
        "url",
        re.compile(
            r"(?<![\w@/])(?:https?://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/[^\s<>\"]*)?", re.I
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*(?![\w#])")),
    ("cashtag", re.compile(r"(?<![\w$])\$[A-Z]{1,8}(?![\w$])")),
)


def find_auto_entities(formatted: FormattedText) -> FormattedText:
    """Add the entities Telegram detects by itself: commands, mentions, urls, hashtags..."""
    text = formatted.text
    if not text:
        return formatted
    prefix = _utf16_prefix(text)
    taken = [
        (e["offset"], e["offset"] + e["length"]) for e in formatted.entities if e["type"] in _OPAQUE
    ]
    found: list[JSONDict] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start, end = prefix[match.start()], prefix[match.end()]
            spans = taken + [(e["offset"], e["offset"] + e["length"]) for e in found]
            if any(start < b and a < end for a, b in spans):
                continue
            if kind == "url" and not _plausible_url(match.group(0)):
                continue
            found.append(_entity(kind, start, end - start))
    if not found:
        return formatted
    return FormattedText(text, tuple(sort_entities([*formatted.entities, *found])))


_TLDS = frozenset(
    {
        *("com", "org", "net", "io", "me", "ru", "de", "uk", "us", "info", "biz", "dev"),
        *("app", "edu", "gov", "co", "ai", "tv", "fm", "ly", "to", "gg", "xyz", "tech"),
        *("site", "online", "news", "blog", "page", "link", "cloud", "eu", "fr", "it"),
        *("es", "nl", "pl", "in", "cn", "jp", "br", "ca", "au", "ch", "se", "no", "fi"),
    }
)


def _plausible_url(candidate: str) -> bool:
    if candidate.lower().startswith(("http://", "https://")):
        return True
    host = candidate.split("/", 1)[0]
    return host.rsplit(".", 1)[-1].lower() in _TLDS


def check_entities(text: str, raw: object) -> FormattedText:
    """Explicit ``entities`` given instead of a parse mode: validated and clipped to the text."""
    if not isinstance(raw, list):
        raise EntityParseError('Field "entities" must be of type Array')
    size = utf16_len(text)
    entities: list[JSONDict] = []
    for item in raw:
        if not isinstance(item, dict):
            raise EntityParseError("MessageEntity must be an Object")
        kind, offset, length = item.get("type"), item.get("offset"), item.get("length")
        if not isinstance(kind, str) or kind not in ENTITY_TYPES:
            raise EntityParseError(f'Unsupported entity type "{kind}"')
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0:
            raise EntityParseError("Wrong entity offset or length")
        end = min(offset + length, size)
        if end > offset:
            entities.append({**item, "offset": offset, "length": end - offset})
    return FormattedText(text, tuple(sort_entities(entities)))
