"""The dashboard's reply in Telegram: the Mini App button (https only: Telegram's rule) and
a one-time sign-in link for any browser."""

from __future__ import annotations

from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot import texts
from bot.render.markup import Reply


def signin_url(page: str, token: str) -> str:
    """The one-time link: ``page`` is the dashboard's address (``…/dashboard/``)."""
    return f"{page}signin?t={quote(token)}"


def keyboard(page: str, token: str, *, group: int | None = None) -> InlineKeyboardMarkup:
    """Open dashboard (a Mini App, when ``page`` is https; web_app buttons work only in
    private chats, where this is sent) and the sign-in link; ``group``: the Mini App opens
    that group's page."""
    rows = []
    if page.startswith("https://"):
        target = page if group is None else f"{page}g/{group}"
        rows.append([InlineKeyboardButton(texts.DASHBOARD_OPEN_BUTTON, web_app=WebAppInfo(target))])
    rows.append([InlineKeyboardButton(texts.DASHBOARD_LINK_BUTTON, url=signin_url(page, token))])
    return InlineKeyboardMarkup(rows)


def dashboard_reply(page: str | None, token: str | None) -> Reply:
    """/dashboard's answer: the buttons, or why there are none."""
    if page is None or token is None:
        return Reply(texts.DASHBOARD_NOT_SET_UP)
    return Reply(texts.DASHBOARD_INTRO, keyboard(page, token))


def under_report(page: str, token: str, group: int) -> Reply:
    """The buttons under a delivered report."""
    return Reply(texts.DASHBOARD_UNDER_REPORT, keyboard(page, token, group=group))
