"""Indexing, path matching, response resolution and dangling references, on the real OGX specs."""

from __future__ import annotations

import json

import pytest

from harness.contract import ApiSpec, CheckOptions, check_document, load_api_spec
from harness.contract.refs import Resolver, dangling_refs, pointer, tokens
from harness.core.errors import SpecError

ONLY_REFS = CheckOptions(skip=frozenset({"spec_schemas_valid"}))  # the spec_refs_resolve finding alone

LIVE_DANGLING = {
    "#/components/responses/BadRequest400",
    "#/components/responses/TooManyRequests429",
    "#/components/responses/InternalServerError500",
    "#/components/responses/DefaultError",
    "#/components/schemas/OpenAIResponseObjectStream",
    "#/components/schemas/OpenAIChatCompletion",
    "#/components/schemas/OpenAIChatCompletionChunk",
    "#/components/schemas/OpenAICompletion",
}


def test_pointers_round_trip():
    assert pointer("paths", "/v1/x/{id}", "get") == "#/paths/~1v1~1x~1{id}/get"
    assert tokens("#/paths/~1v1~1x~1{id}/get") == ["paths", "/v1/x/{id}", "get"]
    with pytest.raises(ValueError):
        tokens("other.yaml#/x")


def test_resolver_follows_chains_and_survives_dangling_and_cycles():
    doc = {
        "a": {"$ref": "#/b"},
        "b": {"$ref": "#/c"},
        "c": {"type": "string"},
        "d": {"$ref": "#/nope"},
        "e": {"$ref": "#/f"},
        "f": {"$ref": "#/e"},
    }
    resolver = Resolver(doc)
    assert resolver.deref(doc["a"]) == ({"type": "string"}, "#/c", None)
    assert resolver.deref(doc["d"]) == (None, None, "#/nope")
    assert "cycle" in resolver.deref(doc["e"])[2]
    assert dangling_refs(doc) == {"#/nope": ("#/d",)}


def test_live_spec_indexes_every_operation_and_finds_its_dangling_refs(live_spec):
    assert len(live_spec.operations) == 69
    assert set(live_spec.dangling_refs) == LIVE_DANGLING
    assert len(live_spec.dangling_refs["#/components/responses/DefaultError"]) == 69


def test_dangling_refs_are_one_failure_that_names_each(live_spec):
    [failure] = check_document(live_spec, options=ONLY_REFS)
    text = failure.render()
    assert failure.check == "spec_refs_resolve" and "8 $ref(s)" in failure.title
    for ref in LIVE_DANGLING:
        assert ref in text
    assert failure.reproduce.startswith("jq ")


def test_committed_spec_has_no_dangling_refs(committed_spec):
    assert committed_spec.dangling_refs == {} and check_document(committed_spec, options=ONLY_REFS) == []


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("GET", "/v1/conversations/conv_1/items", "GET /v1/conversations/{conversation_id}/items"),
        (
            "GET",
            "/v1/conversations/conv_1/items/msg_2",
            "GET /v1/conversations/{conversation_id}/items/{item_id}",
        ),
        ("POST", "/v1/responses/compact", "POST /v1/responses/compact"),  # literal beats {response_id}
        ("POST", "/v1/responses/resp_1/cancel", "POST /v1/responses/{response_id}/cancel"),
        (
            "GET",
            "http://127.0.0.1:8321/v1/responses/r1/input_items?limit=3",
            "GET /v1/responses/{response_id}/input_items",
        ),
        ("get", "/v1/responses/", "GET /v1/responses"),
        (
            "GET",
            "/v1/models/meta-llama/Llama-3.1-8B-Instruct",
            "GET /v1/models/{model_id}",
        ),  # ids with slashes
        ("GET", "/v1/vector_stores/vs%2F1/files", "GET /v1/vector_stores/{vector_store_id}/files"),
    ],
)
def test_find_operation(live_spec, method, path, key):
    assert live_spec.find_operation(method, path).key == key


def test_find_operation_misses(live_spec):
    assert live_spec.find_operation("GET", "/v2/nothing") is None
    assert live_spec.find_operation("PATCH", "/v1/responses") is None


def test_match_gives_path_parameters(live_spec):
    op, params = live_spec.match("DELETE", "/v1/vector_stores/vs_1/files/file%20a")
    assert op.key == "DELETE /v1/vector_stores/{vector_store_id}/files/{file_id}"
    assert params == {"vector_store_id": "vs_1", "file_id": "file a"}


def test_server_base_path_is_stripped():
    doc = {
        "openapi": "3.0.3",
        "servers": [{"url": "https://api.example.com/api"}],
        "paths": {"/things/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    assert ApiSpec.from_dict(doc).find_operation("GET", "/api/things/1").key == "GET /things/{id}"


def test_responses_resolve_status_range_and_default(live_spec):
    op = live_spec.operation("POST /v1/responses")
    ok = op.response_for(200)
    assert set(ok.content) == {"application/json", "text/event-stream"}
    assert ok.media("text/event-stream").dangling == "#/components/schemas/OpenAIResponseObjectStream"
    assert ok.media("application/json").schema_name == "OpenAIResponseObject"
    assert op.response_for(400).dangling == "#/components/responses/BadRequest400"
    assert op.response_for(404).status == "default"


def test_response_refs_resolve_in_the_committed_spec(committed_spec):
    declared = committed_spec.operation("GET /v1/responses/{response_id}").response_for(404)
    assert declared.ref == "#/components/responses/DefaultError" and declared.dangling is None
    assert declared.media("application/json").schema_name == "Error"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "must be a JSON/YAML object"),
        ({"swagger": "2.0", "paths": {}}, "unsupported OpenAPI version"),
        ({"openapi": "3.1.0"}, "has no 'paths' object"),
    ],
)
def test_from_dict_rejects_what_it_cannot_use(doc, message):
    with pytest.raises(SpecError) as info:
        ApiSpec.from_dict(doc, source="app.json")
    assert message in str(info.value) and "fix:" in str(info.value)


def test_load_api_spec_errors_name_the_file(tmp_path):
    with pytest.raises(SpecError, match="cannot read the OpenAPI document"):
        load_api_spec(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(SpecError, match=r"broken\.json is not valid JSON"):
        load_api_spec(broken)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("openapi: [3.1\n")
    with pytest.raises(SpecError, match=r"bad\.yaml is not valid YAML"):
        load_api_spec(bad_yaml)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"openapi": "3.1.0", "paths": {}}))
    assert load_api_spec(good).operations == {}
