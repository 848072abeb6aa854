"""Readable names for JSON pointers in messages: ``OpenAIResponseMessage.content[]`` or
``GET /v1/items/{id} response 200 application/json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _pointer
from ._refs import Resolver
from ._unions import describe

_SKIP = {"schema", "content"}


def label(pointer: str, doc: Any = None) -> str:
    """A readable name for ``pointer``; with ``doc`` (the document it points into), parameters are named
    (``parameter `limit```), else numbered (``parameter #0``)."""
    parts = _pointer.split(pointer)
    if len(parts) >= 3 and parts[0] == "components":
        head, rest = f"`{parts[2]}`", parts[3:]
    elif len(parts) >= 3 and parts[0] == "paths":
        words, rest = _operation_part(parts[3:], _parameter_names(doc, parts[1], parts[2]))
        head = " ".join([f"{parts[2].upper()} {parts[1]}", *words])
    else:
        return pointer or "the document"
    return head + _schema_path(rest)


def _parameter_names(doc: Any, path: str, method: str) -> list[Any]:
    """The ``name`` of each parameter of an operation, in order (None where it has none)."""
    try:
        listed = doc["paths"][path][method]["parameters"]
    except (KeyError, TypeError):
        return []
    if not isinstance(listed, list):
        return []
    names = []
    for parameter in listed:
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
            target = _pointer.from_ref(parameter["$ref"])
            parameter = Resolver(doc).lookup(target) if target else None
        names.append(parameter.get("name") if isinstance(parameter, dict) else None)
    return names


def _operation_part(rest: list[str], parameter_names: Sequence[Any] = ()) -> tuple[list[str], list[str]]:
    words: list[str] = []
    i = 0
    if rest[:1] == ["requestBody"]:
        words.append("request body")
        i = 1
    elif rest[:1] == ["responses"] and len(rest) > 1:
        words.append(f"response {rest[1]}")
        i = 2
    elif rest[:1] == ["parameters"] and len(rest) > 1:
        index = int(rest[1]) if rest[1].isdigit() else -1
        name = parameter_names[index] if 0 <= index < len(parameter_names) else None
        words.append(f"parameter `{name}`" if isinstance(name, str) else f"parameter #{rest[1]}")
        i = 2
    if rest[i : i + 1] == ["content"] and len(rest) > i + 1:
        words.append(rest[i + 1])
        i += 2
    if rest[i : i + 1] == ["schema"]:
        i += 1
    return words, rest[i:]


def _schema_path(rest: list[str]) -> str:
    out = ""
    i = 0
    while i < len(rest):
        token = rest[i]
        if token in ("properties", "patternProperties") and i + 1 < len(rest):
            out += "." + rest[i + 1]
            i += 2
            continue
        if token == "items":
            out += "[]"
        elif token in ("anyOf", "oneOf", "allOf") and i + 1 < len(rest):
            out += f"<{token}[{rest[i + 1]}]>"
            i += 2
            continue
        elif token == "additionalProperties":
            out += ".*"
        elif token not in _SKIP:
            out += "/" + token
        i += 1
    return out


def name_of(node: Any, pointer: str) -> str:
    """The component name for a component's pointer, else a short description of the schema."""
    parts = _pointer.split(pointer)
    if len(parts) == 3 and parts[0] == "components":
        return parts[2]
    return describe(node)
