import json
import subprocess
import sys

import pytest

from harness.spectools import lint

from .helpers import AFTER, BEFORE, COMMITTED, LIVE, get_op, make_spec, ref


def test_dangling_refs_are_grouped_per_target():
    paths = {
        "/a": {
            "get": {
                "responses": {
                    "400": {"$ref": "#/components/responses/BadRequest400"},
                    "200": {"description": "ok", "content": {"application/json": {"schema": ref("Gone")}}},
                }
            }
        },
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
    doc = make_spec(
        {
            "A": {"$ref": "other.yaml#/components/schemas/A"},
            "B": {"type": "object", "example": {"$ref": "not a ref, data"}},
        }
    )
    findings = lint(doc, rules=["ref-unresolvable", "ref-external"])
    assert [(f.rule, f.severity.value, f.pointer) for f in findings] == [
        ("ref-external", "info", "/components/schemas/A")
    ]


def test_resolvable_refs_are_fine():
    assert lint(make_spec({"A": {"type": "string"}}, get_op(ref("A"))), rules=["ref-unresolvable"]) == []


def test_live_ogx_spec_reports_its_dangling_response_components():
    findings = lint(LIVE, rules=["ref-unresolvable"])
    refs = {f.message.split("`")[1] for f in findings}
    assert {
        "#/components/responses/BadRequest400",
        "#/components/responses/TooManyRequests429",
        "#/components/responses/InternalServerError500",
        "#/components/responses/DefaultError",
    } <= refs


def test_refs_under_keyword_named_properties_and_default_responses_are_checked():
    doc = make_spec(
        {
            "A": {
                "type": "object",
                "properties": {"default": ref("Gone1"), "enum": ref("Gone2")},
                "default": {"$ref": "data, not a reference"},
            }
        }
    )
    doc["paths"] = {"/x": {"get": {"responses": {"default": {"$ref": "#/components/responses/Gone3"}}}}}
    refs = sorted(f.message.split("`")[1] for f in lint(doc, rules=["ref-unresolvable"]))
    assert refs == [
        "#/components/responses/Gone3",
        "#/components/schemas/Gone1",
        "#/components/schemas/Gone2",
    ]


def test_a_cycle_of_bare_refs_is_an_error_naming_the_cycle_once():
    doc = make_spec({"A": ref("B"), "B": ref("A"), "C": ref("A")}, get_op(ref("A")))
    findings = lint(doc, rules=["ref-cycle", "ref-unresolvable"])
    assert [(f.rule, f.severity.value, f.pointer) for f in findings] == [
        ("ref-cycle", "error", "/components/schemas/A")
    ]
    assert (
        "`/components/schemas/A` → `/components/schemas/B` → `/components/schemas/A`" in findings[0].message
    )
    assert "instead of a bare $ref" in findings[0].hint


def test_a_schema_that_refers_to_itself_is_a_cycle_of_one():
    [finding] = lint(make_spec({"Loop": ref("Loop")}), rules=["ref-cycle"])
    assert "`/components/schemas/Loop` → `/components/schemas/Loop`" in finding.message


def test_recursion_through_a_property_or_a_union_is_not_a_cycle():
    node = {"type": "object", "properties": {"next": ref("Node"), "alias": ref("Alias")}}
    doc = make_spec(
        {"Node": node, "Alias": ref("Node"), "Tree": {"anyOf": [ref("Tree"), {"type": "string"}]}}
    )
    assert lint(doc, rules=["ref-cycle"]) == []


@pytest.mark.parametrize("spec", [BEFORE, AFTER, COMMITTED, LIVE], ids=lambda p: p.name)
def test_the_real_specs_have_no_ref_cycle(spec):
    assert lint(spec, rules=["ref-cycle"]) == []


def test_the_cli_fails_on_a_ref_cycle(tmp_path):
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(make_spec({"A": ref("B"), "B": ref("A")})))
    result = subprocess.run(
        [sys.executable, "-m", "harness", "spec", "lint", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ref-cycle" in result.stdout and "1 error" in result.stdout
