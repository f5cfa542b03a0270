"""Forms and cookies are parsed for each request and not kept, paths and query strings kept
for the most recent only (shop.request_parsing)."""

from __future__ import annotations

import re

import httpx
from litestar import _parsers
from litestar._asgi.routing_trie import traversal
from litestar._kwargs import extractors
from litestar.connection import base, request
from litestar.datastructures import url

from shop.request_parsing import RECENT


def _cached(function: object) -> bool:
    return hasattr(function, "cache_info")


async def test_forms_and_cookies_are_read_without_being_kept(client: httpx.AsyncClient):
    # A visitor signs in twice with a wrong password: two forms, each with its own token, and
    # the visitor's cookies; both are read (the page says the password is wrong).
    for attempt in ("first", "second"):
        form = await client.get("/login", headers={"accept-language": "en"})
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token
        answer = await client.post(
            "/login",
            data={"_csrf_token": token.group(1), "username": f"nobody-{attempt}", "password": "wrong"},
            headers={"accept-language": "en"},
        )
        assert answer.status_code == 401
        assert "password" in answer.text.lower()

    # What read them keeps nothing of them: each form and Cookie header is another's.
    assert not _cached(request.parse_url_encoded_form_data)
    assert not _cached(extractors.parse_url_encoded_form_data)
    assert not _cached(base.parse_cookie_string)
    assert not _cached(_parsers.parse_cookie_string)
    # What comes back (query strings, paths, routes) is kept for the most recent only.
    for parser in (
        _parsers.parse_query_string,
        base.parse_query_string,
        url.parse_query_string,
        extractors.parse_query_string,
        extractors.create_query_default_dict,
        traversal.parse_path_params,
        client.app.asgi_router.handle_routing,  # type: ignore[attr-defined]
    ):
        assert parser.cache_parameters()["maxsize"] == RECENT  # type: ignore[attr-defined]
    listing = await client.get("/products?page=2")
    assert listing.status_code == 200
    assert client.app.asgi_router.handle_routing.cache_info().currsize >= 1  # type: ignore[attr-defined]
