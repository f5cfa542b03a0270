"""tools/pick_python.py: which interpreter ``make`` builds ``.venv`` with."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "pick_python.py"


def _picker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pick_python", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pick(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], found: dict) -> str:
    """What the picker prints when ``found`` maps each path to (real path, version, seconds)."""
    picker = _picker()
    monkeypatch.setattr(picker, "candidates", lambda: iter(found))
    monkeypatch.setattr(picker, "probe", lambda path: found[path])
    assert picker.main() == 0
    return capsys.readouterr().out.strip()


def test_the_fastest_build_of_the_lowest_version(monkeypatch, capsys) -> None:
    found = {
        "/shims/python3.11": ("/opt/pyenv/3.11.7/bin/python3.11", (3, 11), 0.060),
        "/usr/bin/python3.11": ("/usr/bin/python3.11", (3, 11), 0.045),
        "/usr/bin/python3.13": ("/usr/bin/python3.13", (3, 13), 0.030),  # faster, but not 3.11
    }
    assert _pick(monkeypatch, capsys, found) == "/usr/bin/python3.11"


def test_a_near_tie_keeps_the_first_found_and_a_shim_counts_once(monkeypatch, capsys) -> None:
    found = {
        "/shims/python3.11": ("/usr/bin/python3.11", (3, 11), 0.050),  # a shim running Debian's
        "/usr/local/bin/python3.11": ("/usr/local/bin/python3.11", (3, 11), 0.047),
        "/usr/bin/python3.11": ("/usr/bin/python3.11", (3, 11), 0.049),
    }
    assert _pick(monkeypatch, capsys, found) == "/usr/bin/python3.11"


def test_none_fit(monkeypatch, capsys) -> None:
    picker = _picker()
    monkeypatch.setattr(picker, "candidates", lambda: iter(["/usr/bin/python3.9"]))
    monkeypatch.setattr(picker, "probe", lambda path: None)
    assert picker.main() == 1
    assert capsys.readouterr().out == ""


def test_on_this_machine_it_names_a_python_that_makes_virtualenvs() -> None:
    # Our own script, then the interpreter it names.
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True)  # noqa: S603
    python = done.stdout.strip()
    version = subprocess.run(  # noqa: S603
        [python, "-c", "import sys, venv, ensurepip; print(*sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert (3, 11) <= (int(version[0]), int(version[1])) <= (3, 13)
