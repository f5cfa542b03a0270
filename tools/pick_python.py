"""Print the path of the Python that ``make`` should build ``.venv`` with.

The candidates are the Python 3.11 to 3.13 interpreters on ``PATH`` and in the usual system
places that can make a virtual environment with pip (``venv`` and ``ensurepip``) and have the
standard modules the app needs. Of those, the fastest wins, timed on a short loop of the kind
the app runs (objects, calls, dictionaries, strings): interpreters differ by build, not by
version alone. A distribution's Python (Debian's, Fedora's, the ``python`` container images)
is built with profile-guided and link-time optimisation; one compiled by pyenv with its
defaults is not, and runs the app about a quarter slower (bench/till.py, 2026-12-06: 2.4 ms of
server CPU per sale against 3.3 ms).

    python3 tools/pick_python.py          # the path, or nothing and exit status 1

Set ``PYTHON=…`` for ``make`` to choose yourself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

NAMES = ("python3.13", "python3.12", "python3.11", "python3")
PLACES = ("/usr/bin", "/usr/local/bin")

# Run by each candidate: refuses unless fit, else prints the best of three timings (seconds).
PROBE = r"""
import sys
if not ((3, 11) <= sys.version_info[:2] <= (3, 13)):
    sys.exit(1)
import ensurepip, sqlite3, ssl, venv, time
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
best = None
for _ in range(3):
    started = time.perf_counter()
    work()
    spent = time.perf_counter() - started
    best = spent if best is None else min(best, spent)
print(best)
"""


def candidates() -> Iterator[str]:
    seen = set()
    for name in NAMES:
        found = [shutil.which(name)] + [os.path.join(place, name) for place in PLACES]
        for path in found:
            if not path or not os.access(path, os.X_OK):
                continue
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            yield path


def timing(path: str) -> float | None:
    try:
        # Each candidate is an interpreter found on this machine, run with our own probe.
        done = subprocess.run(  # noqa: S603
            [path, "-c", PROBE], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        return float(done.stdout.strip())
    except ValueError:
        return None


def main() -> int:
    timed = [(seconds, path) for path in candidates() if (seconds := timing(path)) is not None]
    if not timed:
        return 1
    print(min(timed)[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
