"""``ocop serve --workers N``: the parent process that holds the listening socket and keeps N
workers serving it.

``ocop serve`` parses its options, then replaces itself (``exec``, same process id) with this
file run by an isolated interpreter without ``site`` (``python -I -S shop/supervisor.py``). It
imports the few modules of the standard library it needs, no more: not ``subprocess``,
``logging``, ``argparse``, ``typing``, nor the enums of ``socket`` and ``signal`` (6 MiB together
with ``site``), so the parent stays at under 10 MiB for the life of the server. uvicorn's own
supervisor held uvicorn, asyncio and click (29 MiB), and spawned its workers through
multiprocessing, which starts a resource tracker process of 13 MiB beside them: 42 MiB of the
server's memory, doing little.

Each worker is ``python -X no_debug_ranges -m shop serve --fd N``: uvicorn serving the socket
it inherited (``shop.worker``, which takes one connection at a time, so connections arriving
together are shared between the workers). The parent:

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

# The C modules under ``socket`` and ``signal``: those two wrap every constant in an enum,
# which with the enum module itself is 1.3 MiB of this small process. (Nor ``typing``: 1.6.)
import _signal as signal  # type: ignore[import-not-found,unused-ignore]
import _socket as socket
import os
import select
import sys
import time
from types import FrameType

STOP_SECONDS = 30.0  # a worker's graceful stop: its requests in flight, then the app's shutdown
TICK_SECONDS = 0.5
READY_SECONDS = 60.0  # a replacement's start on a busy host (imports, the app, the database)
BACKLOG = 2048  # uvicorn's default


def say(level: str, message: str) -> None:
    """A line on standard error, as uvicorn's workers write theirs."""
    sys.stderr.write(f"{level}:     {message}\n")
    sys.stderr.flush()


class Worker:
    """A worker process, started with ``posix_spawn``: it inherits the descriptors marked
    inheritable (the listening socket and its own end of its pipe), no other."""

    def __init__(self, command: list[str]) -> None:
        # The signals Python ignores go back to their defaults, as subprocess does it.
        defaults = (signal.SIGPIPE, signal.SIGXFSZ)
        self.pid = os.posix_spawn(command[0], command, os.environ, setsigdef=defaults)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Its exit status once it has ended (minus the signal that killed it), else None."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def terminate(self) -> None:
        self._send(signal.SIGTERM)

    def kill(self) -> None:
        self._send(signal.SIGKILL)

    def _send(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        """Its exit status; ``TimeoutError`` if it has not ended within ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (status := self.poll()) is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(self.pid)
            time.sleep(0.05)
        return status


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, inheritable by the workers (IPv6 when ``host`` is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)  # connections wait in the queue while the workers start
    os.set_inheritable(sock.fileno(), True)
    return sock


class Supervisor:
    def __init__(self, sock: socket.socket, workers: int, command: list[str]) -> None:
        self.sock, self.count, self.command = sock, workers, command
        self.workers: list[Worker] = []
        self.ready_pipes: dict[int, int] = {}  # by process id: the read end of its pipe
        self.served: set[int] = set()  # the process ids that said they serve
        self.signals: list[int] = []
        self.exit_status = 0

    def start_worker(self) -> Worker:
        fd = self.sock.fileno()
        ready_read, ready_write = os.pipe()  # neither inheritable, as pipes are made
        command = [*self.command, "--fd", str(fd), "--ready-fd", str(ready_write)]
        try:
            os.set_inheritable(ready_write, True)
            worker = Worker(command)
        except BaseException:
            os.close(ready_read)
            raise
        finally:
            os.close(ready_write)  # the worker's end
        self.ready_pipes[worker.pid] = ready_read
        say("INFO", f"Started worker process [{worker.pid}]")
        return worker

    def said_ready(self, worker: Worker, seconds: float = 0.0) -> bool:
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

    def forget(self, worker: Worker) -> None:
        self.served.discard(worker.pid)
        if (pipe := self.ready_pipes.pop(worker.pid, None)) is not None:
            os.close(pipe)

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._queue_signal)
        say("INFO", f"Started parent process [{os.getpid()}]")
        try:
            self.workers = [self.start_worker() for _ in range(self.count)]
            while self._keep_going():
                time.sleep(TICK_SECONDS)
        finally:  # whatever ends the loop, no worker is left without its parent
            self.stop_all()
        say("INFO", f"Stopping parent process [{os.getpid()}]")
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
                say("ERROR", f"Worker process [{worker.pid}] could not start (status {status}); stopping.")
                self.exit_status = status
                return False
            say("WARNING", f"Worker process [{worker.pid}] died (status {status}); starting another.")
            self.workers[index] = self.start_worker()
        return True

    def replace_all(self, ready_seconds: float = READY_SECONDS) -> None:
        say("INFO", "Replacing the workers one at a time")
        for index, old in enumerate(self.workers):
            if self.stopping:
                return
            new = self.start_worker()
            if not self.said_ready(new, ready_seconds):
                if not self.stopping:
                    say("ERROR", f"Worker process [{new.pid}] was not ready in time; keeping the others.")
                self.stop([new])
                return
            self.stop([old])
            self.workers[index] = new

    def stop_all(self) -> None:
        self.stop(self.workers)

    def stop(self, workers: list[Worker]) -> None:
        """SIGTERM to each, then up to ``STOP_SECONDS`` for all, then SIGKILL to the rest."""
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in workers:
            try:
                worker.wait(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                say("WARNING", f"Worker process [{worker.pid}] did not stop in time; killed.")
                worker.kill()
                worker.wait()
            self.forget(worker)


def options(argv: list[str]) -> tuple[str, int, int]:
    """``--host H --port P --workers N``, as ``ocop serve`` passes them (it checked them)."""
    given = dict(zip(argv[::2], argv[1::2], strict=True))
    if len(argv) % 2 or set(given) != {"--host", "--port", "--workers"}:
        raise ValueError("usage: supervisor.py --host HOST --port PORT --workers N")
    return given["--host"], int(given["--port"]), int(given["--workers"])


def main(argv: list[str] | None = None) -> int:
    try:
        host, port, workers = options(sys.argv[1:] if argv is None else argv)
    except ValueError as failure:
        say("ERROR", str(failure))
        return 2
    try:
        sock = bind(host, port)
    except OSError as failure:
        say("ERROR", f"Cannot listen on {host}:{port}: {failure.strerror}")
        return 1
    shown = f"[{host}]" if ":" in host else host
    say("INFO", f"Listening on http://{shown}:{sock.getsockname()[1]} (Press CTRL+C to quit)")
    # Without the column of each instruction (only tracebacks' ^^^ markers use it): 0.5 MiB less.
    python = [sys.executable, "-X", "no_debug_ranges"]
    worker = [*python, "-m", "shop", "serve", "--host", host, "--port", str(port)]
    return Supervisor(sock, workers, worker).run()


if __name__ == "__main__":
    sys.exit(main())
