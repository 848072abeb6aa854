import jsonschema
import pytest

from harness.spectools._examples import NoExample, simplest

SCHEMAS = [
    {
        "type": "object",
        "properties": {"a": {"type": "string", "minLength": 3}, "b": {"type": "integer", "minimum": 5}},
        "required": ["a", "b"],
    },
    {"type": "array", "items": {"type": "number", "exclusiveMinimum": 1}, "minItems": 2},
    {"type": "string", "format": "date-time"},
    {"type": "string", "pattern": "^[0-9]+$"},
    {"enum": ["x", "y"]},
    {"const": {"k": 1}},
    {"anyOf": [{"type": "string", "maxLength": 0, "minLength": 1}, {"type": "boolean"}]},
    {
        "allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "null"}}},
            {"required": ["b"]},
        ]
    },
    {"$defs": {"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}}, "$ref": "#/$defs/N"},
    {"type": "integer", "multipleOf": 7, "minimum": 1},
    {"type": ["null", "string"]},
    {"type": "object", "minProperties": 1, "properties": {"z": {"type": "boolean"}}},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=range(len(SCHEMAS)))
def test_simplest_instance_is_valid(schema):
    instance = simplest(schema)
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator)


def test_deterministic():
    assert simplest(SCHEMAS[0]) == simplest(SCHEMAS[0]) == {"a": "aaa", "b": 5}


def test_impossible_schemas_raise():
    with pytest.raises(NoExample):
        simplest(False)
    with pytest.raises(NoExample):
        simplest({"type": "string", "pattern": "^zz[0-9]{4}$", "maxLength": 3})
    with pytest.raises(NoExample):
        simplest({"$ref": "#/nowhere"})


def test_a_pattern_no_simple_string_fits_gets_the_smallest_string_hypothesis_finds():
    schema = {"type": "string", "pattern": "^zz[0-9]{4}$"}
    assert simplest(schema) == simplest(schema) == "zz0000"
