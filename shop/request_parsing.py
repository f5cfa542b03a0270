"""Litestar's parsers of a form body and of a Cookie header, without their caches.

Litestar 2 memoizes ``parse_url_encoded_form_data`` and ``parse_cookie_string``
(``functools.lru_cache`` of 1 024 entries each), keyed by the exact body and header. A form
carries its CSRF token and a Cookie header its visitor's session, so no two requests send the
same: the caches never hit, and each worker held the last 1 024 of each, about 2.4 MiB under
bench/oscar/compare.py's checkout (issue 20). Parsing either again takes microseconds.

The modules of Litestar that imported the cached functions get the plain ones; Litestar's
other caches (routes, path and query parameters) are kept: the same paths come back.
"""

from __future__ import annotations

import importlib
import sys

from litestar import _parsers

# Each cached parser, and the modules that import it by name.
_CALLERS = {
    "parse_url_encoded_form_data": ("litestar.connection.request", "litestar._kwargs.extractors"),
    "parse_cookie_string": ("litestar.connection.base", "litestar.data_extractors"),
}


def without_caches() -> None:
    """Replace the cached parsers by the functions they wrap, where they are imported (idempotent)."""
    for name, callers in _CALLERS.items():
        cached = getattr(_parsers, name)
        plain = getattr(cached, "__wrapped__", cached)
        setattr(_parsers, name, plain)  # for the modules imported later
        for caller in callers:
            if caller not in sys.modules:
                continue  # it will import the plain one
            module = importlib.import_module(caller)
            if getattr(module, name, None) is cached:
                setattr(module, name, plain)
