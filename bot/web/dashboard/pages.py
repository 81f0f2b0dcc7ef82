"""The dashboard's HTTP side: its routes under ``/dashboard/``, signing in and out, the
rights check on every page, and the headers every answer carries.

    GET  /dashboard/                                  groups I moderate (or how to sign in)
    GET  /dashboard/signin?t=TOKEN                    a one-time link: a session, then home
    POST /dashboard/signin/webapp                     a Mini App's initData: a session
    POST /dashboard/signout
    GET  /dashboard/g/CHAT                            a group's sessions and homework
    GET  /dashboard/g/CHAT/{s|a}/ID                   overview and downloads
    GET  /dashboard/g/CHAT/{s|a}/ID/questions         item analysis, typed answers, stances
    GET  /dashboard/g/CHAT/{s|a}/ID/students?sort=    the members × questions grid
    GET  /dashboard/g/CHAT/{s|a}/ID/m/USER            one member's answers, every version
    GET  /dashboard/g/CHAT/{s|a}/ID/answers.{csv|jsonl}   /export's file of it
    GET  /dashboard/static/NAME                       the stylesheet and the two scripts

Every page asks ``Rights`` whether the signed-in person moderates that group now (the same
check as /report's, cached a minute): a demoted moderator loses the group at the next page.

Inside Telegram's web client a Mini App is a cross-site frame, where browsers neither keep
nor send a SameSite=Lax cookie. There (``static/signin.js`` and ``static/frame.js``) the
Mini App's sign-in hands the page its session instead of a cookie, and the page asks for
every next one with a POST carrying it in the body (never in an address): every page's path
also answers a POST with a ``session`` field, and a page so asked for holds that session
for the next (the frame's sessionStorage keeps it too, where the browser allows).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from bot import analysis, i18n, texts
from bot.lessons import LessonCatalog
from bot.storage import Storage
from bot.storage.dashboard import DashboardUser
from bot.telegram_export import export_chat, export_file_name
from bot.web.dashboard import auth, views

log = logging.getLogger(__name__)

PREFIX = "/dashboard"
COOKIE = "dashboard_session"
REFRESH_SECONDS = 10  # a live session's page reloads itself this often
# Telegram's web clients frame the Mini App; nothing is loaded from another site.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org"
)
STATIC = {
    "dashboard.css": "text/css",
    "signin.js": "text/javascript",
    "frame.js": "text/javascript",
}
SESSION_FIELD = "session"  # a framed page's session, in a POST's body
# Whether the page being answered was asked for by a framed page's POST (``frame.js``),
# and the session that POST carried, if it is one.
_posted: ContextVar[bool] = ContextVar("dashboard_posted", default=False)
_framed_session: ContextVar[str | None] = ContextVar("dashboard_framed_session", default=None)
USER_KEY = web.RequestKey("dashboard_user", object)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Rights(Protocol):
    async def moderates(self, user: DashboardUser, chat_id: int) -> bool: ...


class LocalRights:
    """``python -m bot dashboard``: whoever signed in with the link it printed holds the
    database file, and sees every group in it; nobody else sees anything."""

    async def moderates(self, user: DashboardUser, chat_id: int) -> bool:
        return user.scope == "local"


def secure_headers(response: web.StreamResponse, *, cache: bool = False) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cache-Control"] = "private, max-age=3600" if cache else "no-store"


TITLE_LIMIT = 120  # characters of a typed answer in a grid cell's tooltip (in full: its page)


def grid_cells(cells: Sequence[analysis.Cell]) -> Markup:
    """A grid row's cells as HTML, built here in one piece: a big group's grid has thousands
    of cells, each several template steps in Jinja (``bench/dashboard.py``'s students page).
    Every value is escaped."""
    parts = []
    for cell in cells:
        title = cell.title if len(cell.title) <= TITLE_LIMIT else cell.title[:TITLE_LIMIT] + "…"
        shown = f' title="{escape(title)}"' if title else ""
        parts.append(f'<td class="cell {escape(cell.kind)}"{shown}>{escape(cell.mark)}</td>')
    return Markup("".join(parts))  # noqa: S704 (every value in it is escaped just above)


def client_address(request: web.Request) -> str:
    """The sign-in limiter's key: the peer, or behind a proxy on this machine or a private
    network (Caddy in compose.yaml) the address that proxy saw: the last one it added to
    X-Forwarded-For. A public peer's X-Forwarded-For is not believed."""
    remote = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    try:
        peer = ipaddress.ip_address(remote)
        proxied = peer.is_loopback or peer.is_private
    except ValueError:
        proxied = False
    if proxied and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()[:64] or remote
    return remote


class Dashboard:
    def __init__(
        self,
        storage: Storage,
        catalog: Callable[[], LessonCatalog],
        rights: Rights,
        *,
        db_path: Path,
        default_zone: str,
        secure_cookie: bool,
        bot_token: str | None = None,
    ) -> None:
        self._storage = storage
        self._catalog = catalog
        self._rights = rights
        self._db_path = db_path
        self._zone = default_zone
        self._secure = secure_cookie
        self._bot_token = bot_token
        self._limiter = auth.SignInLimiter()
        self._templates = jinja2.Environment(
            loader=jinja2.PackageLoader("bot.web.dashboard", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # read once from the package, never checked again
        )
        self._static: dict[str, bytes] = {}
        self._templates.globals.update(
            t=texts, prefix=PREFIX, refresh=REFRESH_SECONDS, language=i18n.current
        )
        self._templates.filters["cells"] = grid_cells

    def add_routes(self, app: web.Application) -> None:
        unit = PREFIX + r"/g/{chat:-?\d{1,20}}/{kind:[sa]}/{id:\d{1,18}}"

        def get(path: str, handler: Handler, *, allow_head: bool, framed: bool = True) -> None:
            app.router.add_get(path, self._speaking(handler), allow_head=allow_head)
            if framed:  # the same page asked for by a framed page, its session in the body
                app.router.add_post(path, self._speaking(handler))

        get(PREFIX, self._to_home, allow_head=False, framed=False)
        get(PREFIX + "/", self._home, allow_head=False)
        get(PREFIX + "/signin", self._signin_link, allow_head=False, framed=False)
        app.router.add_post(PREFIX + "/signin/webapp", self._speaking(self._signin_webapp))
        app.router.add_post(PREFIX + "/signout", self._speaking(self._signout))
        app.router.add_get(PREFIX + "/static/{name}", self._static_file, allow_head=False)
        get(PREFIX + r"/g/{chat:-?\d{1,20}}", self._group, allow_head=False)
        get(unit, self._overview, allow_head=False)
        get(unit + "/questions", self._questions, allow_head=False)
        get(unit + "/students", self._students, allow_head=False)
        get(unit + r"/m/{user:\d{1,18}}", self._member, allow_head=False)
        get(unit + "/answers.{fmt:csv|jsonl}", self._download, allow_head=False)
        get(PREFIX + "/{anything:.*}", self._nothing_here, allow_head=False, framed=False)

    # --- the reader's language -------------------------------------------------------------

    def _speaking(self, handler: Handler) -> Handler:
        """``handler`` with its page in the signed-in person's language (bot/i18n.py)."""

        async def in_their_language(request: web.Request) -> web.StreamResponse:
            posted = _posted.set(request.method == "POST")
            framed = _framed_session.set(None)
            try:
                with i18n.speaking(await self._language(request)):
                    return await handler(request)
            finally:
                _framed_session.reset(framed)
                _posted.reset(posted)

        return in_their_language

    async def _language(self, request: web.Request) -> str:
        """The signed-in person's /language choice, else the language_code Telegram showed
        when they signed in (or last showed the bot), else the default; before signing in
        (and for the database's holder, ``python -m bot dashboard``): the default."""
        user = await self._user(request)
        if user is None or user.scope == "local":
            return i18n.choose(None, user.language if user else None)
        return await i18n.language_of_user(self._storage, user.user_id, user.language)

    # --- rendering ------------------------------------------------------------------------

    def _page(self, template: str, status: int = 200, **context: Any) -> web.Response:
        context.setdefault("user", None)
        context.setdefault("live", False)
        # A framed page's POST: frame.js reloads a live page itself, and finds the session
        # it sent (and no one else's) in the page, to send with the next one.
        context["posted"] = _posted.get()
        context["framed_session"] = _framed_session.get()
        html = self._templates.get_template(template).render(**context)
        response = web.Response(text=html, status=status, content_type="text/html")
        secure_headers(response)
        return response

    def _refusal(self, status: int, message: str, user: DashboardUser | None) -> web.Response:
        return self._page("message.html", status, message=message, user=user)

    def _sign_in_page(self, status: int = 401, message: str | None = None) -> web.Response:
        return self._page(
            "signin.html", status, message=message, webapp=self._bot_token is not None
        )

    # --- signing in and out ---------------------------------------------------------------

    async def _user(self, request: web.Request) -> DashboardUser | None:
        """The signed-in person: by the cookie, or by a framed page's POST (the session in
        its body; a sign-in or sign-out form has none). Read once per request."""
        if USER_KEY in request:
            found = request[USER_KEY]
            return found if isinstance(found, DashboardUser) else None
        session, framed = request.cookies.get(COOKIE), None
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            given = (await request.post()).get(SESSION_FIELD)
            if isinstance(given, str) and given:
                session = framed = given
        user = await auth.session_user(self._storage, session)
        request[USER_KEY] = user
        if user is not None and framed is not None:
            _framed_session.set(framed)
        return user

    def _signed_in(self, user: DashboardUser, session: str) -> web.Response:
        response = web.Response(status=303, headers={"Location": PREFIX + "/"})
        response.set_cookie(
            COOKIE,
            session,
            max_age=int(auth.SESSION_TTL),
            path=PREFIX + "/",
            httponly=True,
            samesite="Lax",
            secure=self._secure,
        )
        secure_headers(response)
        log.info("dashboard: user %s signed in (%s)", user.user_id, user.scope)
        return response

    async def _signin_link(self, request: web.Request) -> web.Response:
        address = client_address(request)
        if not self._limiter.allow(address):
            return self._sign_in_page(429, texts.DASH_TOO_MANY)
        user = await auth.redeem_link_token(self._storage, request.query.get("t", ""))
        if user is None:
            log.info("dashboard: refused a used, expired or unknown sign-in link from %s", address)
            return self._sign_in_page(403, texts.DASH_LINK_USED)
        return self._signed_in(user, await auth.open_session(self._storage, user))

    async def _signin_webapp(self, request: web.Request) -> web.Response:
        address = client_address(request)
        if not self._limiter.allow(address):
            return self._sign_in_page(429, texts.DASH_TOO_MANY)
        if self._bot_token is None:
            return self._sign_in_page(403, texts.DASH_MINI_APP_REFUSED)
        form = await request.post()
        given = form.get("init_data")
        check = auth.check_init_data(given if isinstance(given, str) else "", self._bot_token)
        if check.user is None:
            problem = check.problem.value if check.problem else "?"
            log.info("dashboard: refused Mini App sign-in from %s (%s)", address, problem)
            return self._sign_in_page(403, texts.DASH_MINI_APP_REFUSED)
        session = await auth.open_session(self._storage, check.user)
        if form.get("frame") == "1":
            # A cross-site frame (Telegram's web client) keeps no SameSite=Lax cookie: the
            # page gets its session in this answer's body, read by its own script only (a
            # same-origin fetch: no other site can read it) and never put in an address.
            response = web.json_response({"session": session})
            secure_headers(response)
            log.info("dashboard: user %s signed in (%s, framed)", check.user.user_id, "telegram")
            return response
        return self._signed_in(check.user, session)

    async def _signout(self, request: web.Request) -> web.Response:
        given = (await request.post()).get(SESSION_FIELD)
        for session in (request.cookies.get(COOKIE), given if isinstance(given, str) else None):
            if session and len(session) <= 200:
                await self._storage.end_dashboard_session(auth.digest(session))
        response = web.Response(status=303, headers={"Location": PREFIX + "/"})
        response.del_cookie(COOKIE, path=PREFIX + "/")
        secure_headers(response)
        return response

    async def _nothing_here(self, request: web.Request) -> web.Response:
        """An address under /dashboard/ that is none of the pages': a page saying so."""
        return self._refusal(404, texts.DASH_NOT_FOUND, await self._user(request))

    async def _to_home(self, request: web.Request) -> web.Response:
        return web.Response(status=308, headers={"Location": PREFIX + "/"})

    async def _static_file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            return await self._nothing_here(request)
        body = self._static.get(name)
        if body is None:  # read once, off the event loop
            source = files("bot.web.dashboard").joinpath("static", name)
            body = self._static[name] = await asyncio.to_thread(source.read_bytes)
        response = web.Response(body=body, content_type=STATIC[name], charset="utf-8")
        secure_headers(response, cache=True)
        return response

    # --- pages ----------------------------------------------------------------------------

    async def _home(self, request: web.Request) -> web.Response:
        user = await self._user(request)
        if user is None:
            return self._sign_in_page(200)
        groups = [
            (chat_id, title or texts.DASH_UNTITLED_GROUP.format(id=chat_id))
            for chat_id, title in await self._storage.dashboard_groups()
            if await self._rights.moderates(user, chat_id)
        ]
        return self._page("groups.html", user=user, groups=groups)

    async def _allowed(self, request: web.Request) -> tuple[DashboardUser, int] | web.Response:
        """The signed-in moderator of the group in the address, or the refusal to send."""
        user = await self._user(request)
        if user is None:
            return self._sign_in_page()
        chat_id = int(request.match_info["chat"])
        if not await self._rights.moderates(user, chat_id):
            log.info("dashboard: user %s refused group %s", user.user_id, chat_id)
            return self._refusal(403, texts.DASH_NOT_MODERATOR, user)
        return user, chat_id

    async def _group(self, request: web.Request) -> web.Response:
        allowed = await self._allowed(request)
        if isinstance(allowed, web.Response):
            return allowed
        user, chat_id = allowed
        sessions, homework = await views.listings(self._storage, self._catalog(), chat_id)
        zone = await self._zone_of(chat_id)
        return self._page(
            "group.html",
            user=user,
            chat_id=chat_id,
            group=await self._title(chat_id),
            sessions=sessions,
            homework=homework,
            when=lambda stored: views.local(stored, zone),
            zone=zone.key,
        )

    async def _unit(
        self, request: web.Request
    ) -> tuple[DashboardUser, views.Unit, dict[str, Any]] | web.Response:
        allowed = await self._allowed(request)
        if isinstance(allowed, web.Response):
            return allowed
        user, chat_id = allowed
        kind: views.UnitKind = "s" if request.match_info["kind"] == "s" else "a"
        found = await views.unit(
            self._storage, self._catalog(), chat_id, kind, int(request.match_info["id"])
        )
        if found is None:
            return self._refusal(404, texts.DASH_NOT_FOUND, user)
        zone = await self._zone_of(chat_id)
        context = {
            "user": user,
            "chat_id": chat_id,
            "group": await self._title(chat_id),
            "unit": found,
            "base": f"{PREFIX}/g/{chat_id}/{found.kind}/{found.id}",
            "when": lambda stored: views.local(stored, zone),
            "zone": zone.key,
            "live": found.live,
        }
        return user, found, context

    async def _overview(self, request: web.Request) -> web.Response:
        loaded = await self._unit(request)
        if isinstance(loaded, web.Response):
            return loaded
        _, found, context = loaded
        summary = analysis.overview(found.columns, found.current)
        return self._page("overview.html", tab="overview", summary=summary, **context)

    async def _questions(self, request: web.Request) -> web.Response:
        loaded = await self._unit(request)
        if isinstance(loaded, web.Response):
            return loaded
        _, found, context = loaded
        found_items = (
            analysis.items(found.lesson, found.columns, found.current) if found.lesson else ()
        )
        shared = await views.shared(self._storage, found)
        return self._page(
            "questions.html", tab="questions", items=found_items, shared=shared, **context
        )

    async def _students(self, request: web.Request) -> web.Response:
        loaded = await self._unit(request)
        if isinstance(loaded, web.Response):
            return loaded
        _, found, context = loaded
        sort = "score" if request.query.get("sort") == "score" else "name"
        table = analysis.grid(found.columns, found.current, sort)
        return self._page("students.html", tab="students", grid=table, sort=sort, **context)

    async def _member(self, request: web.Request) -> web.Response:
        loaded = await self._unit(request)
        if isinstance(loaded, web.Response):
            return loaded
        user, found, context = loaded
        answers = await views.member_answers(self._storage, found, int(request.match_info["user"]))
        if answers is None:
            return self._refusal(404, texts.DASH_NOT_FOUND, user)
        return self._page("member.html", tab="students", member=answers, **context)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        loaded = await self._unit(request)
        if isinstance(loaded, web.Response):
            return loaded
        _, found, context = loaded
        fmt: Literal["csv", "jsonl"] = "csv" if request.match_info["fmt"] == "csv" else "jsonl"
        session, homework = (found.id, None) if found.kind == "s" else (None, found.id)
        data, _ = await asyncio.to_thread(
            export_chat,
            self._db_path,
            self._catalog(),
            found.chat_id,
            session,
            fmt,
            assignment_id=homework,
        )
        name = export_file_name(
            context["group"], found.title, found.started_at[:10], fmt, history=False
        )
        response = web.Response(
            body=data,
            content_type="text/csv" if fmt == "csv" else "application/x-ndjson",
            charset="utf-8",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )
        secure_headers(response)
        return response

    # --- small lookups --------------------------------------------------------------------

    async def _title(self, chat_id: int) -> str:
        title = await self._storage.chat_title(chat_id)
        return title or texts.DASH_UNTITLED_GROUP.format(id=chat_id)

    async def _zone_of(self, chat_id: int) -> ZoneInfo:
        return views.zone_of(await self._storage.chat_timezone(chat_id), self._zone)
