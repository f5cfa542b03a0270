"""No list under /api/v1 answers a bare array: each GET is one object, and a list is a page
(``items``, ``total``, ``page``, ``page_size``) taking ``page`` and ``page_size``."""

from __future__ import annotations

from typing import Any

from shop.app import create_app

PAGE_FIELDS = {"items", "total", "page", "page_size"}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _json_answers(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    components = spec["components"]["schemas"]
    found = []
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if not path.startswith("/api/v1") or operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        if "application/json" in content:
            found.append((path, operation, _resolve(content["application/json"]["schema"], components)))
    return found


def test_no_list_under_api_v1_is_a_bare_array() -> None:
    spec = create_app().openapi_schema.to_schema()
    answers = _json_answers(spec)
    assert len(answers) > 30  # the walk reaches the API
    arrays = [path for path, _, schema in answers if schema.get("type") == "array"]
    assert arrays == []
    pages = [(path, op) for path, op, schema in answers if set(schema.get("properties", {})) >= PAGE_FIELDS]
    assert {"/api/v1/fulfilments", "/api/v1/producers/{code}/statements"} <= {path for path, _ in pages}
    for path, operation in pages:
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert {"page", "page_size"} <= names, path
        size = next(p for p in operation["parameters"] if p["name"] == "page_size")["schema"]
        assert size.get("maximum", 0) <= 200, path
