"""Litestar's caches of what requests send, bounded to what they are worth.

Litestar 2 memoizes its parsers of a request's parts (``functools.lru_cache``, 1 024 entries
each), keyed by the exact bytes the request sent, and each worker keeps the last 1 024 of each
for its whole life (issue 20: the server's memory against django-oscar's):

- a form body carries its CSRF token and a Cookie header its visitor's session, so no two
  requests send the same: those caches never hit, and held about 2.4 MiB under
  bench/oscar/compare.py's checkout. They go: parsing either again takes microseconds.
- paths, their parameters and query strings do come back (the home page, a listing's first
  pages, the products in fashion), but a catalog of 20 000 products and 800 list pages has
  far more than 1 024 of them: 1.9 MiB. They keep the last ``RECENT`` of each, which the pages
  asked for most often are among; a path not among them is routed in microseconds.

The modules of Litestar that imported a parser by name get the replacement.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any

from litestar import Litestar, _parsers
from litestar._asgi.routing_trie import traversal
from litestar._kwargs import extractors

RECENT = 128

# Each cached parser: where it is defined, the modules that import it by name, and its new cache
# (None: none at all).
_PARSERS: list[tuple[Any, str, tuple[str, ...], int | None]] = [
    (
        _parsers,
        "parse_url_encoded_form_data",
        ("litestar.connection.request", "litestar._kwargs.extractors"),
        None,
    ),
    (_parsers, "parse_cookie_string", ("litestar.connection.base", "litestar.data_extractors"), None),
    (
        _parsers,
        "parse_query_string",
        ("litestar.connection.base", "litestar.datastructures.url", "litestar._kwargs.extractors"),
        RECENT,
    ),
    (extractors, "create_query_default_dict", (), RECENT),
    (traversal, "parse_path_params", (), RECENT),
]


def bound_caches(app: Litestar) -> None:
    """Replace Litestar's cached parsers (idempotent), and bound ``app``'s cache of routes."""
    for home, name, callers, size in _PARSERS:
        cached = getattr(home, name)
        plain = getattr(cached, "__wrapped__", cached)  # the parser itself
        if size is None:
            replacement = plain
        elif cached is not plain and cached.cache_parameters()["maxsize"] == size:
            continue  # bounded already
        else:
            replacement = functools.lru_cache(size)(plain)
        setattr(home, name, replacement)  # for the modules imported later
        for caller in callers:
            if caller not in sys.modules:
                continue  # it will import the replacement
            module = importlib.import_module(caller)
            if getattr(module, name, None) is cached:
                setattr(module, name, replacement)
    router = app.asgi_router
    routing: Callable[..., Any] = router._handle_routing
    router.handle_routing = functools.lru_cache(RECENT)(routing)
