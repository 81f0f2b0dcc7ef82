"""Issue 14's results on the dashboard, over HTTP against the real bot: a debate asked before
and after the reading (the split before → after, who moved, who answered only before), the
other side's arguments under their writers' own stances, the digest the group was shown as
it stood when posted; and a stance given only before the reading (or an "Other side:" reply
alone) makes nobody a participant of the session."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from bot.__main__ import main
from tests.actors import Group, text, value
from tests.dashboard_support import dashboard_bot, homework_answered, signed_in, signin_link
from tests.standin import BotApiStandIn, StoredMessage

LESSON = """\
id: shift
title: Shift <talk>
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
discussion:
  - id: stand
    type: debate
    prompt: Should we do it?
    ask_before: true
    counter: true
  - id: say
    type: short
    prompt: Say something.
"""
MEMBERS = ["Bo", "Cy", "Di", "Ed", "Fay"]


def _jar() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _page(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url, allow_redirects=False) as response:
        return response.status, await response.text()


async def _until(group: Group, words: str) -> StoredMessage:
    """The bot's messages in the group up to the one holding ``words``."""
    for _ in range(6):
        message = await group.reads()
        if words in text(message):
            return message
    raise AssertionError(f"no message with {words!r}")


async def run_debate(group: Group) -> None:
    """Before the reading: Bo and Cy Disagree, Di and Fay Agree. After: Bo Agree (a reason
    and the other side), Cy Disagree (a reason), Fay Agree (a reason); Di nothing more; Ed
    only an "Other side:" reply. The group moves on (the digest is posted); then Cy
    changes to Agree, which the digest does not show."""
    bo, cy, di, ed, fay = group.members
    standin = group.standin
    group.says(group.admin, "/begin")
    await group.reads()  # the opening message
    before = await _until(group, "Before we read")
    for member, stance in ((bo, "Disagree"), (cy, "Disagree"), (di, "Agree"), (fay, "Agree")):
        await group.presses(member, before, stance)
    group.says(group.admin, "/next")
    await group.reads()  # the part
    group.says(group.admin, "/next")
    debate = await _until(group, "Should we do it?")
    await group.presses(bo, debate, "Agree")
    standin.reply(bo, debate, "It helps people")
    standin.reply(bo, debate, "Other side: it costs too much")
    await group.presses(cy, debate, "Disagree")
    standin.reply(cy, debate, "Too costly for <us>")
    await group.presses(fay, debate, "Agree")
    standin.reply(fay, debate, "Yes indeed")
    standin.reply(ed, debate, "Other side: nobody asked")
    await group.barrier()
    group.says(group.admin, "/next")
    digest = await _until(group, "What the group said")
    assert "Too costly" in text(digest)
    await _until(group, "Say something.")
    await group.presses(cy, debate, "Agree")  # after the digest: the digest stays as it was
    await group.barrier()


def _section(page: str, question_id: str) -> str:
    found = re.search(
        rf'<section class="question" id="q-{question_id}">(.*?)</section>', page, re.S
    )
    assert found is not None, question_id
    return found.group(1)


async def test_a_debate_before_and_after_the_reading_its_other_side_and_its_digest(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with dashboard_bot(standin, tmp_path, lesson=LESSON, members=MEMBERS) as dash:
        await run_debate(dash.group)
        chat_id = dash.group.chat.id
        unit = f"{dash.base}/dashboard/g/{chat_id}/s/{dash.walk_id}"
        async with _jar() as browser:
            await signed_in(browser, await signin_link(standin, dash.group))
            # Di (a stance before the reading only) and Ed (the other side only) answered no
            # question of the lesson: three took part, not five.
            _, group_page = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}")
            assert "3 took part" in group_page
            _, overview = await _page(browser, unit)
            assert "3: Bo, Cy, Fay" in overview
            assert "0 of 3 answered every question" in overview  # nobody said something
            _, students = await _page(browser, unit + "/students")
            assert [n for n in MEMBERS if f">{n}<" in students] == ["Bo", "Cy", "Fay"]

            status, questions = await _page(browser, unit + "/questions")
            assert status == 200
            stand = _section(questions, "stand")
            assert "Stances of the 3 who answered before and after the reading:" in stand
            assert "2 moved from Disagree to Agree" in stand  # Bo, and Cy since
            assert "1 kept their stance" in stand  # Fay
            di = dash.group.members[2].id
            assert (
                f'none after: <a href="/dashboard/g/{chat_id}/s/{dash.walk_id}/m/{di}">Di</a>'
                in stand
            )
            # Agree 1 → 3 and Disagree 2 → 0, each with a bar before and after.
            assert "1 → 3" in stand and "2 → 0" in stand
            assert stand.count('class="bar shift"') == 3  # Agree, Disagree, Not sure
            # The other side, apart from the reasons, under the writer's own stance.
            other = stand[stand.index("Other side") :]
            agree = other.index("Argued by those who chose Agree")
            nobody = other.index("Argued by members who chose no stance")
            assert agree < other.index("it costs too much") < nobody
            assert nobody < other.index("nobody asked")
            reasons = stand[stand.index("Reasons") : stand.index("Other side")]
            assert "it costs too much" not in reasons and "nobody asked" not in reasons
            # The digest as the group read it: Cy still under Disagree (he moved since).
            shared = stand[stand.index("Shared with the group") :]
            assert "Agree: 2" in shared and "Disagree: 1" in shared
            assert shared.index("Disagree</h4>") < shared.index("Too costly for &lt;us&gt;")
            assert "Too costly for &lt;us&gt;" in reasons  # now under Agree, escaped
            assert reasons.index("Agree</h4>") < reasons.index("Too costly")
            # The short question has had no digest, and a short question never has one.
            assert "Shared with the group" not in _section(questions, "say")

            # Bo's page: the stance before the reading, the answer, then the other side.
            bo = dash.group.members[0].id
            status, member = await _page(browser, f"{unit}/m/{bo}")
            assert status == 200
            order = [
                member.index("Before reading: Should we do it?"),
                member.index("It helps people"),
                member.index("Other side: Should we do it?"),
            ]
            assert order == sorted(order)
            # Di's page shows her stance before the reading though she is no participant.
            status, member = await _page(browser, f"{unit}/m/{dash.group.members[2].id}")
            assert status == 200 and "Stance: Agree" in member


async def test_no_digest_posted_says_so(standin: BotApiStandIn, tmp_path: Path) -> None:
    """/digest off: the debate's section says no digest was posted."""
    async with dashboard_bot(standin, tmp_path, lesson=LESSON, members=["Bo"]) as dash:
        group = dash.group
        group.says(group.admin, "/digest off")
        await group.reads()
        group.says(group.admin, "/begin")
        await group.reads()
        await _until(group, "Before we read")
        group.says(group.admin, "/next")
        await group.reads()
        group.says(group.admin, "/next")
        debate = await _until(group, "Should we do it?")
        await group.presses(group.members[0], debate, "Agree")
        group.says(group.admin, "/next")
        await _until(group, "Say something.")
        await group.barrier()
        unit = f"{dash.base}/dashboard/g/{group.chat.id}/s/{dash.walk_id}/questions"
        async with _jar() as browser:
            await signed_in(browser, await signin_link(standin, group))
            _, questions = await _page(browser, unit)
        stand = _section(questions, "stand")
        assert "No digest of this question was posted in the group" in stand
        assert "Before → after the reading" not in stand  # nobody answered before


async def test_homework_downloads_are_the_exports_and_only_for_its_group(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """An assignment's CSV and JSONL are the CLI's ``export --assignment`` files, byte for
    byte; a moderator of another group gets nothing by changing the address."""
    async with dashboard_bot(standin, tmp_path) as dash:
        room = dash.group
        await homework_answered(room, "1d", "My <homework> answer")
        other = Group(standin, "Other room", admin="Bea", members=1)
        other.says(other.admin, "/assign 1d")
        await other.reads()
        assignment = int(value(tmp_path, "SELECT MIN(id) FROM assignments"))
        theirs = int(value(tmp_path, "SELECT MAX(id) FROM assignments"))
        unit = f"{dash.base}/dashboard/g/{room.chat.id}/a/{assignment}"
        files: dict[str, bytes] = {}
        async with _jar() as browser:
            await signed_in(browser, await signin_link(standin, room))
            _, overview = await _page(browser, unit)
            assert "answers.csv" in overview and "answers.jsonl" in overview
            assert "this homework&#39;s answers only" in overview
            for fmt in ("csv", "jsonl"):
                async with browser.get(f"{unit}/answers.{fmt}") as response:
                    assert response.status == 200
                    assert "attachment" in response.headers["Content-Disposition"]
                    assert response.headers["Cache-Control"] == "no-store"
                    files[fmt] = await response.read()
            # Bea's assignment under Ada's group's address: not there.
            status, _ = await _page(browser, f"{dash.base}/dashboard/g/{room.chat.id}/a/{theirs}")
            assert status == 404
            # Its downloads, and those of a homework number nobody has: a page that says
            # so (DASH_NOT_FOUND), never an empty file.
            for number, fmt in ((theirs, "csv"), (999, "csv"), (999, "jsonl")):
                address = f"{dash.base}/dashboard/g/{room.chat.id}/a/{number}/answers.{fmt}"
                status, page = await _page(browser, address)
                assert status == 404 and "There is nothing at this address." in page, address
        async with _jar() as browser:  # Bea, by changing the address to Ada's group
            await signed_in(browser, await signin_link(standin, other))
            for path in ("", "/answers.csv", "/answers.jsonl"):
                async with browser.get(unit + path) as response:
                    assert response.status == 403, path
                    assert b"homework" not in await response.read()
    assert b"My <homework> answer" in files["csv"] and b"My <homework> answer" in files["jsonl"]
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"cli.{fmt}"
        arguments = ["export", "--db", str(tmp_path / "bot.sqlite3")]
        arguments += ["--prompts", str(tmp_path / "prompts"), "--format", fmt]
        arguments += ["--assignment", str(assignment), "--out", str(out)]
        assert main(arguments) == 0
        assert files[fmt] == out.read_bytes(), fmt
