from harness.spectools import lint

from .helpers import BEFORE, make_spec, obj, ref, tagged

NESTED = make_spec(
    {
        "A": tagged("a", x={"type": "string"}),
        "B": tagged("b", y={"type": "string"}),
        "C": tagged("c", z={"type": "string"}),
        "Holder": obj(
            items={
                "anyOf": [
                    {
                        "oneOf": [ref("A"), ref("B")],
                        "discriminator": {
                            "propertyName": "type",
                            "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
                        },
                    },
                    ref("C"),
                    {"$ref": "#/components/schemas/A", "title": "written differently"},
                ]
            }
        ),
    }
)


def test_duplicate_after_flattening_compares_resolved_targets():
    findings = lint(NESTED, rules=["union-duplicate-variant"])
    assert len(findings) == 1
    f = findings[0]
    assert f.pointer == "/components/schemas/Holder/properties/items"
    assert "`A` appears 2 times" in f.message and "once nested unions are flattened" in f.message
    assert any("/anyOf/0/oneOf/0" in e for e in f.evidence) and any(
        e.startswith("/components/schemas/Holder/properties/items/anyOf/2") for e in f.evidence
    )


def test_duplicate_through_a_ref_chain():
    doc = make_spec({"A": tagged("a"), "Alias": ref("A"), "U": {"oneOf": [ref("A"), ref("Alias")]}})
    [f] = lint(doc, rules=["union-duplicate-variant"])
    assert f.pointer == "/components/schemas/U"


def test_distinct_variants_are_not_duplicates():
    doc = make_spec(
        {
            "A": tagged("a"),
            "B": tagged("b"),
            "U": {"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}},
        }
    )
    assert lint(doc, rules=["union-duplicate-variant", "union-equivalent-variants"]) == []


def test_equivalent_variants_differ_only_in_annotations():
    doc = make_spec(
        {
            "A": obj(["v"], v={"type": "string"}),
            "B": {**obj(["v"], v={"type": "string", "title": "V"}), "description": "same"},
            "U": {"anyOf": [ref("A"), ref("B")]},
        }
    )
    [f] = lint(doc, rules=["union-equivalent-variants"])
    assert "`A` and `B` accept the same instances" in f.message


def test_no_discriminator_suggests_the_common_fixed_property():
    findings = lint(NESTED, rules=["union-no-discriminator"])
    assert [f.pointer for f in findings] == ["/components/schemas/Holder/properties/items"]
    assert "propertyName: type" in findings[0].hint
    assert findings[0].severity.value == "warning"


def test_optional_discriminated_union_is_not_flagged():
    doc = make_spec(
        {
            "A": tagged("a"),
            "B": tagged("b"),
            "H": obj(
                u={
                    "anyOf": [
                        {"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}},
                        {"type": "null"},
                    ]
                }
            ),
        }
    )
    assert lint(doc, rules=["union-no-discriminator"]) == []


def test_pr4342_before_reports_the_duplicated_input_message():
    findings = lint(BEFORE, rules=["union-duplicate-variant"])
    hit = [
        f
        for f in findings
        if f.pointer == "/components/schemas/CreateOpenaiResponseRequest/properties/input/anyOf/1/items"
    ]
    assert len(hit) == 1
    assert "`OpenAIResponseMessage-Input` appears 2 times" in hit[0].message
