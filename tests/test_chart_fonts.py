"""The chart's fonts: every character a lesson may hold drawn by some font, never a box
where one could be avoided."""

from __future__ import annotations

import io
import logging
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from bot import chart_fonts
from bot.chart_fonts import ChartFont, bundled_font, installed_fallbacks, warn_if_missing

# Texts an editorial or a language class writes: accents, dashes, typographic quotes,
# Greek, Cyrillic, Vietnamese, currency.
EUROPEAN = "Café — Straße “quoted” it’s… Öztürk Łódź ğ Ő αβγ Ωμέγα Жук Київ Việt €£ – 1½"


@pytest.fixture(autouse=True)
def no_server_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """What these tests show must not depend on the fonts this machine has installed."""
    monkeypatch.setattr(chart_fonts, "installed_fallbacks", lambda: ())


def test_the_bundled_font_draws_european_texts() -> None:
    font = ChartFont.of_size(26)
    assert font.missing(EUROPEAN) == set()
    assert [run for run, _ in font.runs(EUROPEAN)] == [EUROPEAN]  # one font, one run


def test_pillows_own_font_could_not(tmp_path: Path) -> None:
    # Why the font is bundled: the chart used Pillow's default, which drew these as boxes.
    default = ChartFont(26, (pillow_default_font(tmp_path),))
    assert {"é", "—", "Ж", "ß", "€"} <= default.missing(EUROPEAN)


def test_a_character_the_first_font_lacks_is_drawn_by_the_next(tmp_path: Path) -> None:
    font = ChartFont(26, (pillow_default_font(tmp_path), bundled_font()))
    runs = font.runs("Café au lait")
    assert [run for run, _ in runs] == ["Caf", "é ", "au lait"]  # a space stays in its run
    assert [f.getname()[0] for _, f in runs] == ["Aileron", "Source Sans Pro", "Aileron"]
    assert font.missing("Café au lait") == set()


def test_a_character_no_font_has_is_drawn_by_the_first_and_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    font = ChartFont.of_size(26)
    assert font.missing("Smile 🙂 한국") == {"🙂"}  # Hangul: the bundled CJK font
    assert "".join(run for run, _ in font.runs("Smile 🙂")) == "Smile 🙂"
    with caplog.at_level(logging.WARNING, logger="bot.chart_fonts"):
        warn_if_missing(["Smile 🙂", EUROPEAN], font)
    assert "no font here can draw, shown as boxes: 🙂" in caplog.text
    assert "fonts-noto-core" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.chart_fonts"):
        warn_if_missing([EUROPEAN], font)
    assert caplog.text == ""


def test_runs_share_one_baseline(tmp_path: Path) -> None:
    # Large, so that the two fonts' different heights above the baseline show (3 pixels).
    font = ChartFont(200, (pillow_default_font(tmp_path), bundled_font()))
    image = Image.new("L", (900, 300), 0)
    draw = ImageDraw.Draw(image)
    font.draw(draw, (10, 10), "xxЖ", 255)
    split = 10 + round(font.length(draw, "xx"))
    # Flat-bottomed letters end on the baseline, whichever font draws them.
    first = lowest_ink(image.crop((0, 0, split, 300)))
    second = lowest_ink(image.crop((split, 0, 900, 300)))
    assert first == second


def lowest_ink(image: Image.Image) -> int:
    box = image.getbbox()
    assert box is not None
    return box[3]


def test_the_servers_fonts_are_found_best_first(tmp_path: Path) -> None:
    source = bundled_font()
    for relative in [
        "truetype/dejavu/DejaVuSans.ttf",
        "opentype/noto/NotoSansCJK-Regular.ttc",
        "truetype/other/SomethingElse.ttf",
    ]:
        target = tmp_path / relative
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
    found = installed_fallbacks.__wrapped__((tmp_path, tmp_path / "absent"))
    assert found == (
        tmp_path / "opentype/noto/NotoSansCJK-Regular.ttc",
        tmp_path / "truetype/dejavu/DejaVuSans.ttf",
    )


def pillow_default_font(tmp_path: Path) -> Path:
    """Pillow's built-in font (Aileron), as a file."""
    default = ImageFont.load_default(size=26)
    assert isinstance(default, ImageFont.FreeTypeFont)
    source = default.path
    assert isinstance(source, io.BytesIO)
    path = tmp_path / "aileron.ttf"
    path.write_bytes(source.getvalue())
    return path
