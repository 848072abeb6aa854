"""Schema validation: discriminated unions resolved by their tag, OpenAPI 3.0 forms, dangling refs."""

from __future__ import annotations

import jsonschema_rs
import pytest

from harness.contract import ApiSpec, check_document


def _spec(schemas: dict, version: str = "3.1.0") -> ApiSpec:
    return ApiSpec.from_dict({"openapi": version, "paths": {}, "components": {"schemas": schemas}})


PETS = {
    "Cat": {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "meows": {"type": "boolean"}},
        "required": ["kind", "meows"],
    },
    "Dog": {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
        "required": ["kind", "barks"],
    },
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    },
    "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
}


def test_tag_picks_the_branch_and_only_its_errors_are_reported():
    spec = _spec(PETS)
    [error] = spec.validate(
        "#/components/schemas/Pets", [{"kind": "cat", "meows": True}, {"kind": "dog", "meows": True}]
    )
    assert error.kind == "schema" and error.instance_path == "/1"
    assert '"barks" is a required property' in error.message
    assert error.schema_location == "#/components/schemas/Dog/required"


def test_valid_under_two_branches_is_fine_when_the_tag_decides():
    # both variants accept this object, so a plain oneOf rejects it ("valid under more than one schema")
    spec = _spec(PETS)
    pet = {"kind": "dog", "barks": True, "meows": True}
    assert spec.validate("#/components/schemas/Pet", pet) == []
    plain = jsonschema_rs.validator_for({**spec.doc, "$ref": "#/components/schemas/Pet"})
    assert not plain.is_valid(pet)


def test_unknown_tag_is_its_own_failure():
    [error] = _spec(PETS).validate("#/components/schemas/Pets", [{"kind": "cow", "moos": True}])
    assert error.kind == "unknown-tag" and error.instance_path == "/0"
    assert 'kind="cow"' in error.message and "allowed: cat, dog" in error.message
    assert error.schema_location == "#/components/schemas/Pet"


def test_missing_tag_and_non_object():
    spec = _spec(PETS)
    [missing] = spec.validate("#/components/schemas/Pet", {"meows": True})
    assert missing.kind == "missing-tag" and "'kind' is missing" in missing.message
    [scalar] = spec.validate("#/components/schemas/Pet", 3)
    assert scalar.kind == "missing-tag"


def test_tags_from_const_or_enum_without_mapping_and_implicit_names():
    schemas = {
        "A": {
            "type": "object",
            "properties": {"t": {"const": "a"}, "x": {"type": "integer"}},
            "required": ["x"],
        },
        "B": {
            "type": "object",
            "properties": {"t": {"enum": ["b", "bee"]}, "y": {"type": "integer"}},
            "required": ["y"],
        },
        "C": {"type": "object", "properties": {"z": {"type": "integer"}}, "required": ["z"]},
        "U": {
            "anyOf": [
                {"$ref": "#/components/schemas/A"},
                {"$ref": "#/components/schemas/B"},
                {"$ref": "#/components/schemas/C"},
            ],
            "discriminator": {"propertyName": "t"},
        },
    }
    spec = _spec(schemas)
    u = "#/components/schemas/U"
    assert spec.validate(u, {"t": "bee", "y": 1}) == [] and spec.validate(u, {"t": "C", "z": 1}) == []
    assert "y" in spec.validate(u, {"t": "b", "x": 1})[0].message
    assert spec.validate(u, {"t": "c", "z": 1})[0].kind == "unknown-tag"


def test_inline_discriminated_union_inside_properties():
    schemas = {
        "Box": {
            "type": "object",
            "properties": {
                "item": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {"type": {"const": "n"}, "v": {"type": "number"}},
                            "required": ["v"],
                        },
                        {
                            "type": "object",
                            "properties": {"type": {"const": "s"}, "v": {"type": "string"}},
                            "required": ["v"],
                        },
                    ],
                    "discriminator": {"propertyName": "type"},
                }
            },
        }
    }
    spec = _spec(schemas)
    [error] = spec.validate("#/components/schemas/Box", {"item": {"type": "s", "v": 1}})
    assert error.instance_path == "/item/v" and "string" in error.message


def test_openapi_30_nullable_and_exclusive_bounds():
    schemas = {
        "N": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "nullable": True},
                "ref": {"$ref": "#/components/schemas/Tag", "nullable": True},
                "size": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            },
        },
        "Tag": {"type": "object", "properties": {"t": {"type": "string"}}, "required": ["t"]},
    }
    spec = _spec(schemas, "3.0.3")
    n = "#/components/schemas/N"
    assert spec.validate(n, {"name": None, "ref": None, "size": 1}) == []
    assert spec.validate(n, {"size": 0})[0].instance_path == "/size"
    assert spec.validate(n, {"ref": {"t": 1}}) != []
    # in 3.1 `nullable` means nothing: null is not a string
    assert _spec({"N": {"type": "string", "nullable": True}}).validate("#/components/schemas/N", None) != []


def test_dangling_refs_accept_anything_and_the_rest_is_still_checked():
    schemas = {
        "W": {
            "type": "object",
            "properties": {"gone": {"$ref": "#/components/schemas/Missing"}, "n": {"type": "integer"}},
        }
    }
    spec = _spec(schemas)
    w = "#/components/schemas/W"
    assert spec.validate(w, {"gone": {"anything": [1]}, "n": 1}) == []
    assert spec.validate(w, {"gone": 1, "n": "x"})[0].instance_path == "/n"
    assert list(spec.dangling_refs) == ["#/components/schemas/Missing"]


def test_union_without_discriminator_explains_each_branch():
    schemas = {"E": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["a"]}]}}
    [error] = _spec(schemas).validate("#/components/schemas/E", {"b": 1})
    assert error.details and any("branch 1" in d and '"a" is a required property' in d for d in error.details)


def test_every_union_of_the_real_specs_is_rewritten(live_spec, committed_spec):
    for spec in (live_spec, committed_spec):
        assert spec.prepared.unresolved_unions == []
    stream_site = next(
        s
        for s in committed_spec.prepared.sites.values()
        if s.union == "#/components/schemas/OpenAIResponseObjectStream"
    )
    assert len(stream_site.tags) == 37 and "response.output_text.delta" in stream_site.tags


@pytest.mark.parametrize(
    "name",
    [
        "responses create",
        "responses get",
        "responses input_items",
        "conversations create",
        "conversations items",
    ],
)
def test_real_ogx_bodies_are_valid(live_spec, ogx_exchanges, name):
    exchange = ogx_exchanges[name]
    op = live_spec.find_operation(exchange.request.method, exchange.request.url)
    media = op.response_for(200).media("application/json")
    assert live_spec.validate(media.schema, exchange.response.json()) == []


def test_wrong_tag_in_a_real_ogx_body_reports_the_named_branch(live_spec, ogx_exchanges):
    body = ogx_exchanges["responses create"].response.json()
    body["output"][0]["type"] = "function_call"  # a message dressed as a function call
    schema = live_spec.operation("POST /v1/responses").response_for(200).media("application/json").schema
    errors = live_spec.validate(schema, body)
    assert {e.instance_path for e in errors} == {"/output/0"}
    assert all("OpenAIResponseOutputMessageFunctionToolCall" in e.schema_location for e in errors)
    assert any('"call_id" is a required property' in e.message for e in errors)


def test_invalid_keywords_are_dropped_and_reported_once():
    schemas = {"S": {"type": "object", "properties": {"size": {"type": "number", "exclusiveMinimum": True}}}}
    spec = _spec(schemas)  # a 3.0 habit in a 3.1 document
    assert spec.validate("#/components/schemas/S", {"size": 0}) == []  # the bound is ignored, not a crash
    [failure] = [f for f in check_document(spec) if f.check == "spec_schemas_valid"]
    assert "#/components/schemas/S/properties/size/exclusiveMinimum" in failure.render()


def test_real_specs_have_valid_schemas(live_spec, committed_spec):
    assert [f.check for f in check_document(live_spec)] == ["spec_refs_resolve"]
    assert check_document(committed_spec) == []


# -- compiled on first use: the same errors as compiling the whole document up front ------------------

JUNK = (
    {},
    [],
    "x",
    1,
    None,
    {"type": "bogus"},
    {"object": 1, "id": 2},
    {"type": "message", "role": 3},
    {"data": [{"id": 1}]},
    {"error": {}},
)


def _schema_pointers(spec: ApiSpec) -> list[str]:
    from harness.contract.validation import _json_pointer, _schema_roots

    return ["#" + _json_pointer(path) for _, path in _schema_roots(spec.prepared.doc)]


def _errors_from_the_whole_document_map(spec: ApiSpec, pointers: list[str]) -> dict:
    """What the validator answered when it compiled every subschema at once (``validator_map_for``)."""
    validator = spec.validator
    validator.compile_all()  # the same repaired document
    whole = jsonschema_rs.validator_map_for(spec.prepared.doc)
    found = {}
    for pointer in pointers:
        compiled = whole.get(pointer)
        if compiled is None:
            continue
        for index, instance in enumerate(JUNK):
            errors = [validator._convert(e, pointer) for e in compiled.iter_errors(instance)][:20]
            found[pointer, index] = sorted(errors, key=lambda e: e.kind == "schema")
    return found


@pytest.mark.parametrize("which", ["ogx live spec", "openai reference"])
def test_schemas_compiled_on_first_use_give_the_errors_the_whole_document_map_gave(which, live_spec):
    from harness.contract.reference import load_reference

    spec = live_spec if which == "ogx live spec" else ApiSpec.from_dict(load_reference("openai").spec.doc)
    pointers = _schema_pointers(spec)
    expected = _errors_from_the_whole_document_map(spec, pointers)
    assert len(expected) > 10 * 300  # components and response schemas alike, {path} templates included
    fresh = ApiSpec.from_dict(spec.doc)
    got = {(pointer, index): fresh.validate(pointer, JUNK[index]) for pointer, index in expected}
    assert got == expected


def test_a_schema_that_cannot_compile_is_a_spec_error_naming_its_pointer():
    from harness.core.errors import SpecError

    spec = _spec({"Bad": {"type": "string", "pattern": "(unclosed"}})
    with pytest.raises(SpecError, match="#/components/schemas/Bad"):
        spec.validate("#/components/schemas/Bad", "x")
