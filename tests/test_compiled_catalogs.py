"""The app reads each language's compiled catalog (messages.mo), written by
``python -m shop.i18n_tools compile`` (``make run``, the Containerfile); a .po newer than its
.mo, or one never compiled, is compiled in memory instead, so an edit shows at the next start."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from shop import i18n, i18n_tools

SOURCE = i18n.LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    po = tmp_path / "vi" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copyfile(SOURCE, po)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(i18n_tools, "LOCALES_DIR", tmp_path)
    return po


def _vietnamese(message: str) -> str:
    return i18n.translations_for.__wrapped__("vi").ugettext(message)  # type: ignore[attr-defined]


def _edit(po: Path, old: str, new: str) -> None:
    """Edit the .po after its .mo was written (the .mo dated back: the clock's steps are coarse)."""
    po.write_text(po.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    mo, before = po.with_suffix(".mo"), po.stat().st_mtime - 5
    os.utime(mo, (before, before))


def test_the_compiled_catalog_is_read_and_an_edited_po_is_not_hidden_by_it(locales: Path):
    mo = locales.with_suffix(".mo")
    assert _vietnamese("Apply filters") == "Áp dụng bộ lọc"  # never compiled: from the .po

    i18n_tools.compile_all()
    assert mo.is_file()
    assert _vietnamese("Apply filters") == "Áp dụng bộ lọc"  # from the .mo

    # The .mo is the app's once compiled: a change to it shows (the .po is not read)…
    written = mo.stat().st_mtime
    mo.write_bytes(mo.read_bytes().replace("Áp dụng bộ lọc".encode(), "Áp dụng bộ lọX".encode()))
    os.utime(mo, (written, written))
    assert _vietnamese("Apply filters") == "Áp dụng bộ lọX"

    # …until the .po is edited after it: the edit wins, compiled in memory…
    _edit(locales, 'msgstr "Áp dụng bộ lọc"', 'msgstr "Lọc ngay"')
    assert _vietnamese("Apply filters") == "Lọc ngay"

    # …and the next compile writes it, leaving the catalogs unchanged since alone.
    i18n_tools.compile_all()
    assert mo.stat().st_mtime >= locales.stat().st_mtime
    assert _vietnamese("Apply filters") == "Lọc ngay"
    assert not list(locales.parent.glob("*.partial"))
