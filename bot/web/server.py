"""The bot's web server: one aiohttp server in the bot's process, on ``BOT_LISTEN``.

    POST <path of BOT_WEBHOOK_URL>   Telegram's pushes (webhook mode only)
    GET  /healthz                    JSON: 200, or 503 naming what is wrong
    GET  /metrics                    Prometheus' text format; with BOT_METRICS_TOKEN set,
                                     only for "Authorization: Bearer <token>"
    /dashboard/...                   the moderators' dashboard, with BOT_DASHBOARD_URL set
                                     (``bot.web.dashboard.pages``)

Another path is a 404, another method on these a 405 (aiohttp's own answers). Bodies are
capped at ``MAX_BODY`` (413 beyond): an update is a few kilobytes.
"""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.metrics import metrics
from bot.storage import Storage
from bot.web.dashboard.pages import Dashboard
from bot.web.health import Health
from bot.web.webhook import WebhookEndpoint

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def webhook_path(url: str) -> str:
    """The path Telegram posts to: the URL's own (the proxy passes it on unchanged)."""
    return urlsplit(url).path or "/"


class WebServer:
    def __init__(
        self,
        storage: Storage,
        health: Health | None,
        *,
        webhook: WebhookEndpoint | None = None,
        webhook_url: str | None = None,
        metrics_token: str | None = None,
        dashboard: Dashboard | None = None,
    ) -> None:
        self._storage = storage
        self._health = health
        self._metrics_token = metrics_token.encode() if metrics_token else None
        self.app = web.Application(client_max_size=MAX_BODY, handler_args={"access_log": None})
        if health is not None:  # not when the dashboard runs alone (python -m bot dashboard)
            self.app.router.add_get(HEALTH_PATH, self._healthz, allow_head=False)
            self.app.router.add_get(METRICS_PATH, self._metrics, allow_head=False)
        if dashboard is not None:
            dashboard.add_routes(self.app)
        if webhook is not None and webhook_url is not None:
            self.app.router.add_post(webhook_path(webhook_url), webhook.handle)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> None:
        # No access log: a request line is harmless, but nothing needs it, and fewer lines
        # that a header could slip into is better.
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        server = site._server  # the bound port, when 0 asked for any free one
        sockets = getattr(server, "sockets", None) or ()
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("web server listening on %s:%d", host, self.port)

    async def stop(self) -> None:
        """Stop taking requests; those in progress are finished first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        assert self._health is not None, "routed only with a health check"
        ok, body = await self._health.report()
        return web.json_response(body, status=200 if ok else 503, dumps=_dumps)

    async def _metrics(self, request: web.Request) -> web.Response:
        if self._metrics_token is not None:
            given = request.headers.get("Authorization", "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, b"Bearer " + self._metrics_token):
                return web.Response(status=401, text="unauthorized")
        m = metrics()
        depth, _ = await self._storage.inbox_depth()
        m.inbox_depth.set(depth)
        return web.Response(body=m.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)
