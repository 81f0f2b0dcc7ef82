"""Fonts that can draw a chart's text, whatever its language.

Pillow draws a text with one font and never falls back to another for a character that
font lacks (it draws a box). Its built-in font has no accented letters, no dashes, no
Cyrillic: "Café — Жук" came out as boxes. So the chart uses Source Sans Pro (bundled by a
pinned package: Latin with its accents, Greek, Cyrillic, Vietnamese, typographic signs), then
Noto Sans CJK (bundled too: Korean, Japanese and Chinese draw on a fresh server, where a group
titled "영어 독해반" came out as boxes), then whichever of the server's own fonts for other
scripts are installed (``FALLBACK_FILES``: Arabic, Hebrew, Thai…). A text is cut into runs,
each drawn with the first font that has all of the run's characters, on one baseline.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import ImageDraw, ImageFont

log = logging.getLogger(__name__)

BUNDLED_FONT = ("font_source_sans_pro", "files/SourceSansPro-Regular.ttf")
# Noto Sans CJK, one collection of five faces that each draw all of Hangul, kana and Han; they
# differ in the regional forms of some Han characters. The Korean face: the bot's first groups
# are Korean, and its Hangul and kana are the same as the others'.
BUNDLED_CJK_FONT = ("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc")
CJK_COLLECTION = "NotoSansCJK-Regular.ttc"
CJK_FACE = 1  # in that collection: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
# Where Linux distributions install fonts.
FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
# The server's fonts worth trying, best first (Debian/Ubuntu packages: fonts-noto-cjk,
# fonts-noto-core, fonts-dejavu-core, fonts-wqy-microhei, fonts-droid-fallback).
FALLBACK_FILES = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansCJKjp-Regular.otf",
    "NotoSansCJKkr-Regular.otf",
    "NotoSans-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansArmenian-Regular.ttf",
    "NotoSansGeorgian-Regular.ttf",
    "DejaVuSans.ttf",
    "wqy-microhei.ttc",
    "DroidSansFallbackFull.ttf",
)


def bundled_font() -> Path:
    package, name = BUNDLED_FONT
    return Path(str(resources.files(package).joinpath(name)))


def bundled_cjk_font() -> Path:
    package, name = BUNDLED_CJK_FONT
    return Path(str(resources.files(package).joinpath(name)))


@lru_cache(maxsize=1)
def installed_fallbacks(folders: tuple[Path, ...] = FONT_FOLDERS) -> tuple[Path, ...]:
    """The server's fonts of ``FALLBACK_FILES`` that are installed, best first (looked for once)."""
    wanted = {name: rank for rank, name in enumerate(FALLBACK_FILES)}
    found: dict[str, Path] = {}
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name in wanted and name not in found:
                    found[name] = Path(root) / name
    return tuple(found[name] for name in sorted(found, key=wanted.__getitem__))


@lru_cache(maxsize=65536)
def _has(path: Path, size: int, character: str) -> bool:
    """Whether the font has a glyph for ``character``: Pillow cannot ask, so its glyph is
    compared with the one the font draws for a character no font has (its "missing" box)."""
    font = _font(path, size)
    return _mask(font, character) != _mask(font, "\uffff")


def _mask(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    # The server's copy of the collection (fonts-noto-cjk) has the same faces in that order.
    face = CJK_FACE if path.name == CJK_COLLECTION else 0
    return ImageFont.truetype(str(path), size, index=face)


@dataclass(frozen=True)
class ChartFont:
    """One size of the chart's text: the bundled fonts first, then the server's."""

    size: int
    paths: tuple[Path, ...]

    @classmethod
    def of_size(cls, size: int, fallbacks: Iterable[Path] | None = None) -> ChartFont:
        extra = installed_fallbacks() if fallbacks is None else tuple(fallbacks)
        return cls(size, (bundled_font(), bundled_cjk_font(), *extra))

    def font_for(self, character: str) -> Path | None:
        """The first font that can draw ``character``; None if none can."""
        if character.isspace():
            return self.paths[0]
        return next((p for p in self.paths if _has(p, self.size, character)), None)

    def runs(self, text: str) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """``text`` cut where the font that draws it changes; a character no font has is
        drawn (as a box) by the first font."""
        runs: list[tuple[str, ImageFont.FreeTypeFont]] = []
        current: Path | None = None
        start = 0
        for index, character in enumerate(text):
            path = self.font_for(character) or self.paths[0]
            if character.isspace() and current is not None:
                path = current  # a space stays in the run it is in
            if path != current:
                if current is not None:
                    runs.append((text[start:index], _font(current, self.size)))
                current, start = path, index
        if current is not None:
            runs.append((text[start:], _font(current, self.size)))
        return runs

    def missing(self, text: str) -> set[str]:
        """The characters of ``text`` that no font here can draw."""
        return {c for c in set(text) if self.font_for(c) is None}

    def length(self, draw: ImageDraw.ImageDraw, text: str) -> float:
        return sum(draw.textlength(run, font=font) for run, font in self.runs(text))

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        fill: int | tuple[int, ...],  # a grey level or a colour
    ) -> None:
        """Draw ``text`` with its top at ``xy``, every run on the first font's baseline."""
        x, top = xy
        baseline = top + _font(self.paths[0], self.size).getmetrics()[0]
        for run, font in self.runs(text):
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
            x += draw.textlength(run, font=font)


def warn_if_missing(texts: Iterable[str], font: ChartFont) -> None:
    """Log the characters no installed font can draw (they come out as boxes)."""
    missing = set().union(*(font.missing(text) for text in texts))
    if missing:
        shown = "".join(sorted(missing)[:20])
        log.warning(
            "the results chart has characters no font here can draw, shown as boxes: %s;"
            " install fonts for them (e.g. fonts-noto-core for most scripts; Chinese, Japanese"
            " and Korean are bundled)",
            shown,
        )
