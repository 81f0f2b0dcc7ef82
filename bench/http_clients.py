"""Concurrent Bot API calls through httpx (PTB's HTTPXRequest) and through aiohttp
(bot.telegram_http.AiohttpRequest), against a local server that answers each after 50 ms.

Run from the repository root::

    .venv/bin/python bench/http_clients.py [--calls 50] [--rounds 3] [--delay 0.05]

Each round makes ``--calls`` calls at once through each client (the same pool size, 256) and
times the whole round; the server counts how many it was handling at once. Ideal: about one
delay per round, however many calls.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from telegram.request import HTTPXRequest
from telegram.request._baserequest import BaseRequest

from bot.telegram_http import AiohttpRequest


async def main(args: argparse.Namespace) -> int:
    busy = peak = 0

    async def answer(request: web.Request) -> web.Response:
        nonlocal busy, peak
        busy += 1
        peak = max(peak, busy)
        await asyncio.sleep(args.delay)
        busy -= 1
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/botTOKEN/getMe"
    clients: list[tuple[str, BaseRequest]] = [
        ("httpx (PTB's HTTPXRequest)", HTTPXRequest(connection_pool_size=256)),
        ("aiohttp (bot.telegram_http)", AiohttpRequest(pool_size=256)),
    ]
    print(f"{args.calls} calls at once, the server answering each after {args.delay * 1000:.0f} ms")
    try:
        for name, client in clients:
            await client.initialize()
            try:
                for number in range(1, args.rounds + 1):
                    peak = 0
                    began = time.perf_counter()
                    await asyncio.gather(*(client.post(url) for _ in range(args.calls)))
                    took = time.perf_counter() - began
                    print(f"{name}: round {number} {took:.2f} s (server busy with {peak} at once)")
            finally:
                await client.shutdown()
    finally:
        await runner.cleanup()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.05)
    sys.exit(asyncio.run(main(parser.parse_args())))
