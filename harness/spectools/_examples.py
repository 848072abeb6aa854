"""The simplest instance a JSON Schema accepts, built deterministically.

Used to show overlapping union variants by example: we build an instance from the intersection of two
variants and then confirm it with a real validator against each one. hypothesis-jsonschema would be the
natural generator, but 0.23.1 fails on every object schema with the installed hypothesis 6.170
(``'many' object has no attribute 'more'``), and a search is not needed: the smallest instance is both
the cheapest to find and the easiest to read in a report. The exception is a string ``pattern`` that none
of a few simple strings fits: hypothesis's ``from_regex`` finds (and shrinks) one.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from . import _pointer

MAX_DEPTH = 24
_TYPE_ORDER = ("object", "string", "integer", "number", "boolean", "array", "null")
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "email": "a@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}
_STRING_TRIES = ("", "a", "0", "x" * 8, "a0", "A")


class NoExample(Exception):
    """The generator could not build an instance (e.g. an unsupported pattern); not a finding."""


def simplest(schema: Any, root: Any | None = None) -> Any:
    return _Builder(schema if root is None else root).build(schema, 0)


class _Builder:
    def __init__(self, root: Any) -> None:
        self.root = root

    def build(self, schema: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise NoExample("schema nests too deeply")
        if schema is True or schema == {}:
            return None
        if schema is False or not isinstance(schema, dict):
            raise NoExample("schema accepts nothing")
        if isinstance(schema.get("$ref"), str):
            return self.build(self._resolve(schema["$ref"]), depth + 1)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        if isinstance(schema.get("allOf"), list):
            return self.build(_merge(schema, [self._deref(p) for p in schema["allOf"]]), depth + 1)
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                rest = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
                for branch in schema[key]:
                    try:
                        return self.build(_merge(rest, [self._deref(branch)]), depth + 1)
                    except NoExample:
                        continue
                raise NoExample(f"no branch of {key} could be built")
        return self._typed(schema, depth)

    def _typed(self, schema: dict, depth: int) -> Any:
        declared = schema.get("type")
        types = (
            [declared] if isinstance(declared, str) else list(declared) if isinstance(declared, list) else []
        )
        if not types:
            if "properties" in schema or "required" in schema:
                types = ["object"]
            elif "items" in schema or "prefixItems" in schema:
                types = ["array"]
            else:
                return None
        for kind in sorted(types, key=lambda t: _TYPE_ORDER.index(t) if t in _TYPE_ORDER else 99):
            try:
                return getattr(self, "_" + kind)(schema, depth)
            except (NoExample, AttributeError):
                continue
        raise NoExample(f"no value of type {types}")

    def _object(self, schema: dict, depth: int) -> dict:
        props: dict[str, Any] = schema["properties"] if isinstance(schema.get("properties"), dict) else {}
        out: dict[str, Any] = {}
        for name in schema.get("required") or []:
            sub = props.get(name, schema.get("additionalProperties", True))
            out[name] = self.build(sub, depth + 1)
        for name, sub in props.items():
            if len(out) >= int(schema.get("minProperties") or 0):
                break
            if name not in out and sub is not False:
                out[name] = self.build(sub, depth + 1)
        return out

    def _array(self, schema: dict, depth: int) -> list:
        out = [self.build(p, depth + 1) for p in schema.get("prefixItems") or []]
        need = int(schema.get("minItems") or 0)
        if "contains" in schema and not out:
            out.append(self.build(schema["contains"], depth + 1))
        items = schema.get("items", True)
        while len(out) < need:
            out.append(self.build(items, depth + 1))
        if schema.get("uniqueItems") and len({repr(v) for v in out}) < len(out):
            raise NoExample("uniqueItems needs distinct elements")
        return out

    def _string(self, schema: dict, depth: int) -> str:
        low = int(schema.get("minLength") or 0)
        high = schema.get("maxLength")
        tries = [_FORMATS[schema["format"]]] if schema.get("format") in _FORMATS else []
        tries += ["a" * low, *_STRING_TRIES]
        pattern = schema.get("pattern")
        for text in tries:
            if len(text) < low or (high is not None and len(text) > high):
                continue
            if pattern is not None and not _matches(pattern, text):
                continue
            return text
        if pattern is not None:
            found = _from_pattern(pattern, low, high)
            if found is not None:
                return found
        raise NoExample("no simple string fits the length and pattern")

    def _integer(self, schema: dict, depth: int) -> int:
        value = self._number(schema, depth, integer=True)
        return int(value)

    def _number(self, schema: dict, depth: int, integer: bool = False) -> float | int:
        low = schema.get("minimum")
        if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(
            schema.get("exclusiveMinimum"), bool
        ):
            low = (
                max(low, schema["exclusiveMinimum"] + 1)
                if low is not None
                else schema["exclusiveMinimum"] + 1
            )
        high = schema.get("maximum")
        if isinstance(schema.get("exclusiveMaximum"), (int, float)) and not isinstance(
            schema.get("exclusiveMaximum"), bool
        ):
            high = (
                min(high, schema["exclusiveMaximum"] - 1)
                if high is not None
                else schema["exclusiveMaximum"] - 1
            )
        value = 0 if low is None or low <= 0 <= (high if high is not None else 0) else low
        if high is not None and value > high:
            value = high
        step = schema.get("multipleOf")
        if step:
            value = -(-value // step) * step
        if integer and value != int(value):
            value = int(value) + 1
        if (low is not None and value < low) or (high is not None and value > high):
            raise NoExample("no number fits the bounds")
        return int(value) if integer else value

    def _boolean(self, schema: dict, depth: int) -> bool:
        return False

    def _null(self, schema: dict, depth: int) -> None:
        return None

    def _resolve(self, ref: str) -> Any:
        pointer = _pointer.from_ref(ref)
        if pointer is None:
            raise NoExample(f"external $ref {ref}")
        node = self.root
        for token in _pointer.split(pointer):  # from_ref already percent-decoded the fragment
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise NoExample(f"unresolvable $ref {ref}")
        return node

    def _deref(self, schema: Any) -> Any:
        for _ in range(MAX_DEPTH):
            if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and len(schema) == 1:
                schema = self._resolve(schema["$ref"])
            else:
                break
        return schema


def _merge(base: dict, parts: list[Any]) -> Any:
    """Shallow allOf merge: enough for the simplest instance (properties and required are combined)."""
    merged = {k: v for k, v in base.items() if k != "allOf"}
    for part in parts:
        if part is False:
            return False
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            elif key not in merged:
                merged[key] = value
    return merged


@functools.lru_cache(maxsize=512)
def _from_pattern(pattern: str, low: int, high: int | None) -> str | None:
    """The smallest string hypothesis finds for ``pattern`` (search semantics, as JSON Schema's) within
    the length bounds; deterministic (derandomized, no example database). None when it finds none."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    try:
        strategy = st.from_regex(pattern)
        return find(
            strategy,
            lambda text: len(text) >= low and (high is None or len(text) <= high),
            settings=settings(
                max_examples=100,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            ),
        )
    except (HypothesisException, re.error, ValueError):
        return None


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
