"""Telegram's side of webhook mode, in a process of its own: updates POSTed to the bot.

``bench/telegram_like.py`` starts it and writes each update to its standard input, one
line each (``update_id`` TAB ``when it was queued``, ``time.monotonic()`` TAB the update's
JSON). It keeps ``--connections`` pushes in flight, as Telegram does up to the webhook's
``max_connections``: each way takes half of ``--latency``, and a push that gets no 2xx is
tried again 0.1 s later on the same connection. For each update pushed it writes a line back
(``update_id`` TAB seconds queued before a connection took it TAB seconds the bot took to
answer the POST, then TAB the answer's body when it is a request for Telegram to make), so
the stand-in knows what is still in flight.

Why a process of its own, and HTTP by hand: in the stand-in's process, aiohttp's client
pushing a thousand updates a second delayed the load the stand-in generates, the Bot API
answers it gives and the pushes themselves, and those delays were counted as the bot's
(docs/scaling.md, session 7).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from urllib.parse import urlsplit

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
RETRY_AFTER = 0.1  # seconds before a refused push is tried again


class Pusher:
    def __init__(self, target: str, secret: str, connections: int, latency: float) -> None:
        url = urlsplit(target)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.head = (
            f"POST {url.path or '/'} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"{SECRET_HEADER}: {secret}\r\nContent-Type: application/json\r\n"
        ).encode()
        self.connections = connections
        self.latency = latency
        # One idle connection woken per update (an Event woke every idle one, a hundred at
        # a load's start; measured: the start's queue stayed as it was).
        self.queue: asyncio.Queue[tuple[int, float, bytes]] = asyncio.Queue()
        # Results go out through the event loop: a blocking write to a full pipe (the
        # stand-in busy) stalled every push in this process.
        self.out: asyncio.WriteTransport | None = None

    async def read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            update_id, queued, body = line.rstrip(b"\n").split(b"\t", 2)
            self.queue.put_nowait((int(update_id), float(queued), body))

    async def push(self) -> None:
        """One connection, kept alive: HTTP/1.1 by hand (aiohttp's client cost this process
        twice the CPU, and its own delays were counted as the bot's)."""
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while True:
            update_id, queued, body = await self.queue.get()
            taken = time.monotonic()
            while True:  # until a 2xx, as Telegram retries
                await asyncio.sleep(self.latency / 2)  # there
                posted = time.monotonic()
                try:
                    if connection is None:
                        connection = await asyncio.open_connection(self.host, self.port)
                    ok, reply = await self._post(*connection, body)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok, reply = False, b""
                if not ok and connection is not None:
                    connection[1].close()
                    connection = None
                answered = time.monotonic() - posted
                await asyncio.sleep(self.latency / 2)  # and the answer back
                if ok:
                    break
                await asyncio.sleep(RETRY_AFTER)
            assert self.out is not None
            line = f"{update_id}\t{taken - queued:.6f}\t{answered:.6f}".encode()
            # A request in the answer (a pop-up: bot/push_reply.py) goes to the stand-in,
            # which makes it as Telegram does.
            request = b"\t" + reply if reply.startswith(b'{"method"') else b""
            self.out.write(line + request + b"\n")

    async def _post(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes
    ) -> tuple[bool, bytes]:
        writer.write(self.head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        reply = await reader.readexactly(length)
        return 200 <= status < 300, reply


async def main(args: argparse.Namespace) -> None:
    pusher = Pusher(args.target, args.secret, args.connections, args.latency)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    pusher.out, _ = await loop.connect_write_pipe(asyncio.Protocol, sys.stdout)
    workers = [asyncio.ensure_future(pusher.push()) for _ in range(args.connections)]
    await pusher.read(reader)  # until the stand-in closes our input
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    pusher.out.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    asyncio.run(main(parser.parse_args()))
