"""What receiving a webhook push costs before the bot does anything with it: the CPU of a
server process that only answers each POST "ok", served by aiohttp as the bot's web server
is, by aiohttp's low-level server (no application, no router: what routing costs), and by a
bare asyncio protocol (HTTP/1.1 parsed by hand: the floor, not a candidate).

Run from the repository root::

    .venv/bin/python bench/http_server.py [--rates 500 1000] [--seconds 8]

For each server and rate: the server runs in a process of its own; Telegram's side is
bench/pusher.py (100 keep-alive connections, 50 ms each way, as in bench/capacity.py), fed
a poll answer's JSON at ``--rate`` a second; the server's CPU (utime + stime from /proc)
over ``--seconds`` after a 2 s warm-up, per request. Compare with the bot's own intake
(``bench/capacity.py --webhook --intake-only``) and its whole handling (docs/scaling.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402

BODY = json.dumps(
    {
        "update_id": 0,
        "poll_answer": {
            "poll_id": "5123456789012345678",
            "user": {"id": 123456, "is_bot": False, "first_name": "Member 12"},
            "option_ids": [2],
        },
    },
    separators=(",", ":"),
)
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nok"


def serve_aiohttp(port: int) -> None:
    from aiohttp import web

    async def hook(request: web.Request) -> web.Response:
        json.loads(await request.read())
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application(handler_args={"access_log": None})
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_aiohttp_lowlevel(port: int) -> None:
    from aiohttp import web

    async def hook(request: web.BaseRequest) -> web.Response:
        json.loads(await request.read())
        return web.Response(text="ok")

    async def main() -> None:
        server = web.Server(hook, access_log=None)
        await asyncio.get_running_loop().create_server(server, "127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(main())


class _Bare(asyncio.Protocol):
    """Content-Length bodies only, no limits: a measuring stick, never a server to deploy."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length = 0
            for line in self.buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            json.loads(self.buffer[end + 4 : end + 4 + length])
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(OK)


def serve_bare(port: int) -> None:
    async def main() -> None:
        await asyncio.get_running_loop().create_server(_Bare, "127.0.0.1", port)
        await asyncio.Event().wait()

    asyncio.run(main())


SERVERS = {
    "aiohttp": serve_aiohttp,
    "aiohttp low-level": serve_aiohttp_lowlevel,
    "bare asyncio": serve_bare,
}


async def measure(server: str, rate: float, seconds: float) -> float:
    """CPU seconds per request of ``server`` receiving pushes at ``rate`` a second."""
    port = b.free_port()
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", server, "--port", str(port)
    )
    pusher = None
    try:
        await _until_listening(port)
        pusher = await asyncio.create_subprocess_exec(
            sys.executable,
            str(HERE / "pusher.py"),
            "--target",
            f"http://127.0.0.1:{port}/hook",
            "--secret",
            "-",
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        assert pusher.stdin is not None
        began = time.monotonic()
        warm, end = began + 2.0, began + 2.0 + seconds
        sent = 0
        before = None
        while (now := time.monotonic()) < end:
            if before is None and now >= warm:
                before = b.cpu_seconds(child.pid)
            due = int((now - began) * rate)
            lines = "".join(f"{i}\t{now:.6f}\t{BODY}\n" for i in range(sent, due))
            pusher.stdin.write(lines.encode())
            sent = due
            await asyncio.sleep(0.005)
        assert before is not None
        used = b.cpu_seconds(child.pid) - before
        return used / (seconds * rate)
    finally:
        if pusher is not None:
            pusher.kill()
            await pusher.wait()
        child.kill()
        await child.wait()


async def _until_listening(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise RuntimeError("the server did not start")


async def main(args: argparse.Namespace) -> int:
    print("Webhook receiving cost (bench/http_server.py)")
    print(b.machine_line())
    print(f"pushes over 100 connections, 50 ms each way; CPU over {args.seconds:g} s per request")
    for rate in args.rates:
        for server in SERVERS:
            per_request = await measure(server, rate, args.seconds)
            print(f"{rate:>6,.0f}/s  {server:<17} {per_request * 1e6:6.0f} us of CPU per request")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[500.0, 1000.0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--serve", choices=sorted(SERVERS), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        SERVERS[arguments.serve](arguments.port)
        sys.exit(0)
    sys.exit(asyncio.run(main(arguments)))
