from harness.spectools import lint

from .helpers import LIVE, get_op, make_spec, real, ref


def test_dangling_refs_are_grouped_per_target():
    paths = {
        "/a": {"get": {"responses": {"400": {"$ref": "#/components/responses/BadRequest400"}, "200": {"description": "ok", "content": {"application/json": {"schema": ref("Gone")}}}}}},
        "/b": {"get": {"responses": {"400": {"$ref": "#/components/responses/BadRequest400"}}}},
    }
    findings = lint(make_spec({}, paths), rules=["ref-unresolvable"])
    assert [f.rule for f in findings] == ["ref-unresolvable"] * 2
    by_ref = {f.message.split("`")[1]: f for f in findings}
    bad_request = by_ref["#/components/responses/BadRequest400"]
    assert "referenced from 2 places" in bad_request.message
    assert "no `responses` under `/components`" in bad_request.message
    assert bad_request.pointer == "/paths/~1a/get/responses/400"
    assert bad_request.severity.value == "error"
    assert "no `Gone` under `/components/schemas`" in by_ref["#/components/schemas/Gone"].message


def test_external_refs_are_reported_as_info_not_errors():
    doc = make_spec({"A": {"$ref": "other.yaml#/components/schemas/A"}, "B": {"type": "object", "example": {"$ref": "not a ref, data"}}})
    findings = lint(doc, rules=["ref-unresolvable", "ref-external"])
    assert [(f.rule, f.severity.value, f.pointer) for f in findings] == [("ref-external", "info", "/components/schemas/A")]


def test_resolvable_refs_are_fine():
    assert lint(make_spec({"A": {"type": "string"}}, get_op(ref("A"))), rules=["ref-unresolvable"]) == []


def test_live_ogx_spec_reports_its_dangling_response_components():
    findings = lint(real(LIVE), rules=["ref-unresolvable"])
    refs = {f.message.split("`")[1] for f in findings}
    assert {
        "#/components/responses/BadRequest400",
        "#/components/responses/TooManyRequests429",
        "#/components/responses/InternalServerError500",
        "#/components/responses/DefaultError",
    } <= refs


def test_refs_under_keyword_named_properties_and_default_responses_are_checked():
    doc = make_spec({"A": {"type": "object", "properties": {"default": ref("Gone1"), "enum": ref("Gone2")}, "default": {"$ref": "data, not a reference"}}})
    doc["paths"] = {"/x": {"get": {"responses": {"default": {"$ref": "#/components/responses/Gone3"}}}}}
    refs = sorted(f.message.split("`")[1] for f in lint(doc, rules=["ref-unresolvable"]))
    assert refs == ["#/components/responses/Gone3", "#/components/schemas/Gone1", "#/components/schemas/Gone2"]
