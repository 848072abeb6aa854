import copy

import pytest

from harness.spectools import diff

from .helpers import AFTER, BEFORE, get_op, make_spec, obj, ref, tagged

MSG = obj(
    ["content", "role"],
    content={"type": "string"},
    role={"type": "string"},
    type={"type": "string", "const": "message"},
)


def rules(changes) -> set[tuple[str, str]]:
    return {(c.rule, c.impact.value) for c in changes}


def pair(old_schemas, new_schemas, old_paths, new_paths=None):
    return make_spec(old_schemas, old_paths), make_spec(
        new_schemas, new_paths if new_paths is not None else old_paths
    )


# -- the PR 4342 case, synthetic and real --------------------------------------------------------------


def test_schema_that_became_a_union_is_a_widening_not_removed_properties():
    variants = {
        "Msg": MSG,
        "Call": tagged("call", name={"type": "string"}),
        "Out": tagged("out", output={"type": "string"}),
    }
    union = {
        "oneOf": [ref("Msg"), ref("Call"), ref("Out")],
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                "message": "#/components/schemas/Msg",
                "call": "#/components/schemas/Call",
                "out": "#/components/schemas/Out",
            },
        },
    }
    old, new = pair({"Msg": MSG}, variants, get_op(ref("Msg"), method="get"), get_op(union, method="get"))
    changes = diff(old, new)
    assert rules(changes) == {("response-became-union", "breaking")}
    [c] = changes
    assert "the old schema `Msg` is the `message` variant (`Msg`), unchanged" in c.message
    assert c.details["new_variants"] == ["Call", "Out"]
    assert [v["tag"] for v in c.details["variants"]] == ["message", "call", "out"]
    assert c.operations == ["GET /v1/things"]


def test_same_change_in_a_request_is_info():
    union = {"anyOf": [ref("Msg"), ref("Call")]}
    old = make_spec({"Msg": MSG}, get_op({"type": "string"}, request=ref("Msg")))
    new = make_spec({"Msg": MSG, "Call": tagged("call")}, get_op({"type": "string"}, request=union))
    assert rules(diff(old, new)) == {("request-became-union", "info")}


def test_union_without_the_old_schema_is_a_type_change():
    union = {"oneOf": [ref("Call"), ref("Out")]}
    old, new = pair(
        {"Msg": MSG}, {"Call": tagged("call"), "Out": tagged("out")}, get_op(ref("Msg")), get_op(union)
    )
    assert ("response-type-changed", "breaking") in rules(diff(old, new))


def test_pr4342_pair_reports_the_conversation_item_union_widening():
    changes = diff(BEFORE, AFTER)
    widened = [c for c in changes if c.rule == "response-became-union"]
    assert len(widened) == 1
    c = widened[0]
    assert c.operations == ["GET /v1/conversations/{conversation_id}/items/{item_id}"]
    assert len(c.details["variants"]) == 9
    assert c.details["old_schema"] == "OpenAIResponseMessage"
    assert c.details["old_schema_variant"] == "OpenAIResponseMessage-Output"
    assert c.details["old_schema_tag"] == "message"
    assert "of 9 types" in c.message and "`message` variant" in c.message and "unchanged" in c.message
    assert not [
        x for x in changes if "property-removed" in x.rule
    ]  # oasdiff's reading: "removed the required property 'content'"
    assert ("request-constraint-tightened", "breaking") in rules(
        changes
    )  # AddItemsRequest.items gained maxItems: 20


# -- direction ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, direction, expected",
    [
        (
            obj(["a"], a={"type": "string"}),
            obj(a={"type": "string"}),
            "response",
            ("response-property-became-optional", "breaking"),
        ),
        (
            obj(["a"], a={"type": "string"}),
            obj(a={"type": "string"}),
            "request",
            ("request-property-became-optional", "info"),
        ),
        (
            obj(["a"], a={"type": "string"}),
            obj(),
            "response",
            ("response-required-property-removed", "breaking"),
        ),
        (obj(a={"type": "string"}), obj(), "response", ("response-optional-property-removed", "warning")),
        (obj(), obj(["b"], b={"type": "string"}), "request", ("request-required-property-added", "breaking")),
        (obj(), obj(b={"type": "string"}), "request", ("request-optional-property-added", "info")),
        (obj(), obj(["b"], b={"type": "string"}), "response", ("response-property-added", "info")),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}, "response", ("response-enum-value-added", "warning")),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}, "request", ("request-enum-value-added", "info")),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "request", ("request-enum-value-removed", "breaking")),
        (
            {"type": "string"},
            {"type": ["string", "null"]},
            "response",
            ("response-became-nullable", "breaking"),
        ),
        (
            {"type": "string"},
            {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "request",
            ("request-became-nullable", "info"),
        ),
        ({"type": "string"}, {"type": "integer"}, "request", ("request-type-changed", "breaking")),
        ({"type": "integer"}, {"type": "number"}, "request", ("request-type-widened", "info")),
        ({"type": "integer"}, {"type": "number"}, "response", ("response-type-widened", "breaking")),
        (
            {"type": "string"},
            {"type": "string", "maxLength": 5},
            "request",
            ("request-constraint-tightened", "breaking"),
        ),
        (
            {"type": "string", "maxLength": 5},
            {"type": "string"},
            "response",
            ("response-constraint-loosened", "warning"),
        ),
        (
            obj(),
            {**obj(), "additionalProperties": False},
            "request",
            ("request-additional-properties-forbidden", "breaking"),
        ),
    ],
)
def test_change_is_judged_by_direction(old, new, direction, expected):
    if direction == "response":
        o, n = make_spec({"S": old}, get_op(ref("S"))), make_spec({"S": new}, get_op(ref("S")))
    else:
        o, n = (
            make_spec({"S": old}, get_op({"type": "string"}, request=ref("S"))),
            make_spec({"S": new}, get_op({"type": "string"}, request=ref("S"))),
        )
    assert expected in rules(diff(o, n))


def test_union_variants_added_and_removed_by_direction():
    a, b, c = tagged("a"), tagged("b"), tagged("c")
    u_old = {"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}}
    u_new = {"oneOf": [ref("A"), ref("C")], "discriminator": {"propertyName": "type"}}
    schemas = {"A": a, "B": b, "C": c}
    resp = diff(make_spec(schemas, get_op(u_old)), make_spec(schemas, get_op(u_new)))
    assert rules(resp) == {
        ("response-union-variant-added", "breaking"),
        ("response-union-variant-removed", "info"),
    }
    req = diff(
        make_spec(schemas, get_op({"type": "string"}, request=u_old)),
        make_spec(schemas, get_op({"type": "string"}, request=u_new)),
    )
    assert rules(req) == {
        ("request-union-variant-added", "info"),
        ("request-union-variant-removed", "breaking"),
    }


def test_oneof_and_anyof_widening_are_treated_alike():
    schemas = {"A": tagged("a"), "B": tagged("b"), "C": tagged("c")}
    for kind in ("oneOf", "anyOf"):
        old = make_spec(schemas, get_op({kind: [ref("A"), ref("B")]}))
        new = make_spec(schemas, get_op({kind: [ref("A"), ref("B"), ref("C")]}))
        assert rules(diff(old, new)) == {("response-union-variant-added", "breaking")}


def test_variants_renamed_with_input_output_suffix_match_by_tag():
    old = make_spec({"Msg": MSG, "B": tagged("b")}, get_op({"anyOf": [ref("Msg"), ref("B")]}))
    new = make_spec({"Msg-Output": MSG, "B": tagged("b")}, get_op({"anyOf": [ref("Msg-Output"), ref("B")]}))
    assert diff(old, new) == []


def test_discriminator_added_removed_and_remapped():
    schemas = {"A": tagged("a"), "B": tagged("b")}
    plain = {"oneOf": [ref("A"), ref("B")]}
    disc = {
        **plain,
        "discriminator": {
            "propertyName": "type",
            "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
        },
    }
    swapped = {
        **plain,
        "discriminator": {
            "propertyName": "type",
            "mapping": {"a": "#/components/schemas/B", "b": "#/components/schemas/A"},
        },
    }
    assert rules(diff(make_spec(schemas, get_op(plain)), make_spec(schemas, get_op(disc)))) == {
        ("response-discriminator-added", "info")
    }
    assert rules(diff(make_spec(schemas, get_op(disc)), make_spec(schemas, get_op(plain)))) == {
        ("response-discriminator-removed", "warning")
    }
    assert ("response-discriminator-remapped", "breaking") in rules(
        diff(make_spec(schemas, get_op(disc)), make_spec(schemas, get_op(swapped)))
    )


# -- operations ----------------------------------------------------------------------------------------


def test_operations_parameters_bodies_and_statuses():
    base = get_op(ref("S"), request=ref("S"), path="/v1/items/{item_id}")
    base["/v1/items/{item_id}"]["post"]["parameters"] = [
        {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    base["/v1/gone"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    new_paths = copy.deepcopy(base)
    del new_paths["/v1/gone"]
    op = new_paths.pop("/v1/items/{item_id}")
    new_paths["/v1/items/{id}"] = op
    op["post"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer"}},
    ]
    op["post"]["operationId"] = "renamed"
    op["post"]["responses"]["201"] = op["post"]["responses"].pop("200")
    op["post"]["requestBody"]["content"]["text/plain"] = op["post"]["requestBody"]["content"].pop(
        "application/json"
    )
    found = rules(
        diff(make_spec({"S": {"type": "string"}}, base), make_spec({"S": {"type": "string"}}, new_paths))
    )
    assert found == {
        ("operation-removed", "breaking"),
        ("path-parameter-renamed", "info"),
        ("operation-id-changed", "warning"),
        ("request-parameter-added-required", "breaking"),
        ("response-success-status-removed", "breaking"),
        ("response-success-status-added", "warning"),
        ("request-media-type-removed", "breaking"),
        ("request-media-type-added", "info"),
    }


def test_identical_specs_have_no_changes_and_recursion_terminates():
    tree = obj(["children"], children={"type": "array", "items": ref("Tree")}, name={"type": "string"})
    doc = make_spec({"Tree": tree}, get_op(ref("Tree"), request=ref("Tree")))
    assert diff(doc, copy.deepcopy(doc)) == []
    changed = copy.deepcopy(doc)
    changed["components"]["schemas"]["Tree"]["required"] = ["children", "name"]
    assert rules(diff(doc, changed)) == {
        ("request-property-became-required", "breaking"),
        ("response-property-became-required", "info"),
    }


def test_changes_in_shared_components_list_every_operation_once():
    paths = {**get_op(ref("S"), path="/a", method="get"), **get_op(ref("S"), path="/b", method="get")}
    old = make_spec({"S": obj(["x"], x={"type": "string"})}, paths)
    new = make_spec({"S": obj(x={"type": "string"})}, paths)
    [c] = diff(old, new)
    assert sorted(c.operations) == ["GET /a", "GET /b"] and c.pointer == "/components/schemas/S/properties/x"


def test_dangling_refs_on_both_sides_are_not_changes_and_new_dangling_is_one_warning():
    paths = {f"/{p}": {"get": {"responses": {"400": {"$ref": "#/components/responses/Bad"}}}} for p in "abc"}
    dangling = make_spec({}, paths)
    assert diff(dangling, dangling) == []
    defined = make_spec({}, paths, responses={"Bad": {"description": "bad"}})
    [c] = diff(defined, dangling)
    assert (c.rule, c.pointer, len(c.operations)) == ("response-unresolvable", "/components/responses/Bad", 3)


def test_a_variant_listed_twice_is_not_a_new_type():
    schemas = {"A": tagged("a"), "B": tagged("b")}
    once = make_spec(schemas, get_op({"anyOf": [{"oneOf": [ref("A"), ref("B")]}]}))
    twice = make_spec(schemas, get_op({"anyOf": [{"oneOf": [ref("A"), ref("B")]}, ref("A")]}))
    assert rules(diff(once, twice)) == {("response-union-duplicate-changed", "info")}
    assert rules(diff(twice, once)) == {("response-union-duplicate-changed", "info")}


# -- equivalent rewrites and several changes in one place ---------------------------------------------

CONSTS = {
    "anyOf": [
        {"type": "string", "const": "a"},
        {"type": "string", "const": "b"},
        {"type": "string", "const": "c"},
    ]
}


@pytest.mark.parametrize(
    "old_status, new_status",
    [
        ({"type": "string", "enum": ["a", "b", "c"]}, CONSTS),
        (CONSTS, {"type": "string", "enum": ["a", "b", "c"]}),
        ({"type": "string", "enum": ["a", "b", "c"]}, {"oneOf": [{"enum": ["a", "b"]}, {"const": "c"}]}),
    ],
)
def test_an_enum_rewritten_as_a_union_of_consts_is_no_change(old_status, new_status):
    """pydantic writes `Literal["a"] | Literal["b"]` as `anyOf` of `const`s: the same values, no change
    (before: 'no longer allows b, c', 'changed type', 'became a union', all breaking)."""
    old_s, new_s = obj(["status"], status=old_status), obj(["status"], status=new_status)
    old, new = pair({"S": old_s}, {"S": new_s}, get_op(ref("S"), request=ref("S")))
    assert diff(old, new) == []


def test_a_real_value_change_across_the_rewrite_is_reported_as_enum_values():
    old_s = obj(["code"], code={"type": "string", "enum": ["server_error", "rate_limit_exceeded"]})
    new_s = obj(
        ["code"],
        code={
            "anyOf": [
                {"type": "string", "const": "server_error"},
                {"type": "string", "const": "invalid_file"},
                {"type": "null"},
            ]
        },
    )
    old, new = pair({"E": old_s}, {"E": new_s}, get_op(ref("E"), method="get"))
    changes = {c.rule: c for c in diff(old, new)}
    assert set(changes) == {
        "response-enum-value-added",
        "response-enum-value-removed",
        "response-became-nullable",
    }
    assert changes["response-enum-value-added"].details == {"added": ["invalid_file"]}
    assert changes["response-enum-value-removed"].details == {"removed": ["rate_limit_exceeded"]}
    assert changes["response-became-nullable"].pointer == "/components/schemas/E/properties/code"


def test_every_bound_added_in_one_place_is_reported_and_the_parameter_is_named():
    old_paths = {
        "/v1/things": {
            "get": {
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    }
    new_paths = copy.deepcopy(old_paths)
    new_paths["/v1/things"]["get"]["parameters"][1]["schema"].update(minimum=1, maximum=100)
    changes = diff(make_spec({}, old_paths), make_spec({}, new_paths))
    assert sorted(c.message for c in changes) == [
        "GET /v1/things parameter `limit`: maximum 100 added",
        "GET /v1/things parameter `limit`: minimum 1 added",
    ]
    assert {c.pointer for c in changes} == {"/paths/~1v1~1things/get/parameters/1/schema"}


def test_a_property_that_became_nullable_is_named_not_its_anyof_branch():
    old_s = obj(["expires_at"], expires_at={"type": "integer"})
    new_s = obj(["expires_at"], expires_at={"anyOf": [{"type": "integer"}, {"type": "null"}]})
    old, new = pair({"F": old_s}, {"F": new_s}, get_op(ref("F"), method="get"))
    [change] = diff(old, new)
    assert (change.rule, change.pointer) == (
        "response-became-nullable",
        "/components/schemas/F/properties/expires_at",
    )
    assert change.message == "`F`.expires_at can now be null"


def test_a_response_union_narrowed_to_its_variant_minus_an_optional_property_is_narrowing_not_a_type_change():
    """llama-stack 0.5.4 → 0.6.1, `OpenAIChoice.message`: a oneOf of 5 roles became the assistant message
    without its optional `name`. Clients handle it (one warning for `name`); it is not "matches none"."""

    def role(r, **extra):
        return obj(["role"], role={"type": "string", "const": r}, content={"type": "string"}, **extra)

    old_variants = {
        "User": role("user"),
        "Assistant": role("assistant", name={"type": "string"}),
        "Tool": role("tool"),
    }
    union = {"oneOf": [ref("User"), ref("Assistant"), ref("Tool")], "discriminator": {"propertyName": "role"}}
    old = make_spec(
        {**old_variants, "Choice": obj(["message"], message=union)}, get_op(ref("Choice"), method="get")
    )
    new = make_spec(
        {"Message": role("assistant"), "Choice": obj(["message"], message=ref("Message"))},
        get_op(ref("Choice"), method="get"),
    )
    assert rules(diff(old, new)) == {
        ("response-union-narrowed", "info"),
        ("response-optional-property-removed", "warning"),
    }
