"""Loading a reference: normalised once (nullable leftovers, ?beta=true keys, event unions by type),
bad names and files refused with the allowed values, and routes the reference lacks only counted."""

from __future__ import annotations

import json

import pytest

from harness.contract import ApiSpec, CheckOptions, CheckSession, check_exchange
from harness.contract.reference import load_reference, normalise
from harness.core.errors import SpecError, UsageError

from .helpers import make_exchange

APP = ApiSpec.from_dict({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}})


def test_openai_is_normalised_at_load():
    ref = load_reference("openai")
    text = json.dumps(ref.spec.doc)
    assert '"nullable": true' not in text and not [p for p in ref.spec.doc["paths"] if "?" in p]
    # a chat chunk's finish_reason: null fails OpenAI's document as written; normalised it is valid
    assert (
        ref.spec.validate(
            "#/components/schemas/CreateChatCompletionStreamResponse",
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "m",
                "choices": [{"index": 0, "delta": {"content": "H"}, "finish_reason": None}],
            },
        )
        == []
    )
    assert load_reference("openai") is ref  # cached


def test_nullable_becomes_a_null_type_or_a_null_branch():
    doc = normalise(
        {
            "openapi": "3.1.0",
            "paths": {"/a?beta=true": {}, "/a": {}},
            "components": {
                "schemas": {
                    "N": {"type": "string", "enum": ["x"], "nullable": True},
                    "R": {"$ref": "#/components/schemas/N", "nullable": True},
                    "F": {"type": "integer", "nullable": False},
                }
            },
        }
    )
    schemas = doc["components"]["schemas"]
    assert schemas["N"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert schemas["R"] == {"anyOf": [{"$ref": "#/components/schemas/N"}, {"type": "null"}]}
    assert schemas["F"] == {"type": "integer"} and list(doc["paths"]) == ["/a"]


def test_the_event_union_is_indexed_by_type():
    ref = load_reference("openai")
    found = ref.match("POST", "http://127.0.0.1:8321/v1/responses")
    assert found.key == "POST /responses" and len(ref.event_schemas(found.operation)) == 58
    assert (
        ref.event_schema(found, "response.output_text.delta") == "#/components/schemas/ResponseTextDeltaEvent"
    )
    open_responses = load_reference("openresponses")
    assert len(open_responses.event_schemas(open_responses.match("POST", "/v1/responses").operation)) == 24


def test_an_unknown_name_lists_what_is_allowed():
    with pytest.raises(UsageError) as raised:
        load_reference("bogus")
    text = raised.value.render()
    assert "'bogus'" in text and "openai, openresponses, none, or a path" in text and "fix:" in text


def test_a_file_that_is_not_openapi_3_is_a_spec_error(tmp_path):
    path = tmp_path / "swagger.json"
    path.write_text('{"swagger": "2.0", "paths": {}}')
    with pytest.raises(SpecError, match="unsupported OpenAPI version"):
        load_reference(str(path))
    assert load_reference("none") is None


def test_a_route_the_reference_lacks_is_counted_not_a_finding():
    session = CheckSession()
    exchange = make_exchange("GET", "http://x/v1/prompts/p1", 404, {"detail": "not found"})
    failures = check_exchange(APP, exchange, options=CheckOptions(reference="openai"), session=session)
    assert [f for f in failures if f.check.startswith("reference_")] == []
    assert session.reference_routes == {("GET /v1/prompts/p1", ""): 1}


def test_an_error_body_is_judged_whatever_statuses_the_reference_declares():
    session = CheckSession()
    exchange = make_exchange("GET", "http://x/v1/responses/r1", 404, {"detail": "Response 'r1' not found."})
    failures = check_exchange(APP, exchange, options=CheckOptions(reference="openai"), session=session)
    found = [f for f in failures if f.check == "reference_error_schema"]
    assert found and found[0].title.startswith(
        "differs from OpenAI's API: the 404 error body (ErrorResponse)"
    )
    assert session.reference_routes == {("GET /v1/responses/r1", "GET /responses/{response_id}"): 1}
    ok = make_exchange(
        "GET",
        "http://x/v1/responses/r1",
        404,
        {"error": {"message": "not found", "type": "invalid_request_error", "param": None, "code": None}},
    )
    assert not [
        f
        for f in check_exchange(APP, ok, options=CheckOptions(reference="openai"))
        if f.check.startswith("reference_")
    ]


def test_a_success_status_the_reference_does_not_declare():
    body = {"id": "conv_1", "object": "conversation", "metadata": {}, "created_at": 1}
    failures = check_exchange(
        APP,
        make_exchange("POST", "http://x/v1/conversations", 201, body),
        options=CheckOptions(reference="openai"),
    )
    found = [f for f in failures if f.check == "reference_status"]
    assert found and "status 201, where POST /conversations answers 200" in found[0].title
