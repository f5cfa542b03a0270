"""A worker of ``ocop serve --workers N`` takes one connection at a time from the socket all
workers share, leaving the others waiting for another worker (issue 20: uvloop's server took
every waiting connection, so keep-alive connections opened together all went to one worker)."""

from __future__ import annotations

import asyncio
import socket

from shop import worker


class _Recorded(asyncio.Protocol):
    def __init__(self, made: asyncio.Queue[asyncio.BaseTransport]) -> None:
        self.made = made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.made.put_nowait(transport)


async def test_a_worker_accepts_one_connection_and_leaves_the_next_to_another():
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    made: asyncio.Queue[asyncio.BaseTransport] = asyncio.Queue()
    acceptor = worker._Acceptor(listener, lambda: _Recorded(made), lambda: 4)  # 4 served: 1 ms
    clients = [socket.socket() for _ in range(3)]
    try:
        for client in clients:  # all at once: each handshake done before the worker wakes
            client.setblocking(False)
            client.connect_ex(listener.getsockname())
        first = await asyncio.wait_for(made.get(), 5)
        # The worker now lets its loop turn: another worker (here, this test) takes the next.
        other, _ = listener.accept()
        other.close()
        second = await asyncio.wait_for(made.get(), 5)  # then it takes the last one
        assert made.empty()
        assert {first.get_extra_info("peername"), second.get_extra_info("peername")} < {
            c.getsockname() for c in clients
        }
        first.close()
        second.close()

        acceptor.close()
        await acceptor.wait_closed()
        late = socket.create_connection(listener.getsockname())
        await asyncio.sleep(0.05)  # the loop turns: a closed acceptor takes nothing more
        left, _ = listener.accept()  # the connection waits for another worker
        left.close()
        late.close()
        assert made.empty()
    finally:
        acceptor.close()
        for client in clients:
            client.close()
        listener.close()
