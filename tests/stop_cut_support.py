"""What the tests of a stop that cuts a post short (bot/send_budget.py's ``NotSent``) share:
the stop's grace compressed, a 429's pause far past it, and waiting for that 429."""

from __future__ import annotations

from collections.abc import Callable

from tests.standin import BotApiStandIn

GRACE = 1.0  # the stop's grace (5 s in production), compressed
PAUSE = 30  # seconds Telegram asks the bot to wait in the group: far past the grace
# The line before the rest of a session's move a stop cut, posted at the next start.
LATE = "the bot was restarted while it was posting this session's next step"
LATE_KO = "다음 단계를 올리는 중에 봇이 다시 시작됐어요"


async def held_in(standin: BotApiStandIn, chat_id: int) -> None:
    """Until the stand-in has answered 429 in that chat."""
    await standin.wait_for(
        lambda: any(
            call.error_code == 429 and call.params.get("chat_id") == chat_id
            for call in standin.calls
        ),
        what=f"a 429 in chat {chat_id}",
        timeout=20,
    )


def digest_of(prompt: str) -> Callable[[dict[str, object]], bool]:
    """A sendMessage's parameters that post the digest of that question."""

    def matching(params: dict[str, object]) -> bool:
        said = str(params.get("text", ""))
        return "What the group said" in said and prompt in said

    return matching
