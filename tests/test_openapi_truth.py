"""The OpenAPI document declares what the API really answers, and OPTIONS lists every method."""

from __future__ import annotations

import re

import pytest

from shop.input_guard import CONTROL_CHARACTERS
from shop.openapi import NO_CONTROL_CHARACTERS

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
async def document(client):
    answer = await client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item and path.startswith("/api/"):
                yield path, method, item[method]


async def test_every_operation_declares_its_errors_as_problem_details(document):
    operations = list(_operations(document))
    assert len(operations) > 90
    for path, method, operation in operations:
        responses = operation["responses"]
        for status in ("400", "401", "422"):
            assert status in responses, (method, path, status)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                content = response["content"]
                assert list(content) == ["application/problem+json"], (method, path, status)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/ProblemDetails"
                }
        if method != "get":
            assert {"403", "409", "415"} <= responses.keys(), (method, path)


async def test_guarded_and_special_operations_declare_what_they_answer(document):
    paths = document["paths"]
    assert "403" in paths["/api/v1/fulfilments"]["get"]["responses"]
    assert "403" not in paths["/api/v1/products"]["get"]["responses"]  # the catalog is public
    assert "429" in paths["/api/v1/auth/login"]["post"]["responses"]
    assert "502" in paths["/api/v1/checkout"]["post"]["responses"]
    # An idempotent retry answers 200 with what the first request made.
    assert {"200", "201"} <= paths["/api/v1/sales-points/{code}/sales"]["post"]["responses"].keys()


async def test_problem_answers_match_the_declared_shape(client, document):
    answer = await client.get("/api/v1/products/999999")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    required = document["components"]["schemas"]["ProblemDetails"]["required"]
    assert set(required) <= answer.json().keys()


async def test_texts_a_request_carries_declare_the_control_character_rule(document):
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/products"]["get"]["parameters"]}
    text_or_null = parameters["q"]["schema"]["oneOf"]
    assert {"type": "string", "pattern": NO_CONTROL_CHARACTERS} in text_or_null
    # The pattern refuses exactly what the input guard refuses (JSON Schema and Python agree on \\uXXXX).
    pattern = re.compile(NO_CONTROL_CHARACTERS)
    for text in ("Mật ong bạc hà", "line\nbreak\tand tab", "x\x00y", "bell\x07", "c1\x85"):
        assert (pattern.fullmatch(text) is None) == bool(CONTROL_CHARACTERS.search(text)), text


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/products", "GET, OPTIONS, POST"),
        ("/api/v1/products/1", "GET, OPTIONS, PATCH"),
        ("/api/v1/sales-points/NA-RI/sales", "GET, OPTIONS, POST"),
        ("/api/v1/fulfilments", "GET, OPTIONS"),  # guarded, yet OPTIONS reveals no data
        ("/checkout", "GET, OPTIONS, POST"),
    ],
)
async def test_options_lists_every_method_of_the_path(client, path, allowed):
    answer = await client.options(path)
    assert answer.status_code == 204
    assert answer.headers["allow"] == allowed


async def test_options_on_no_such_path_is_not_found(client):
    assert (await client.options("/api/v1/no-such-thing")).status_code == 404


async def test_strict_bodies_declare_that_they_refuse_unknown_fields(client, document):
    login = document["components"]["schemas"]["LoginIn"]
    assert login["additionalProperties"] is False
    answer = await client.post("/api/v1/auth/login", json={"username": "x", "password": "y", "extra": 1})
    assert answer.status_code in (400, 422)
    assert answer.headers["content-type"].startswith("application/problem+json")
