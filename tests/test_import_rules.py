"""The house keeps its shape: DESIGN.md's dependency rule, checked on every import.

The contracts live in pyproject.toml (``[tool.importlinter]``): domains import only domains
below them (``geo``, ``accounts`` and ``mail`` none at all; ``catalog`` neither stock nor
orders nor pages; ``inventory`` neither the till nor orders), and no domain imports the
admin. ``lint-imports`` (import-linter, from PyPI) reads every module's imports statically.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_dependency_rule_holds_in_the_code() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(  # noqa: S603 - the installed console script
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout
