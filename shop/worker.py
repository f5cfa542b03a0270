"""One worker of ``ocop serve --workers N`` (``shop.supervisor``): uvicorn serving the listening
socket it inherited, which every worker shares, taking one connection at a time.

uvicorn's own server (uvloop's, libuv's) accepts every connection waiting each time the socket
wakes it. Connections that arrive together, as a browser's or a reverse proxy's keep-alive
connections do, then all go to the first worker to wake, and each stays with it for its whole
life: in bench/oscar/compare.py's checkout, 8 buyers' connections split 8/0 between two workers
in about a third of the rounds, one worker doing every order while the other idled (64-72
orders/s against 80-99 for 6/2 to 4/4). Here a worker accepts one connection, then lets its
loop turn before the next: the other workers, woken by the same arrivals, take their share,
and a worker busy with requests takes fewer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

import uvicorn

# Before its next accept, a worker pauses 0.25 ms for each connection it serves, 1 ms at most:
# one serving many connections still accepts about a thousand a second when no other can.
PAUSE_MS, MAX_PAUSE_MS = 0.25, 1.0
# Between a stopping worker's last accept and uvicorn closing its connections that have no
# request yet: time for the request of a connection it has just accepted to arrive.
ARRIVAL_SECONDS = 0.2

log = logging.getLogger("shop.worker")


class _Acceptor:
    """Accepts connections on ``listener`` one at a time, each handed to a new protocol; closed
    like the servers uvicorn keeps in ``Server.servers`` (its shutdown calls these two).

    It accepts in the loop's reader callback, not in a task awaiting ``sock_accept``: closing
    is then removing the reader, and a connection the kernel has handed over is always wired.
    (Cancelling such a task could drop one accepted in the same turn, its client answered by a
    closed connection: during a rolling replacement, about one request in a few thousand.)"""

    def __init__(
        self,
        listener: socket.socket,
        protocol: Callable[[], asyncio.Protocol],
        open_connections: Callable[[], int],
    ) -> None:
        self.listener, self.protocol, self.open_connections = listener, protocol, open_connections
        self.loop = asyncio.get_running_loop()
        self.wiring: set[asyncio.Task[None]] = set()  # connections being handed to a protocol
        self.resume: asyncio.TimerHandle | None = None
        self.closed = False
        self._listen()

    def _listen(self) -> None:
        if not self.closed:
            self.loop.add_reader(self.listener.fileno(), self._accept)

    def _pause(self, seconds: float) -> None:
        self.loop.remove_reader(self.listener.fileno())
        if not self.closed:
            self.resume = self.loop.call_later(seconds, self._listen)

    def _accept(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return  # another worker took it
        except OSError as failure:  # out of file descriptors, a connection aborted: go on
            log.warning("Could not accept a connection: %s", failure)
            self._pause(0.1)
            return
        task = self.loop.create_task(self._wire(connection))
        self.wiring.add(task)
        task.add_done_callback(self.wiring.discard)
        # The next connection is another worker's to take first, the more so the more this one
        # already serves (counting those still being wired, this one included).
        serving = self.open_connections() + len(self.wiring)
        self._pause(min(serving * PAUSE_MS, MAX_PAUSE_MS) / 1000)

    async def _wire(self, connection: socket.socket) -> None:
        try:
            connection.setblocking(False)
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await self.loop.connect_accepted_socket(self.protocol, connection)
        except OSError:  # the client left already
            connection.close()
        except BaseException:  # cancelled at exit: the socket is not left to the collector
            connection.close()
            raise

    def close(self) -> None:
        self.closed = True
        self.loop.remove_reader(self.listener.fileno())
        if self.resume is not None:
            self.resume.cancel()

    async def wait_closed(self) -> None:
        await asyncio.gather(*self.wiring, return_exceptions=True)


class Server(uvicorn.Server):
    """uvicorn's server, its start-up and shutdown unchanged, with an ``_Acceptor`` on the shared
    socket in place of the server uvicorn would create on it."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket) -> None:
        super().__init__(config)
        self.listener = listener

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the app's start-up; no socket of uvicorn's
        loop = asyncio.get_running_loop()

        def protocol() -> asyncio.Protocol:
            return self.config.http_protocol_class(  # type: ignore[call-arg]
                config=self.config, server_state=self.server_state, app_state=self.lifespan.state, _loop=loop
            )

        self.listener.setblocking(False)
        self.servers = [_Acceptor(self.listener, protocol, lambda: len(self.server_state.connections))]  # type: ignore[list-item]

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown, once the connections this worker has just accepted have had time
        to send their request: uvicorn closes at once every connection without one, and the
        client of a connection accepted a moment before (during a rolling replacement, one
        request in a few thousand) got no answer. The other workers take the new ones."""
        for server in self.servers:
            server.close()
        for server in self.servers:
            await server.wait_closed()  # every accepted connection has its protocol
        await asyncio.sleep(ARRIVAL_SECONDS)
        await super().shutdown(sockets)


def serve(fd: int, ready_fd: int | None, host: str, port: int, options: dict[str, Any]) -> None:
    """Serve the inherited socket ``fd``; say so through ``ready_fd``: uvicorn calls
    ``callback_notify`` at its first tick after the app has started (then every
    ``timeout_notify`` seconds, a no-op)."""

    async def serving() -> None:
        nonlocal ready_fd
        if ready_fd is not None:
            os.write(ready_fd, b"1")
            os.close(ready_fd)
            ready_fd = None

    config = uvicorn.Config("shop.app:create_app", host=host, port=port, callback_notify=serving, **options)
    Server(config, socket.socket(fileno=fd)).run()
