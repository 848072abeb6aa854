from harness.spectools import load_spec
from harness.spectools._dialect import json_schema_document


def test_openapi_30_schemas_become_2020_12():
    spec = load_spec(
        {
            "openapi": "3.0.3",
            "components": {
                "schemas": {
                    "N": {"type": "string", "nullable": True, "enum": ["a"]},
                    "R": {"$ref": "#/components/schemas/N", "description": "ignored sibling"},
                    "B": {
                        "type": "number",
                        "minimum": 1,
                        "exclusiveMinimum": True,
                        "maximum": 9,
                        "exclusiveMaximum": False,
                    },
                    "O": {"allOf": [{"$ref": "#/components/schemas/N"}], "nullable": True},
                    "P": {
                        "type": "object",
                        "properties": {"nullable": {"type": "boolean"}, "minimum": {"type": "integer"}},
                    },
                }
            },
        }
    )
    s = json_schema_document(spec)["components"]["schemas"]
    assert s["N"] == {"type": ["string", "null"], "enum": ["a", None]}
    assert s["R"] == {"$ref": "#/components/schemas/N"}
    assert s["B"] == {"type": "number", "exclusiveMinimum": 1, "maximum": 9}
    assert s["O"] == {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/N"}]}, {"type": "null"}]}
    assert set(s["P"]["properties"]) == {"nullable", "minimum"}  # properties named like keywords stay


def test_openapi_31_documents_are_used_as_they_are():
    spec = load_spec(
        {"openapi": "3.1.0", "components": {"schemas": {"N": {"type": "string", "nullable": True}}}}
    )
    assert json_schema_document(spec) is spec.doc
