"""Shared helpers for the spec-tool tests: small OpenAPI documents built in code, and the real specs
(copies in tests/data/specs; where they come from: tests/data/PROVENANCE.md)."""

from __future__ import annotations

import copy
from pathlib import Path

SPECS = Path(__file__).resolve().parents[1] / "data" / "specs"
BEFORE = SPECS / "llama-stack-pr4342-before.yaml"
AFTER = SPECS / "llama-stack-pr4342-after.yaml"
COMMITTED = SPECS / "ogx-2026-05-committed.yaml"
LIVE = SPECS / "ogx-1.5.0-live-openapi.json"


def make_spec(
    schemas: dict | None = None, paths: dict | None = None, version: str = "3.1.0", **components
) -> dict:
    doc = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": copy.deepcopy(paths or {}),
        "components": {"schemas": copy.deepcopy(schemas or {})},
    }
    doc["components"].update(copy.deepcopy(components))
    return doc


def obj(required: list[str] | None = None, **props) -> dict:
    out: dict = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


def tagged(tag: str, *, required: bool = True, **props) -> dict:
    """An object variant whose `type` is fixed to ``tag``."""
    props = {"type": {"type": "string", "const": tag}, **props}
    req = (["type"] if required else []) + [p for p in props if p != "type"]
    return obj(req, **props)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def get_op(
    schema_200: dict, *, request: dict | None = None, path: str = "/v1/things", method: str = "post"
) -> dict:
    """`paths` holding one operation with the given response (and request) schema."""
    op: dict = {
        "operationId": "op",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema_200}}}},
    }
    if request is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request}}}
    return {path: {method: op}}
