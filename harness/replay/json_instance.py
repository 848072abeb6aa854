"""Deterministic JSON values for a JSON Schema, as synthetic answers need them (tool-call arguments,
structured-output content). Small on purpose: the keywords function definitions use, nothing more."""

from __future__ import annotations

import random
from typing import Any

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


class SchemaInstance:
    """A small, deterministic JSON value generator for tool ``parameters`` and response formats: the
    JSON Schema keywords function definitions use (type, properties, required, items, enum, const,
    anyOf/oneOf/allOf, local ``$ref``, numeric and length bounds). Optional properties are included
    or not by the seeded generator; unsupported keywords are ignored."""

    MAX_DEPTH = 6
    MAX_ITEMS = (
        32  # bounds for absurd schemas (a fuzzed minItems of 10**9): the value is then invalid, never slow
    )
    MAX_LENGTH = 512

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.root: Any = None

    def of(self, schema: Any) -> Any:
        self.root = schema
        return self._value(schema, 0)

    def _value(self, schema: Any, depth: int) -> Any:
        if not isinstance(schema, dict) or depth > self.MAX_DEPTH:
            return None if depth > self.MAX_DEPTH else {}
        if isinstance(schema.get("$ref"), str):
            return self._value(self._resolve(schema["$ref"]), depth + 1)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.rng.choice(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self._value(self.rng.choice(schema[key]), depth + 1)
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self._resolve(part["$ref"]) if isinstance(part, dict) and "$ref" in part else part
                if isinstance(part, dict):
                    merged.setdefault("properties", {}).update(part.get("properties") or {})
                    merged["required"] = list(merged.get("required") or []) + list(part.get("required") or [])
                    merged.setdefault("type", part.get("type"))
            return self._value(merged, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "string"
        return getattr(self, f"_{kind}", self._string)(schema, depth)

    def _resolve(self, ref: str) -> Any:
        node = self.root
        for token in ref.removeprefix("#").strip("/").split("/") if ref.startswith("#") else ["<remote>"]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node.get(token) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else {}

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = (
            schema["properties"] if isinstance(schema.get("properties"), dict) else {}
        )
        required = set(schema.get("required") or [])
        return {
            name: self._value(sub, depth + 1)
            for name, sub in properties.items()
            if name in required or self.rng.random() < 0.5
        }

    def _array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        low = schema.get("minItems", 0) if isinstance(schema.get("minItems"), int) else 0
        high = schema.get("maxItems", low + 2) if isinstance(schema.get("maxItems"), int) else low + 2
        low, high = max(0, min(low, self.MAX_ITEMS)), max(0, min(high, self.MAX_ITEMS))
        return [
            self._value(schema.get("items") or {}, depth + 1)
            for _ in range(self.rng.randint(low, max(low, high)))
        ]

    def _string(self, schema: dict[str, Any], depth: int) -> str:
        low = schema.get("minLength", 1) if isinstance(schema.get("minLength"), int) else 1
        high = (
            schema.get("maxLength", max(low, 12))
            if isinstance(schema.get("maxLength"), int)
            else max(low, 12)
        )
        low, high = max(0, min(low, self.MAX_LENGTH)), max(0, min(high, self.MAX_LENGTH))
        text = ""
        while len(text) < low:
            text = (text + " " + self.rng.choice(WORDS)).strip()
        return text[: max(high, low)] if len(text) > high else text

    def _integer(self, schema: dict[str, Any], depth: int) -> int:
        low, high = _bounds(schema, 0, 100)
        return self.rng.randint(int(-(-low // 1)), max(int(-(-low // 1)), int(high // 1)))

    def _number(self, schema: dict[str, Any], depth: int) -> float:
        low, high = _bounds(schema, 0, 100)
        return round(self.rng.uniform(low, high), 3)

    def _boolean(self, schema: dict[str, Any], depth: int) -> bool:
        return self.rng.random() < 0.5

    def _null(self, schema: dict[str, Any], depth: int) -> None:
        return None


def _bounds(schema: dict[str, Any], low: float, high: float) -> tuple[float, float]:
    lo = schema.get("minimum", schema.get("exclusiveMinimum", low))
    hi = schema.get(
        "maximum", schema.get("exclusiveMaximum", max(high, lo if isinstance(lo, (int, float)) else high))
    )
    lo = lo if isinstance(lo, (int, float)) and not isinstance(lo, bool) else low
    hi = hi if isinstance(hi, (int, float)) and not isinstance(hi, bool) else max(high, lo)
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and "minimum" not in schema:
        lo += 1
    if isinstance(schema.get("exclusiveMaximum"), (int, float)) and "maximum" not in schema:
        hi -= 1
    return lo, max(lo, hi)
