"""bot/texts/ is one catalog kept in a submodule per room: ``texts.NAME`` reads every text,
each name is defined in one submodule only, and only the package speaks the reader's
language."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import bot
from bot import i18n, texts


def _submodules() -> dict[str, dict[str, int]]:
    """Each submodule of bot/texts/ with the names it assigns (and their lines)."""
    found: dict[str, dict[str, int]] = {}
    for info in pkgutil.iter_modules(texts.__path__):
        path = Path(texts.__path__[0]) / f"{info.name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: dict[str, int] = {}
        for statement in tree.body:
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
                if isinstance(statement, ast.AnnAssign)
                else []
            )
            for target in targets:
                assert isinstance(target, ast.Name), f"{info.name}:{statement.lineno}"
                assert target.id not in names, f"{target.id} twice in {info.name}"
                names[target.id] = statement.lineno
        found[info.name] = names
    return found


def test_each_name_is_defined_in_one_submodule_only() -> None:
    """A name in two submodules would silently shadow one of them in ``texts``."""
    where: dict[str, list[str]] = {}
    for module, names in _submodules().items():
        for name in names:
            where.setdefault(name, []).append(f"{module}:{names[name]}")
    assert {name: places for name, places in where.items() if len(places) > 1} == {}


def test_the_package_holds_every_text_of_every_submodule_and_nothing_else() -> None:
    defined = {name for names in _submodules().values() for name in names}
    with i18n.speaking(i18n.SOURCE):
        shown = {name for name in dir(texts) if name[:1].isupper()}
        for module, names in _submodules().items():
            loaded = importlib.import_module(f"bot.texts.{module}")
            for name in names:
                assert getattr(texts, name) is getattr(loaded, name), name
    assert shown - {"Plural"} == defined


def test_texts_speak_the_readers_language_through_the_package() -> None:
    with i18n.speaking("ko"):
        assert texts.CONTINUE_BUTTON == "계속하기 ▸"


def test_no_code_reads_a_submodule_of_texts() -> None:
    """Only ``texts.NAME`` is translated: ``from bot.texts.lessons import X`` would be English
    for every reader."""
    found = []
    for path in sorted(Path(bot.__file__).parent.rglob("*.py")):
        if path.parent.name == "texts":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if any(module.startswith("bot.texts") for module in modules):
                found.append(f"{path.name}:{node.lineno}")
    assert not found
