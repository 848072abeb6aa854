"""Malformed and unusual documents must give findings or a HarnessError, never a traceback."""

import copy
import json

import pytest

from harness.core.errors import HarnessError
from harness.spectools import diff, lint

from .helpers import LIVE


def _schemas(doc):
    return doc["components"]["schemas"]


def _first_op(doc):
    path = next(iter(doc["paths"]))
    item = doc["paths"][path]
    return item[next(m for m in item if m in ("get", "post", "delete"))]


MUTATIONS = {
    "properties as a list": lambda d: _schemas(d)["OpenAIResponseMessage"].update(properties=["content"]),
    "required: true (3.0 habit)": lambda d: _schemas(d)["OpenAIResponseMessage"].update(required=True),
    "enum not a list": lambda d: _schemas(d)["OpenAIResponseMessage"]["properties"]["role"].update(
        enum="user"
    ),
    "discriminator as a string": lambda d: next(
        s for s in _schemas(d).values() if "discriminator" in json.dumps(s)
    ).update(discriminator="type"),
    "mapping values not strings": lambda d: [
        s.update(discriminator={"propertyName": "type", "mapping": {"a": 1, "b": None}})
        for s in list(_schemas(d).values())[:5]
    ],
    "numeric type": lambda d: _schemas(d)["OpenAIResponseMessage"].update(type=5),
    "non-string $ref": lambda d: _schemas(d)["OpenAIResponseMessage"]["properties"].update(
        content={"$ref": 5}
    ),
    "boolean schemas": lambda d: _schemas(d).update(
        T=True,
        F=False,
        U={"oneOf": [True, False, {"$ref": "#/components/schemas/T"}]},
        A={"type": "array", "items": False},
    ),
    "external refs": lambda d: _schemas(d).update(
        X={"oneOf": [{"$ref": "other.yaml#/X"}, {"$ref": "https://example.com/s.json"}]}
    ),
    "path item ref": lambda d: d["paths"].update({"/ref": {"$ref": "#/components/pathItems/Nope"}}),
    "parameters as a dict": lambda d: _first_op(d).update(parameters={"a": 1}),
    "null response": lambda d: _first_op(d)["responses"].update({"200": None}),
    "null media type": lambda d: _first_op(d)["responses"].update(
        {"200": {"description": "x", "content": {"application/json": None}}}
    ),
    "null component": lambda d: _schemas(d).update(Nothing=None),
    "empty and broken unions": lambda d: _schemas(d).update(
        E={"oneOf": []}, B={"anyOf": "no"}, N={"oneOf": [{"type": "null"}]}
    ),
    "recursive and cyclic": lambda d: _schemas(d).update(
        Self={"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Self"}}},
        P={"allOf": [{"$ref": "#/components/schemas/Q"}]},
        Q={"allOf": [{"$ref": "#/components/schemas/P"}]},
        L1={"$ref": "#/components/schemas/L2"},
        L2={"$ref": "#/components/schemas/L1"},
        LU={"oneOf": [{"$ref": "#/components/schemas/L1"}, {"$ref": "#/components/schemas/Self"}]},
        R={"oneOf": [{"$ref": "#/components/schemas/R"}, {"type": "string"}]},
    ),
    "deep nesting": lambda d: _schemas(d).update(Deep=_deep(200)),
    "labelled 3.0": lambda d: d.update(openapi="3.0.3"),
    "no paths, no components": lambda d: (d.pop("paths"), d.pop("components")),
}


def _deep(n):
    node = {"type": "string"}
    for i in range(n):
        node = (
            {"anyOf": [node, {"type": "object", "properties": {f"p{i}": node}}]}
            if i % 50 == 0
            else {"type": "array", "items": node}
        )
    return node


@pytest.fixture(scope="module")
def live():
    return json.loads(LIVE.read_text())


@pytest.mark.parametrize("name", MUTATIONS)
def test_mutated_live_spec_lints_and_diffs_without_crashing(live, name):
    mutated = copy.deepcopy(live)
    MUTATIONS[name](mutated)
    try:
        findings = lint(mutated)
        assert all(f.rule and f.pointer is not None for f in findings)
        diff(live, mutated)
        diff(mutated, live)
    except HarnessError:
        pass  # a clear error about the document is allowed; a traceback is not
