"""Hostile input gets a 4xx, never a 500: oversized ids anywhere, JSON nested to the
decoder's limit, control characters in any text field (issue 15, items 1, 3 and 4)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import msgspec
import msgspec.inspect
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

from shop.app import create_app
from shop.settings import Settings
from tests import factories

OVERSIZED = "3968979622153249357824"  # beyond any integer column, 64-bit included
NESTED = "[" * 100_000 + "]" * 100_000


def _is_int(field: FieldDefinition) -> bool:
    if field.is_subclass_of(bool):
        return False
    return field.is_subclass_of(int) or field.has_inner_subclass_of(int)


Probe = tuple[str, str, str, str, dict[str, type]]


def int_parameters(app: Litestar) -> list[Probe]:
    """(method, path, parameter, "path" or "query", path types) for every int parameter."""
    app.sections.load_all()  # type: ignore[attr-defined]
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        types = {name: p.type for name, p in route.path_parameters.items()}
        for handler in route.route_handlers:
            for name, field in handler.parsed_fn_signature.parameters.items():
                if name in ("data", "session", "request") or not _is_int(field):
                    continue
                where = "path" if name in types else "query"
                query_name = getattr(field.kwarg_definition, "query", None) or name
                for method in sorted(set(handler.http_methods) - {"HEAD", "OPTIONS"}):
                    found.append((method, route.path_format, query_name, where, types))
    return found


def _url(path_format: str, parameter: str, where: str, types: dict[str, type]) -> str:
    values = {name: str(uuid.uuid4()) if kind is uuid.UUID else "1" for name, kind in types.items()}
    if where == "path":
        values[parameter] = OVERSIZED
    query = f"?{parameter}={OVERSIZED}" if where == "query" else ""
    return path_format.format(**values) + query


async def test_every_int_parameter_refuses_an_oversized_value(client: httpx.AsyncClient, session):
    """Walks the app's routes: an id, page or quantity beyond its bound is a 4xx wherever it is
    declared, so a new parameter without a bound fails here before it reaches the database."""
    headers = await factories.admin_headers(session, client)
    parameters = int_parameters(client.app)  # type: ignore[attr-defined]
    assert len(parameters) > 40, "the walk found the app's id, page and quantity parameters"
    assert ("GET", "/api/v1/labels", "product", "query", {}) in parameters
    failures = []
    for method, path_format, name, where, types in parameters:
        url = _url(path_format, name, where, types)
        response = await client.request(method, url, headers=headers)
        if not 400 <= response.status_code < 500:
            failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures


async def test_an_oversized_id_in_a_body_is_named(client: httpx.AsyncClient, session):
    headers = await factories.admin_headers(session, client)
    response = await client.post(
        "/api/v1/certificates", headers=headers, json={"product_id": int(OVERSIZED), "stars": 4}
    )
    assert response.status_code == 400, response.text
    assert "product_id" in response.text


async def test_labels_for_an_oversized_product_id_are_refused(client: httpx.AsyncClient, session):
    headers = await factories.admin_headers(session, client)
    response = await client.get(f"/api/v1/labels?product={OVERSIZED}", headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "product"


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/login", "/api/v1/checkout", "/api/v1/sales-points/SP-A/sales", "/api/v1/carts"]
)
async def test_json_nested_beyond_the_decoder_is_a_400(client: httpx.AsyncClient, path: str):
    response = await client.post(path, content=NESTED, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x08"])
async def test_a_control_character_in_a_login_is_a_422_naming_the_field(
    client: httpx.AsyncClient, character: str
):
    response = await client.post(
        "/api/v1/auth/login", json={"username": f"admin{character}", "password": "password123"}
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["username"]


async def test_a_control_character_deep_in_a_body_names_its_path(client: httpx.AsyncClient, session):
    headers = await factories.admin_headers(session, client)
    body: dict[str, Any] = {
        "kind": "purchase",
        "lines": [{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 1, "note": "a\x00b"}],
    }
    response = await client.post("/api/v1/sales-points/SP-A/receipts", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["lines[1].note"]


async def test_line_breaks_and_tabs_in_text_are_kept_out_of_the_refusal(client: httpx.AsyncClient):
    response = await client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": "line\nbreak\tand tab"}
    )
    assert response.status_code == 401, response.text


async def test_a_control_character_in_a_query_or_a_page_form_is_refused(client: httpx.AsyncClient):
    response = await client.get("/api/v1/products", params={"q": "mi\x00en"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "q"
    page = await client.get("/", params={"q": "mi\x00en"})
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    form = await client.post("/login", data={"username": "a\x00", "password": "x"})
    assert form.status_code in (403, 422)  # CSRF first when the form carries no token


async def test_a_control_character_in_a_path_names_nothing(client: httpx.AsyncClient):
    response = await client.get("/api/v1/trace/AB%00CD")
    assert response.status_code == 404, response.text
    page = await client.get("/t/AB%00CD")
    assert page.status_code == 404


def _unbounded_ints(info: Any, where: str, seen: set[int]) -> list[str]:
    """Fields of a request body type that accept an int with no upper bound."""
    inspect = msgspec.inspect
    if isinstance(info, inspect.IntType):
        return [where] if info.le is None and info.lt is None else []
    children: list[tuple[Any, str]] = []
    if isinstance(info, inspect.StructType | inspect.DataclassType | inspect.TypedDictType):
        if id(info.cls) in seen:
            return []
        seen.add(id(info.cls))
        children = [(f.type, f"{where}.{f.name}") for f in info.fields]
    elif isinstance(info, inspect.ListType | inspect.SetType | inspect.FrozenSetType | inspect.VarTupleType):
        children = [(info.item_type, f"{where}[]")]
    elif isinstance(info, inspect.UnionType):
        children = [(t, where) for t in info.types]
    elif isinstance(info, inspect.DictType):
        children = [(info.value_type, f"{where}{{}}")]
    return [found for child, path in children for found in _unbounded_ints(child, path, seen)]


def test_every_int_in_a_request_body_has_an_upper_bound():
    """The body half of the walk: an id, quantity or amount declared without a bound would
    reach the database and overflow there (a 500) instead of being refused by the decoder."""
    app = create_app(
        Settings(database_url="sqlite+aiosqlite://", secret_key="test-secret-key-not-for-production")
    )
    app.sections.load_all()
    bodies = {
        field.annotation
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if (field := handler.parsed_fn_signature.parameters.get("data")) is not None
    }
    assert len(bodies) > 20, "the walk found the app's request bodies"
    unbounded = [
        found
        for body in bodies
        for found in _unbounded_ints(
            msgspec.inspect.type_info(body), getattr(body, "__name__", str(body)), set()
        )
    ]
    assert not unbounded, unbounded
