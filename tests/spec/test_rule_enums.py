from harness.spectools import lint

from .helpers import make_spec


def test_single_member_enum_is_informational():
    [f] = lint(
        make_spec({"A": {"type": "string", "enum": ["only"]}, "B": {"enum": ["x", "y"]}}),
        rules=["enum-single-member"],
    )
    assert (f.pointer, f.severity.value) == ("/components/schemas/A/enum", "info")
    assert "const" in f.hint


def test_openapi_30_hint_does_not_suggest_const():
    [f] = lint(
        make_spec({"A": {"type": "string", "enum": ["only"]}}, version="3.0.3"), rules=["enum-single-member"]
    )
    assert "OpenAPI 3.0 has no `const`" in f.hint
