"""``ocop serve --workers N``: the parent process that holds the listening socket and keeps N
workers serving it.

``ocop serve`` parses its options, then replaces itself (``exec``, same process id) with
``python -m shop.supervisor``. This module imports the standard library only, so the parent
stays at about 14 MiB for the life of the server. uvicorn's own supervisor held uvicorn,
asyncio and click (29 MiB), and spawned its workers through multiprocessing, which starts a
resource tracker process of 13 MiB beside them: 42 MiB of the server's memory, doing little.

Each worker is ``python -m shop serve --fd N``: uvicorn serving the socket it inherited
(``shop.worker``, which takes one connection at a time, so connections arriving together are
shared between the workers). The parent:

- replaces a worker that dies, unless it exited with an error before it ever served (uvicorn's
  status 3 when the app's start-up fails, 1 when the app cannot be imported: the code, the
  app or the database is wrong and would be again), which stops the server with that status;
- on SIGTERM or SIGINT, asks every worker to stop (SIGTERM: uvicorn finishes the requests in
  flight and runs the app's shutdown), waits ``STOP_SECONDS``, then kills what is left;
- on SIGHUP, replaces the workers one at a time (after an upgrade, to load the new code): a
  worker is stopped only once its replacement serves, so the others serve meanwhile; a
  replacement not serving within ``READY_SECONDS`` is killed and the old workers kept.

A worker says it serves with a byte on a pipe of its own, written at uvicorn's first tick
after the app has started.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

STOP_SECONDS = 30.0  # a worker's graceful stop: its requests in flight, then the app's shutdown
TICK_SECONDS = 0.5
READY_SECONDS = 60.0  # a replacement's start on a busy host (imports, the app, the database)
BACKLOG = 2048  # uvicorn's default

log = logging.getLogger("shop.supervisor")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, inheritable by the workers (IPv6 when ``host`` is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)  # connections wait in the queue while the workers start
    sock.set_inheritable(True)
    return sock


class Supervisor:
    def __init__(self, sock: socket.socket, workers: int, command: list[str]) -> None:
        self.sock, self.count, self.command = sock, workers, command
        self.workers: list[subprocess.Popen[bytes]] = []
        self.ready_pipes: dict[int, int] = {}  # by process id: the read end of its pipe
        self.served: set[int] = set()  # the process ids that said they serve
        self.signals: list[int] = []
        self.exit_status = 0

    def start_worker(self) -> subprocess.Popen[bytes]:
        fd = self.sock.fileno()
        ready_read, ready_write = os.pipe()
        command = [*self.command, "--fd", str(fd), "--ready-fd", str(ready_write)]
        try:
            worker = subprocess.Popen(command, pass_fds=(fd, ready_write))  # noqa: S603
        except BaseException:
            os.close(ready_read)
            raise
        finally:
            os.close(ready_write)  # the worker's end
        self.ready_pipes[worker.pid] = ready_read
        log.info("Started worker process [%d]", worker.pid)
        return worker

    def said_ready(self, worker: subprocess.Popen[bytes], seconds: float = 0.0) -> bool:
        """Whether ``worker`` has said it serves, waiting up to ``seconds`` for it (not after
        it died, nor once the server is asked to stop)."""
        if worker.pid in self.served:
            return True
        pipe, deadline = self.ready_pipes[worker.pid], time.monotonic() + seconds
        while True:
            wait = min(max(0.0, deadline - time.monotonic()), TICK_SECONDS)
            readable, _, _ = select.select([pipe], [], [], wait)
            if readable:  # its byte, or the end of a pipe it closed or left by dying
                if os.read(pipe, 1) == b"1":
                    self.served.add(worker.pid)
                    return True
                return False
            if time.monotonic() >= deadline or worker.poll() is not None or self.stopping:
                return False

    def forget(self, worker: subprocess.Popen[bytes]) -> None:
        self.served.discard(worker.pid)
        if (pipe := self.ready_pipes.pop(worker.pid, None)) is not None:
            os.close(pipe)

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._queue_signal)
        log.info("Started parent process [%d]", os.getpid())
        try:
            self.workers = [self.start_worker() for _ in range(self.count)]
            while self._keep_going():
                time.sleep(TICK_SECONDS)
        finally:  # whatever ends the loop, no worker is left without its parent
            self.stop_all()
        log.info("Stopping parent process [%d]", os.getpid())
        return self.exit_status

    def _queue_signal(self, sig: int, _frame: FrameType | None) -> None:
        self.signals.append(sig)  # handled in the loop, not inside the handler

    @property
    def stopping(self) -> bool:
        """Asked to stop (a rolling replacement gives way at once: a service manager waits
        only seconds before it kills)."""
        return signal.SIGTERM in self.signals or signal.SIGINT in self.signals

    def _keep_going(self) -> bool:
        while self.signals:
            sig = self.signals.pop(0)
            if sig == signal.SIGHUP:
                self.replace_all()
            else:
                return False
        return self.replace_dead()

    def replace_dead(self) -> bool:
        """Each dead worker replaced; False when one failed to start (the server stops)."""
        for index, worker in enumerate(self.workers):
            status = worker.poll()
            if status is None:
                continue
            served = self.said_ready(worker)
            self.forget(worker)
            # A worker killed by a signal (the kernel's OOM killer, an operator) is replaced,
            # as is one that failed after serving; one that failed before would fail again.
            if status > 0 and not served:
                log.error("Worker process [%d] could not start (status %d); stopping.", worker.pid, status)
                self.exit_status = status
                return False
            log.warning("Worker process [%d] died (status %d); starting another.", worker.pid, status)
            self.workers[index] = self.start_worker()
        return True

    def replace_all(self, ready_seconds: float = READY_SECONDS) -> None:
        log.info("Replacing the workers one at a time")
        for index, old in enumerate(self.workers):
            if self.stopping:
                return
            new = self.start_worker()
            if not self.said_ready(new, ready_seconds):
                if not self.stopping:
                    log.error("Worker process [%d] was not ready in time; keeping the others.", new.pid)
                self.stop([new])
                return
            self.stop([old])
            self.workers[index] = new

    def stop_all(self) -> None:
        self.stop(self.workers)

    def stop(self, workers: list[subprocess.Popen[bytes]]) -> None:
        """SIGTERM to each, then up to ``STOP_SECONDS`` for all, then SIGKILL to the rest."""
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in workers:
            try:
                worker.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("Worker process [%d] did not stop in time; killed.", worker.pid)
                worker.kill()
                worker.wait()
            self.forget(worker)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop.supervisor")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s", stream=sys.stderr)
    try:
        sock = bind(args.host, args.port)
    except OSError as failure:
        log.error("Cannot listen on %s:%d: %s", args.host, args.port, failure.strerror)
        return 1
    shown = f"[{args.host}]" if ":" in args.host else args.host
    log.info("Listening on http://%s:%d (Press CTRL+C to quit)", shown, sock.getsockname()[1])
    worker = [sys.executable, "-m", "shop", "serve", "--host", args.host, "--port", str(args.port)]
    return Supervisor(sock, args.workers, worker).run()


if __name__ == "__main__":
    sys.exit(main())
