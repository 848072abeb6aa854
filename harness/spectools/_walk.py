"""Where schemas live in an OpenAPI document, and the subschemas inside a schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")

# JSON Schema keywords whose value is a schema, a list of schemas, or a map of schemas
_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")

# Keys whose values are instance data, never schemas or references
DATA_KEYS = frozenset({"example", "examples", "default", "const", "enum", "x-examples"})


_NAMED = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "schemas",
        "responses",
        "parameters",
        "headers",
        "examples",
    }
)


def is_data(key: str, value: Any, parent_key: str | None) -> bool:
    """Whether ``key: value`` (inside a mapping found under ``parent_key``) holds instance data.
    ``responses.default`` is a response, and a media type's ``examples`` map holds Example Objects."""
    if key not in DATA_KEYS or parent_key in _NAMED:
        return False  # a property, component or status *named* like a keyword
    if key == "default" and parent_key == "responses":
        return False
    return not (key == "examples" and isinstance(value, dict))


def subschemas(schema: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """Direct subschemas of ``schema`` with their pointers (not following ``$ref``)."""
    if not isinstance(schema, dict):
        return
    for key in _ONE:
        child = schema.get(key)
        if isinstance(child, dict):
            yield _pointer.join(pointer, key), child
    for key in _MANY:
        children = schema.get(key)
        if isinstance(children, list):
            for i, child in enumerate(children):
                if isinstance(child, dict):
                    yield _pointer.join(pointer, key, i), child
    if isinstance(
        key_items := schema.get("items"), list
    ):  # draft 4 tuple form, seen in OpenAPI 3.0 documents
        for i, child in enumerate(key_items):
            if isinstance(child, dict):
                yield _pointer.join(pointer, "items", i), child
    for key in _MAP:
        children = schema.get(key)
        if isinstance(children, dict):
            for name, child in children.items():
                if isinstance(child, dict):
                    yield _pointer.join(pointer, key, name), child


def all_schemas(schema: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """``schema`` and every schema nested in it, depth first (not following ``$ref``)."""
    stack = [(pointer, schema)]
    while stack:
        ptr, node = stack.pop()
        yield ptr, node
        children = list(subschemas(node, ptr))
        stack.extend(reversed(children))


def root_schemas(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Top-level schemas: components, and those written inline in operations."""
    components = doc.get("components") or {}
    for name, schema in _items(components.get("schemas")):
        yield _pointer.join("/components/schemas", name), schema
    for kind in ("parameters", "headers"):
        for name, obj in _items(components.get(kind)):
            yield from _parameter_schemas(obj, _pointer.join("/components", kind, name))
    for name, obj in _items(components.get("requestBodies")):
        yield from _content_schemas(obj, _pointer.join("/components/requestBodies", name))
    for name, obj in _items(components.get("responses")):
        yield from _response_schemas(obj, _pointer.join("/components/responses", name))
    for path, item in _items(doc.get("paths")):
        base = _pointer.join("/paths", path)
        for i, param in enumerate(_list(item.get("parameters"))):
            yield from _parameter_schemas(param, _pointer.join(base, "parameters", i))
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            op_ptr = _pointer.join(base, method)
            for i, param in enumerate(_list(op.get("parameters"))):
                yield from _parameter_schemas(param, _pointer.join(op_ptr, "parameters", i))
            if isinstance(op.get("requestBody"), dict):
                yield from _content_schemas(op["requestBody"], _pointer.join(op_ptr, "requestBody"))
            for status, response in _items(op.get("responses")):
                yield from _response_schemas(response, _pointer.join(op_ptr, "responses", status))


def every_schema(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for pointer, schema in root_schemas(doc):
        yield from all_schemas(schema, pointer)


def iter_refs(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every ``$ref`` in the document as ``(pointer of the object holding it, ref)``, skipping instance data."""
    stack: list[tuple[str, Any, str | None]] = [(pointer, node, None)]
    while stack:
        ptr, current, parent_key = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ptr, ref
            for key, value in current.items():
                if not isinstance(value, (dict, list)) or is_data(key, value, parent_key):
                    continue
                stack.append((_pointer.join(ptr, key), value, key))
        elif isinstance(current, list):
            for i, value in enumerate(current):
                if isinstance(value, (dict, list)):
                    stack.append((_pointer.join(ptr, i), value, parent_key))


def _items(mapping: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if isinstance(value, dict):
                yield key, value


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _parameter_schemas(obj: dict, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(obj.get("schema"), dict):
        yield _pointer.join(pointer, "schema"), obj["schema"]
    yield from _content_schemas(obj, pointer)


def _content_schemas(obj: dict, pointer: str) -> Iterator[tuple[str, Any]]:
    for media, media_obj in _items(obj.get("content")):
        if isinstance(media_obj.get("schema"), dict):
            yield _pointer.join(pointer, "content", media, "schema"), media_obj["schema"]


def _response_schemas(obj: dict, pointer: str) -> Iterator[tuple[str, Any]]:
    yield from _content_schemas(obj, pointer)
    for name, header in _items(obj.get("headers")):
        yield from _parameter_schemas(header, _pointer.join(pointer, "headers", name))
