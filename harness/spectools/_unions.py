"""Unions as SDK generators see them: nested ``oneOf``/``anyOf`` flattened, variants compared by their
resolved ``$ref`` target, and object variants viewed with their ``allOf`` parts merged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import _pointer
from ._refs import Resolver

UNION_KEYS = ("oneOf", "anyOf")
# Keywords that say nothing about which instances a schema accepts
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
        "externalDocs",
        "xml",
        "discriminator",
        "nullable",
        "$schema",
        "$id",
        "x-stainless-naming",
    }
)
_PURE_UNION_KEYS = ANNOTATIONS | {"oneOf", "anyOf", "type"}


@dataclass(frozen=True)
class Variant:
    pointer: str  # where the variant is written, e.g. .../anyOf/3
    node: Any  # the resolved schema; None when its $ref does not resolve
    target: str  # pointer of the resolved schema (== pointer for an inline variant)
    ref: str | None  # the $ref as written, if any
    via: tuple[str, ...] = ()  # the nested unions it was flattened out of, outermost first
    source: str = ""  # pointer of the union that lists it directly

    @property
    def name(self) -> str:
        """The component name when the variant is a component, else a short description."""
        parts = _pointer.split(self.target)
        if len(parts) == 3 and parts[0] == "components":
            return parts[2]
        return describe(self.node)

    @property
    def is_null(self) -> bool:
        return is_null_schema(self.node)


@dataclass
class Union:
    pointer: str
    node: dict
    kinds: set[str]  # {"oneOf"}, {"anyOf"} or both when nested unions mix them
    variants: list[Variant]
    discriminator: dict | None
    nested: bool = False  # True when at least one nested union was flattened into it
    broken: list[str] = field(default_factory=list)  # variant pointers whose $ref does not resolve
    discriminator_at: str | None = None  # where the discriminator in effect is declared

    @property
    def kind(self) -> str:
        """`oneOf`, `anyOf`, or e.g. `anyOf with a nested oneOf` when flattening mixed them."""
        outer = [k for k in UNION_KEYS if isinstance(self.node.get(k), list)]
        inner = sorted(self.kinds - set(outer))
        return "/".join(outer) + (f" with a nested {'/'.join(inner)}" if inner else "")

    @property
    def strict(self) -> bool:
        """Every level is oneOf: an instance matching two variants is invalid."""
        return self.kinds == {"oneOf"}

    def non_null(self) -> list[Variant]:
        return [v for v in self.variants if not v.is_null]


def is_union(node: Any) -> bool:
    return isinstance(node, dict) and any(isinstance(node.get(k), list) and node.get(k) for k in UNION_KEYS)


def is_pure_union(node: Any) -> bool:
    """A union with nothing else that constrains instances: SDK generators flatten these into the parent."""
    return is_union(node) and set(node) <= _PURE_UNION_KEYS


def union_at(node: Any, pointer: str, resolver: Resolver) -> Union | None:
    """The flattened union written at ``pointer``, or None if the node is not a union."""
    if not is_union(node):
        return None
    union = Union(pointer=pointer, node=node, kinds=set(), variants=[], discriminator=_discriminator(node))
    sources: dict[str, dict | None] = {}
    _collect(union, node, pointer, resolver, (), {pointer}, sources)
    if union.discriminator is not None:
        union.discriminator_at = pointer
    else:
        # `anyOf: [<discriminated oneOf>, {type: null}]` (an optional union) is still discriminated
        origins = {v.source for v in union.non_null()}
        if len(origins) == 1:
            origin = origins.pop()
            if sources.get(origin) is not None:
                union.discriminator, union.discriminator_at = sources[origin], origin
    return union


def _collect(
    union: Union,
    node: dict,
    pointer: str,
    resolver: Resolver,
    via: tuple[str, ...],
    seen: set[str],
    sources: dict,
) -> None:
    sources[pointer] = _discriminator(node)
    for key in UNION_KEYS:
        children = node.get(key)
        if not isinstance(children, list):
            continue
        union.kinds.add(key)
        for i, child in enumerate(children):
            child_ptr = _pointer.join(pointer, key, i)
            target, target_ptr = resolver.deref(child, child_ptr)
            ref = child.get("$ref") if isinstance(child, dict) else None
            if target is None:
                union.broken.append(child_ptr)
            elif is_pure_union(target) and target_ptr not in seen:
                union.nested = True
                _collect(union, target, target_ptr, resolver, via + (pointer,), seen | {target_ptr}, sources)
                continue
            union.variants.append(
                Variant(child_ptr, target, target_ptr if target is not None else child_ptr, ref, via, pointer)
            )


def _discriminator(node: dict) -> dict | None:
    disc = node.get("discriminator")
    if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
        return disc
    return None


def mapping_target(value: str) -> str:
    """Mapping values are refs or bare schema names."""
    if value.startswith("#") or "/" in value:
        return _pointer.from_ref(value) or value
    return _pointer.join("/components/schemas", value)


@dataclass
class ObjectView:
    properties: dict[str, tuple[Any, str]]  # name → (schema as written, its pointer)
    required: set[str]
    additional: Any  # additionalProperties (None when absent)


def object_view(node: Any, pointer: str, resolver: Resolver, _depth: int = 0) -> ObjectView:
    """Properties and required names with ``allOf`` parts merged (following ``$ref``)."""
    view = ObjectView({}, set(), None)
    if not isinstance(node, dict) or _depth > 16:
        return view
    for i, part in enumerate(node.get("allOf") or []):
        target, target_ptr = resolver.deref(part, _pointer.join(pointer, "allOf", i))
        if target is not None:
            inner = object_view(target, target_ptr, resolver, _depth + 1)
            view.properties.update(inner.properties)
            view.required |= inner.required
            if inner.additional is not None:
                view.additional = inner.additional
    props = node.get("properties")
    if isinstance(props, dict):
        for name, schema in props.items():
            view.properties[name] = (schema, _pointer.join(pointer, "properties", name))
    if isinstance(node.get("required"), list):
        view.required |= {r for r in node["required"] if isinstance(r, str)}
    if "additionalProperties" in node:
        view.additional = node["additionalProperties"]
    return view


_NO_VALUE = object()


def fixed_value(schema: Any, pointer: str, resolver: Resolver) -> Any:
    """The one value a property schema allows (``const`` or a one-member ``enum``), else :data:`NO_VALUE`."""
    node, _ = resolver.deref(schema, pointer)
    if not isinstance(node, dict):
        return _NO_VALUE
    if "const" in node:
        return node["const"]
    enum = node.get("enum")
    if isinstance(enum, list) and len(enum) == 1:
        return enum[0]
    return _NO_VALUE


NO_VALUE = _NO_VALUE


def allowed_values(schema: Any, pointer: str, resolver: Resolver) -> list | None:
    """The values a property schema allows when it lists them (``const`` or ``enum``), else None."""
    node, _ = resolver.deref(schema, pointer)
    if not isinstance(node, dict):
        return None
    if "const" in node:
        return [node["const"]]
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    branches = node.get("anyOf") or node.get("oneOf")
    if (
        isinstance(branches, list) and branches
    ):  # `anyOf: [{enum: [a]}, {enum: [b]}]`, as pydantic writes Literal["a"] | Literal["b"]
        values: list = []
        for i, branch in enumerate(branches):
            listed = allowed_values(branch, _pointer.join(pointer, "anyOf", i), resolver)
            if listed is None:
                return None
            values.extend(v for v in listed if v not in values)
        return values
    return None


def types_of(node: Any) -> set[str]:
    """The JSON types a schema declares or implies; empty when unconstrained."""
    if not isinstance(node, dict):
        return set()
    declared = node.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {t for t in declared if isinstance(t, str)}
    elif "const" in node:
        types = {_json_type(node["const"])}
    elif isinstance(node.get("enum"), list) and node["enum"]:
        types = {_json_type(v) for v in node["enum"]}
    elif "properties" in node or "additionalProperties" in node or "required" in node:
        types = {"object"}
    elif "items" in node or "prefixItems" in node:
        types = {"array"}
    else:
        types = set()
    if node.get("nullable") is True and types:
        types.add("null")
    return types


def is_null_schema(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if types_of(node) == {"null"}:
        return True
    return "const" in node and node["const"] is None


def is_object_schema(node: Any, resolver: Resolver, pointer: str = "") -> bool:
    if not isinstance(node, dict):
        return False
    types = types_of(node)
    if types:
        return "object" in types and types <= {"object", "null"}
    for i, part in enumerate(node.get("allOf") or []):
        target, target_ptr = resolver.deref(part, _pointer.join(pointer, "allOf", i))
        if is_object_schema(target, resolver, target_ptr):
            return True
    return False


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def fingerprint(node: Any) -> str:
    """Canonical text of a schema without its annotations: equal fingerprints accept the same instances
    (refs are compared by target, not followed)."""
    return json.dumps(_strip(node), sort_keys=True, default=str)


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ANNOTATIONS:
                continue
            if key in ("properties", "patternProperties", "$defs"):
                out[key] = {k: _strip(v) for k, v in value.items()} if isinstance(value, dict) else value
            elif key == "required" and isinstance(value, list):
                out[key] = sorted(map(str, value))
            elif key == "$ref" and isinstance(value, str):
                out[key] = _pointer.from_ref(value) or value
            else:
                out[key] = _strip(value)
        return out
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def describe(node: Any) -> str:
    """A short human name for an inline schema: `string`, `array of Foo`, `object with a, b`."""
    if not isinstance(node, dict):
        return "unresolvable schema"
    if isinstance(node.get("$ref"), str):
        return _pointer.last(node["$ref"])
    if "const" in node:
        return f"const {json.dumps(node['const'])}"
    types = sorted(types_of(node))
    if types == ["array"]:
        items = node.get("items")
        return f"array of {describe(items)}" if isinstance(items, dict) else "array"
    if types == ["object"] and isinstance(node.get("properties"), dict):
        names = list(node["properties"])[:4]
        return "object with " + ", ".join(names) + (", …" if len(node["properties"]) > 4 else "")
    if node.get("title") and not types:
        return str(node["title"])
    return "/".join(types) if types else (str(node.get("title")) if node.get("title") else "any")
