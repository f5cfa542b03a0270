"""The pages' templates are compiled once into ``OCOP_VAR_DIR/templates`` and loaded from there by
every worker and every later start (issue 20: compiling them in each worker kept about 1.5 MiB
of each); a folder removed or unwritable never stops a page."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from jinja2 import pass_context

from shop.templating import _fingerprint, build_environment

TEMPLATE = "base.html"


def _age(folder: Path) -> dict[str, int]:
    """Every file of ``folder`` dated an hour back: their modification times by name."""
    dates = {}
    for file in folder.iterdir():
        past = file.stat().st_mtime - 3600
        os.utime(file, (past, past))
        dates[file.name] = file.stat().st_mtime_ns
    return dates


def test_a_template_compiled_once_is_loaded_by_the_next_environment(tmp_path: Path):
    folder = tmp_path / "templates"
    first = build_environment(folder).get_template(TEMPLATE)
    written = _age(folder)
    assert written, "nothing compiled into the folder"

    again = build_environment(folder).get_template(TEMPLATE)

    assert {f.name: f.stat().st_mtime_ns for f in folder.iterdir()} == written  # read, not rewritten
    assert again.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code


def test_a_removed_or_blocked_folder_still_renders(tmp_path: Path):
    folder = tmp_path / "templates"
    environment = build_environment(folder)
    environment.get_template("_pager.html")
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()
    environment.get_template(TEMPLATE)  # the folder made again for it
    assert any(folder.iterdir())

    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    loaded = build_environment(blocked).get_template(TEMPLATE)  # compiled in memory
    assert (
        loaded.root_render_func.__code__.co_code
        == environment.get_template(TEMPLATE).root_render_func.__code__.co_code
    )


def test_a_damaged_file_is_compiled_again_and_replaced(tmp_path: Path):
    folder = tmp_path / "templates"
    first = build_environment(folder).get_template(TEMPLATE)
    (cached,) = folder.iterdir()
    cached.write_bytes(cached.read_bytes()[:200])  # cut short, as by a full disk

    again = build_environment(folder).get_template(TEMPLATE)

    assert again.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code
    assert cached.stat().st_size > 200  # written whole again


def test_code_compiled_for_other_filters_is_not_loaded(tmp_path: Path):
    """A filter that now takes the context compiles into another call: an upgrade that makes
    one so names its files apart from those compiled before it."""
    before = build_environment()
    after = build_environment()
    after.filters["vnd"] = pass_context(lambda _context, value: str(value))
    assert _fingerprint(before) == _fingerprint(build_environment())
    assert _fingerprint(before) != _fingerprint(after)


async def test_the_app_keeps_its_compiled_pages_in_its_var_folder(client: httpx.AsyncClient, var_dir: Path):
    environment = client.app.template_engine.engine  # type: ignore[attr-defined]
    assert environment.bytecode_cache.directory == str(var_dir / "templates")
    environment.cache.clear()  # as a new worker: no template in memory yet (the app is shared)
    page = await client.get("/")
    assert page.status_code == 200
    assert any((var_dir / "templates").iterdir())
