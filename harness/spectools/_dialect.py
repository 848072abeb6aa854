"""OpenAPI schemas as JSON Schema 2020-12, for the validator and the canonicaliser.

OpenAPI 3.1 schemas already are 2020-12. OpenAPI 3.0 schemas differ: ``nullable: true`` adds null,
``exclusiveMinimum``/``exclusiveMaximum`` are booleans beside ``minimum``/``maximum``, and siblings of
``$ref`` are ignored. Instance data (examples, defaults, enums) is left untouched.
"""

from __future__ import annotations

from typing import Any

from ._load import Spec
from ._walk import is_data


def json_schema_document(spec: Spec) -> dict[str, Any]:
    return _convert(spec.doc) if spec.is_30 else spec.doc


def _convert(node: Any, parent_key: str | None = None) -> Any:
    if isinstance(node, list):
        return [_convert(v, parent_key) for v in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        return {"$ref": node["$ref"]}
    out = {k: (v if is_data(k, v, parent_key) else _convert(v, k)) for k, v in node.items()}
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(out.get(flag), bool) and out.pop(flag) and bound in out:
            out[flag] = out.pop(bound)
    if out.get("nullable") is True:  # a property named "nullable" holds a dict, never True
        del out["nullable"]
        out = _nullable(out)
    return out


def _nullable(schema: dict) -> dict:
    declared = schema.get("type")
    if isinstance(declared, str):
        schema = {**schema, "type": [declared, "null"]}
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    if isinstance(declared, list):
        return {**schema, "type": list(dict.fromkeys([*declared, "null"]))}
    return {"anyOf": [schema, {"type": "null"}]}
