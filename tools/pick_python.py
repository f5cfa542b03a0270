"""Print the path of the Python that ``make`` should build ``.venv`` with.

The candidates are the Python 3.11 to 3.13 interpreters on ``PATH`` and in the usual system
places that can make a virtual environment with pip (``venv`` and ``ensurepip``) and have the
standard modules the app needs. The lowest version wins (3.11, the one the ``Containerfile``
runs and mypy checks against); among its builds, the fastest, timed on a short loop of the
kind the app runs (objects, calls, dictionaries, strings). Builds differ: Debian's
``/usr/bin/python3.11`` (profile-guided, link-time optimised, linked statically) served a till
sale with about a quarter less CPU than one pyenv compiled with its defaults (no PGO, a shared
libpython): bench/till.py, 2026-12-06, 2.4 ms of server CPU per sale against 3.3 ms. pyenv
makes an optimised build with ``PYTHON_CONFIGURE_OPTS="--enable-optimizations --with-lto"``.

    python3 tools/pick_python.py          # the path, or nothing and exit status 1

Set ``PYTHON=…`` for ``make`` to choose yourself. Runs on Python 3.7 and later.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

NAMES = ("python3.11", "python3.12", "python3.13", "python3")
PLACES = ("/usr/bin", "/usr/local/bin")
ROUNDS = 3
# Builds this close to the fastest are as good: the first found of them is kept, so noise
# does not switch the choice from one run to the next.
TIE = 1.10

# Run by each candidate: refuses unless fit, else prints its real path, version and a timing.
PROBE = r"""
import sys
if not ((3, 11) <= sys.version_info[:2] <= (3, 13)):
    sys.exit(1)
import _decimal, ensurepip, os, sqlite3, ssl, time, venv, zlib
class Line:
    __slots__ = ("price", "quantity")
    def __init__(self, price, quantity):
        self.price, self.quantity = price, quantity
    def total(self):
        return self.price * self.quantity
def work():
    table = {}
    for i in range(120000):
        table[str(i)] = Line(i, i % 7).total()
    return sum(len(k) + v for k, v in table.items())
started = time.perf_counter()
work()
print(os.path.realpath(sys.executable), "%d.%d" % sys.version_info[:2], time.perf_counter() - started)
"""


def candidates() -> Iterator[str]:
    for name in NAMES:
        for path in [shutil.which(name)] + [os.path.join(place, name) for place in PLACES]:
            if path and os.access(path, os.X_OK):
                yield path


def probe(path: str) -> tuple[str, tuple[int, int], float] | None:
    """The interpreter behind ``path`` (a shim runs another one), its version and one timing."""
    try:
        # Each candidate is an interpreter found on this machine, run with our own probe.
        done = subprocess.run(  # noqa: S603
            [path, "-c", PROBE], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    fields = done.stdout.split()
    if done.returncode != 0 or len(fields) != 3:
        return None
    major, minor = fields[1].split(".")
    return fields[0], (int(major), int(minor)), float(fields[2])


def main() -> int:
    found: dict[str, tuple[int, int]] = {}  # real path → version, in the order found
    timings: dict[str, float] = {}  # real path → best timing
    for _ in range(ROUNDS):  # rounds across all, so a busy moment does not fall on one
        for path in candidates():
            probed = probe(path)
            if probed is None:
                continue
            real, version, seconds = probed
            found.setdefault(real, version)
            timings[real] = min(seconds, timings.get(real, seconds))
    if not found:
        return 1
    lowest = min(found.values())
    builds = [real for real, version in found.items() if version == lowest]
    fastest = min(timings[real] for real in builds)
    print(next(real for real in builds if timings[real] <= fastest * TIE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
