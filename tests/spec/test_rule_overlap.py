import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

from harness.spectools import lint

from .helpers import make_spec, obj, ref, tagged


def validates(doc, name, instance) -> bool:
    registry = referencing.Registry().with_resource("urn:t", DRAFT202012.create_resource(doc))
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"urn:t#/components/schemas/{name}"}, registry=registry
    )
    return validator.is_valid(instance)


def test_anyof_objects_overlap_shown_by_an_instance_valid_under_both():
    doc = make_spec(
        {
            "Text": tagged("text", required=False, text={"type": "string"}),
            "Image": tagged("image", required=False, url={"type": "string"}),
            "U": {"anyOf": [ref("Text"), ref("Image")]},
        }
    )
    [f] = lint(doc, rules=["union-overlap"])
    assert f.severity.value == "warning" and f.pointer == "/components/schemas/U"
    assert f.example == {"text": "", "url": ""}
    assert validates(doc, "Text", f.example) and validates(doc, "Image", f.example)
    assert "make `type` required" in f.hint


def test_oneof_overlap_is_an_error():
    doc = make_spec({"U": {"oneOf": [{"type": "integer"}, {"type": "number"}]}})
    [f] = lint(doc, rules=["union-overlap"])
    assert f.severity.value == "error" and f.example == 0


def test_required_distinct_tags_do_not_overlap():
    doc = make_spec(
        {
            "A": tagged("a", x={"type": "string"}),
            "B": tagged("b", x={"type": "string"}),
            "U": {"oneOf": [ref("A"), ref("B")]},
        }
    )
    assert lint(doc, rules=["union-overlap"]) == []


def test_discriminated_union_is_checked_with_the_tag_present():
    # `type` is optional, so {} matches both; but a discriminated payload carries `type`, and then they differ
    doc = make_spec(
        {
            "A": tagged("a", required=False),
            "B": tagged("b", required=False),
            "U": {"oneOf": [ref("A"), ref("B")], "discriminator": {"propertyName": "type"}},
        }
    )
    assert lint(doc, rules=["union-overlap"]) == []


def test_closed_objects_do_not_overlap():
    a = {**obj(["x"], x={"type": "string"}), "additionalProperties": False}
    b = {**obj(["y"], y={"type": "string"}), "additionalProperties": False}
    assert (
        lint(make_spec({"A": a, "B": b, "U": {"anyOf": [ref("A"), ref("B")]}}), rules=["union-overlap"]) == []
    )


def test_anyof_scalars_are_not_reported():
    assert (
        lint(make_spec({"U": {"anyOf": [{"type": "integer"}, {"type": "number"}]}}), rules=["union-overlap"])
        == []
    )


def test_openapi_30_nullable_is_understood():
    # in 3.0, `nullable: true` adds null: both variants accept null, under oneOf that is an overlap
    doc = make_spec(
        {"U": {"oneOf": [{"type": "string", "nullable": True}, {"type": "integer", "nullable": True}]}},
        version="3.0.3",
    )
    [f] = lint(doc, rules=["union-overlap"])
    assert f.example is None and "validates under both" in f.message


def test_a_plain_string_and_a_patterned_url_overlap_shown_by_a_string_matching_the_pattern():
    """llama-stack's 2024 `Attachment.content`: `oneOf [string, URL]` where URL is a string with a
    pattern (and a format, which canonicalisation drops); no simple string fits the pattern, so the
    example comes from hypothesis's regex strategy."""
    doc = make_spec(
        {
            "URL": {"type": "string", "format": "uri", "pattern": "^(https?://|file://|data:)"},
            "Attachment": obj(content={"oneOf": [{"type": "string"}, ref("URL")]}),
        }
    )
    [f] = lint(doc, rules=["union-overlap"])
    assert f.pointer == "/components/schemas/Attachment/properties/content"
    assert isinstance(f.example, str) and f.example.startswith(("http://", "https://", "file://", "data:"))
    assert validates(doc, "URL", f.example)
    assert "no tag can tell them apart" in f.hint  # not the object-variant advice
    assert lint(doc, rules=["union-overlap"])[0].example == f.example  # deterministic
