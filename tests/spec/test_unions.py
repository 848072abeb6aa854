from harness.spectools._refs import Resolver
from harness.spectools._unions import (
    NO_VALUE,
    allowed_values,
    fingerprint,
    fixed_value,
    object_view,
    union_at,
)

from .helpers import make_spec, obj, ref, tagged

DOC = make_spec(
    {
        "A": tagged("a"),
        "B": tagged("b"),
        "C": tagged("c"),
        "AB": {"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}},
        "Outer": {"anyOf": [ref("AB"), ref("C"), ref("A")]},
        "Optional": {
            "anyOf": [
                {"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}},
                {"type": "null"},
            ]
        },
        "Child": {"allOf": [ref("A"), obj(["extra"], extra={"type": "integer"})]},
    }
)


def union(name):
    r = Resolver(DOC)
    return union_at(DOC["components"]["schemas"][name], f"/components/schemas/{name}", r)


def test_nested_unions_flatten_through_refs():
    u = union("Outer")
    assert [v.name for v in u.variants] == ["A", "B", "C", "A"]
    assert u.nested and u.kinds == {"oneOf", "anyOf"}
    assert u.variants[0].via == ("/components/schemas/Outer",)
    assert u.variants[0].source == "/components/schemas/AB"
    assert u.variants[0].pointer == "/components/schemas/AB/oneOf/0"
    assert u.discriminator is None  # variants come from two unions, only one of them discriminated
    assert u.kind == "anyOf with a nested oneOf"


def test_optional_union_keeps_the_inner_discriminator():
    u = union("Optional")
    assert [v.name for v in u.non_null()] == ["A", "B"]
    assert u.discriminator == {"propertyName": "type"}
    assert u.discriminator_at == "/components/schemas/Optional/anyOf/0"


def test_object_view_merges_allof():
    r = Resolver(DOC)
    view = object_view(DOC["components"]["schemas"]["Child"], "/components/schemas/Child", r)
    assert set(view.properties) == {"type", "extra"}
    assert view.required == {"type", "extra"}


def test_fixed_and_allowed_values():
    r = Resolver(DOC)
    assert fixed_value({"const": "x"}, "/p", r) == "x"
    assert fixed_value({"enum": ["x"]}, "/p", r) == "x"
    assert fixed_value({"enum": ["x", "y"]}, "/p", r) is NO_VALUE
    assert allowed_values({"anyOf": [{"enum": ["a"]}, {"const": "b"}]}, "/p", r) == ["a", "b"]
    assert allowed_values({"anyOf": [{"enum": ["a"]}, {"type": "string"}]}, "/p", r) is None


def test_fingerprint_ignores_annotations_not_constraints():
    a = {"type": "string", "title": "A", "description": "x", "default": "q"}
    b = {"description": "other", "type": "string"}
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint({"type": "string", "maxLength": 3})
    assert fingerprint({"required": ["b", "a"]}) == fingerprint({"required": ["a", "b"]})
