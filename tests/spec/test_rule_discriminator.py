import pytest

from harness.spectools import lint

from .helpers import make_spec, obj, ref, tagged

RULES = [
    "discriminator-property-missing",
    "discriminator-property-not-required",
    "discriminator-value-not-fixed",
    "discriminator-mapping-outside-union",
    "discriminator-mapping-missing-variant",
    "discriminator-mapping-mismatch",
    "discriminator-value-duplicate",
]


def union_of(schemas: dict, mapping: dict | None = None) -> dict:
    disc = {"propertyName": "type"}
    if mapping is not None:
        disc["mapping"] = {k: f"#/components/schemas/{v}" for k, v in mapping.items()}
    doc_schemas = dict(schemas)
    doc_schemas["U"] = {"oneOf": [ref(n) for n in schemas], "discriminator": disc}
    return make_spec(doc_schemas)


def rules_of(doc) -> list[tuple[str, str]]:
    return [(f.rule, f.pointer) for f in lint(doc, rules=RULES)]


def test_a_sound_discriminated_union_is_clean():
    assert rules_of(union_of({"A": tagged("a"), "B": tagged("b")}, {"a": "A", "b": "B"})) == []


def test_property_missing():
    assert rules_of(
        union_of({"A": tagged("a"), "B": obj(["x"], x={"type": "string"})}, {"a": "A", "b": "B"})
    ) == [("discriminator-property-missing", "/components/schemas/B")]


def test_property_not_required():
    assert rules_of(union_of({"A": tagged("a"), "B": tagged("b", required=False)}, {"a": "A", "b": "B"})) == [
        ("discriminator-property-not-required", "/components/schemas/B/properties/type")
    ]


def test_value_not_fixed():
    loose = obj(["type"], type={"type": "string"})
    assert rules_of(union_of({"A": tagged("a"), "B": loose}, {"a": "A", "b": "B"})) == [
        ("discriminator-value-not-fixed", "/components/schemas/B/properties/type")
    ]


def test_enum_listing_exactly_the_mapped_values_is_fixed_enough():
    multi = obj(["type"], type={"anyOf": [{"enum": ["b"]}, {"enum": ["b2"]}]})
    assert rules_of(union_of({"A": tagged("a"), "B": multi}, {"a": "A", "b": "B", "b2": "B"})) == []


def test_mapping_outside_union_and_dangling():
    doc = union_of({"A": tagged("a"), "B": tagged("b")}, {"a": "A", "b": "B"})
    doc["components"]["schemas"]["Other"] = tagged("o")
    doc["components"]["schemas"]["U"]["discriminator"]["mapping"].update(
        {"o": "#/components/schemas/Other", "g": "#/components/schemas/Gone"}
    )
    found = lint(doc, rules=["discriminator-mapping-outside-union"])
    assert {f.pointer: f.message for f in found} == {
        "/components/schemas/U/discriminator/mapping/o": "mapping `o` → `#/components/schemas/Other`, which is not one of the union's variants",
        "/components/schemas/U/discriminator/mapping/g": "mapping `g` → `#/components/schemas/Gone`, which does not resolve",
    }


def test_variant_missing_from_mapping_when_its_value_is_not_its_name():
    doc = union_of({"A": tagged("a"), "B": tagged("b")}, {"a": "A"})
    [(rule, pointer)] = rules_of(doc)
    assert (rule, pointer) == ("discriminator-mapping-missing-variant", "/components/schemas/U/oneOf/1")


def test_implicit_mapping_by_schema_name_is_accepted():
    assert rules_of(union_of({"a": tagged("a"), "b": tagged("b")})) == []


def test_mapping_key_mismatch_and_duplicate_values():
    doc = union_of({"A": tagged("a"), "B": tagged("a")}, {"a": "A", "b": "B"})
    found = rules_of(doc)
    assert ("discriminator-mapping-mismatch", "/components/schemas/U/discriminator/mapping/b") in found


def test_duplicate_value_without_mapping():
    doc = union_of({"a": tagged("x"), "b": tagged("x")})
    rules = [r for r, _ in rules_of(doc)]
    assert "discriminator-value-duplicate" in rules


def test_inheritance_style_discriminator_on_a_parent():
    doc = make_spec(
        {
            "Pet": {
                **obj(["petType"], petType={"type": "string"}),
                "discriminator": {"propertyName": "petType", "mapping": {"cat": "Cat"}},
            },
            "Cat": {"allOf": [ref("Pet"), obj(name={"type": "string"})]},
        }
    )
    found = lint(doc, rules=RULES)
    assert [f.rule for f in found] == ["discriminator-value-not-fixed"]  # petType is a free string in Cat


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_has_a_hint(rule):
    doc = union_of(
        {"A": tagged("a"), "B": obj(["x"], x={"type": "string"})}, {"a": "A", "b": "B", "c": "Gone"}
    )
    for f in lint(doc, rules=[rule]):
        assert f.hint and f.pointer.startswith("/")
