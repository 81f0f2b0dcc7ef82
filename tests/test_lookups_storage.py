"""Glossary lookups in storage: a press handled twice is one lookup; a reader's words come
latest first; a group's most looked-up words count lookups and people; /forget and a
group's move to a supergroup take them along."""

from __future__ import annotations

from bot.storage import LookedUp, Storage, TopWord


async def look(storage: Storage, user: int, chat: int, terms: list[str], source: str) -> None:
    await storage.record_lookups(
        user_id=user, chat_id=chat, lesson_id="words", section=1, terms=terms, source=source
    )


async def test_lookups_are_counted_once_per_press_and_listed(storage: Storage) -> None:
    await look(storage, 1, -100, ["nominee", "sanctions"], "q1")
    await look(storage, 1, -100, ["nominee", "sanctions"], "q1")  # the same press again
    await look(storage, 2, -100, ["nominee"], "q2")
    await look(storage, 1, 1, ["sanctions"], "q3")  # privately, later
    assert await storage.top_lookups(-100, "words") == [
        TopWord("nominee", 2, 2),
        TopWord("sanctions", 1, 1),
    ]
    assert await storage.top_lookups(-100, "other") == []
    mine = await storage.looked_up_by(1)
    assert [(w.term, w.times) for w in mine] == [("sanctions", 2), ("nominee", 1)]
    assert all(isinstance(w, LookedUp) and w.lesson_id == "words" for w in mine)


async def test_forget_and_a_supergroup_move_take_the_lookups(storage: Storage) -> None:
    await look(storage, 1, -100, ["nominee"], "q1")
    await look(storage, 2, -100, ["nominee"], "q2")
    await storage.remember_chat(-100, "group", "Room")
    assert await storage.migrate_chat(-100, -1001)
    assert await storage.top_lookups(-1001, "words") == [TopWord("nominee", 2, 2)]
    gone = await storage.forget_user(1)
    assert gone.other >= 1
    assert await storage.looked_up_by(1) == []
    assert await storage.top_lookups(-1001, "words") == [TopWord("nominee", 1, 1)]
