"""Comparing two schemas in one direction. ``request``: the client writes and the server reads, so a
change that rejects what was accepted breaks clients. ``response``: the server writes and the client
reads, so a change that produces what clients never saw (a new type, variant, null) breaks strict
clients. ``$ref``s are resolved on both sides; each pair of schemas is compared once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import _diff_union, _pointer
from ._labels import label
from ._load import Spec
from ._model import Change, Impact
from ._refs import Resolver
from ._unions import Union, allowed_values, is_null_schema, is_union, object_view, types_of, union_at

B, W, I = Impact.BREAKING, Impact.WARNING, Impact.INFO  # noqa: E741 - initials, so rule tables read as columns

# bound → is it a lower bound (raising it tightens)?
_BOUNDS = {
    "minLength": True,
    "minItems": True,
    "minProperties": True,
    "minimum": True,
    "exclusiveMinimum": True,
    "maxLength": False,
    "maxItems": False,
    "maxProperties": False,
    "maximum": False,
    "exclusiveMaximum": False,
}


def impact(direction: str, *, request: Impact, response: Impact) -> Impact:
    return request if direction == "request" else response


@dataclass
class Shape:
    """A schema seen as (nullable) core: one schema, or a union of several non-null variants."""

    node: Any
    pointer: str
    nullable: bool
    union: Union | None  # set when there are two or more non-null variants
    values_only: bool = False  # a union whose variants only list values, seen as one `enum`
    at: str = (
        ""  # where the schema is written (``pointer`` may be the one variant `anyOf: [X, null]` unwraps to)
    )


class SchemaDiff:
    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = Resolver(old.doc), Resolver(new.doc)
        self.old_30, self.new_30 = old.is_30, new.is_30
        self._memo: dict[tuple, list[Change]] = {}
        self._active: set[tuple] = set()

    def label(self, pointer: str) -> str:
        """:func:`label` for a pointer into the new document (parameters named)."""
        return label(pointer, self.new.doc)

    # -- entry point -------------------------------------------------------------------------------
    def compare(self, o: Any, o_ptr: str, n: Any, n_ptr: str, direction: str) -> list[Change]:
        o_node, o_at = self.old.deref(o, o_ptr)
        n_node, n_at = self.new.deref(n, n_ptr)
        o_node, n_node = _as_schema(o_node), _as_schema(n_node)
        if o_node is None or n_node is None:
            return self._broken(o, o_at, n, n_at, o_node, n_node, direction)
        key = (o_at, n_at, direction)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return []  # a recursive schema: the outer comparison reports this pair
        self._active.add(key)
        try:
            result = self._compare(o_node, o_at, n_node, n_at, direction)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def _compare(self, o: Any, o_ptr: str, n: Any, n_ptr: str, d: str) -> list[Change]:
        os, ns = self.shape(o, o_ptr, self.old, self.old_30), self.shape(n, n_ptr, self.new, self.new_30)
        out = self._nullability(os, ns, d, o_ptr, n_ptr)
        if os.union is None and ns.union is None:
            if (
                os.values_only or ns.values_only
            ):  # `enum: [a, b]` written as `anyOf: [{const: a}, {const: b}]`
                return out + self._single(os.node, os.pointer, ns.node, ns.pointer, d)
            if os.node is not o or os.pointer != o_ptr or ns.node is not n or ns.pointer != n_ptr:
                return out + self.compare(
                    os.node, os.pointer, ns.node, ns.pointer, d
                )  # a one-variant union: compare the variant
            return out + self._single(o, o_ptr, n, n_ptr, d)
        if os.union is None:
            return out + _diff_union.became_union(self, os, ns, d)
        if ns.union is None:
            return out + _diff_union.became_single(self, os, ns, d)
        return out + _diff_union.both_unions(self, os, ns, d)

    def shape(self, node: Any, pointer: str, resolver: Resolver, is_30: bool) -> Shape:
        nullable = self._null_in(node, is_30)
        if is_union(node):
            union = union_at(node, pointer, resolver)
            assert union is not None  # is_union(node)
            core = [v for v in union.non_null() if v.node is not None]
            nullable = nullable or any(v.is_null for v in union.variants)
            listed = _listed_values(core, resolver)
            if len(core) >= 2 and listed is not None:
                return Shape(
                    listed, pointer, nullable or None in listed["enum"], None, values_only=True, at=pointer
                )
            if len(core) >= 2:
                return Shape(node, pointer, nullable, union, at=pointer)
            if len(core) == 1:
                return Shape(
                    core[0].node,
                    core[0].target,
                    nullable or self._null_in(core[0].node, is_30),
                    None,
                    at=pointer,
                )
        return Shape(node, pointer, nullable, None, at=pointer)

    @staticmethod
    def _null_in(node: Any, is_30: bool) -> bool:
        if not isinstance(node, dict):
            return False
        if is_30 and node.get("nullable") is True:
            return True
        declared = node.get("type")
        return (
            declared == "null" or (isinstance(declared, list) and "null" in declared) or is_null_schema(node)
        )

    # -- pieces --------------------------------------------------------------------------------------
    def _nullability(self, os: Shape, ns: Shape, d: str, o_ptr: str, n_ptr: str) -> list[Change]:
        """Reported where the schema that gained or lost null is (the property), not at the variant
        ``anyOf: [X, {type: null}]`` unwraps to."""
        if os.nullable == ns.nullable:
            return []
        where = self.label(n_ptr)
        if ns.nullable:
            return [
                Change(
                    f"{d}-became-nullable",
                    impact(d, request=I, response=B),
                    n_ptr,
                    f"{where} can now be null",
                    "clients must handle null here" if d == "response" else "",
                    d,
                    o_ptr,
                )
            ]
        return [
            Change(
                f"{d}-no-longer-nullable",
                impact(d, request=B, response=I),
                n_ptr,
                f"{where} no longer accepts null",
                "keep accepting null, or version the API" if d == "request" else "",
                d,
                o_ptr,
            )
        ]

    def _single(self, o: dict, o_ptr: str, n: dict, n_ptr: str, d: str) -> list[Change]:
        out: list[Change] = []
        ot = types_of(o) - {"null"}
        nt = types_of(n) - {"null"}
        out += self._types(ot, nt, o_ptr, n_ptr, d)
        out += self._enum(o, o_ptr, n, n_ptr, d)
        if "object" in ot | nt or "properties" in o or "properties" in n or "allOf" in o or "allOf" in n:
            out += self._object(o, o_ptr, n, n_ptr, d)
        if isinstance(o.get("items"), dict) and isinstance(n.get("items"), dict):
            out += self.compare(
                o["items"], _pointer.join(o_ptr, "items"), n["items"], _pointer.join(n_ptr, "items"), d
            )
        out += self._bounds(o, o_ptr, n, n_ptr, d)
        if o.get("format") != n.get("format") and (o.get("format") or n.get("format")):
            out.append(
                Change(
                    f"{d}-format-changed",
                    W,
                    n_ptr,
                    f"{self.label(n_ptr)} format changed from {o.get('format')!r} to {n.get('format')!r}",
                    "check that clients parse the new format",
                    d,
                    o_ptr,
                )
            )
        if o.get("pattern") != n.get("pattern") and n.get("pattern"):
            out.append(
                Change(
                    f"{d}-pattern-changed",
                    impact(d, request=B, response=W),
                    n_ptr,
                    f"{self.label(n_ptr)} pattern changed from {o.get('pattern')!r} to {n.get('pattern')!r}",
                    "keep the old pattern accepted"
                    if d == "request"
                    else "check that clients accept the new values",
                    d,
                    o_ptr,
                )
            )
        return out

    def _types(self, ot: set[str], nt: set[str], o_ptr: str, n_ptr: str, d: str) -> list[Change]:
        if ot == nt or not ot and not nt:
            return []
        where = self.label(n_ptr)
        if not nt:
            return [
                Change(
                    f"{d}-type-unconstrained",
                    impact(d, request=I, response=W),
                    n_ptr,
                    f"{where} no longer declares a type (was {_types(ot)})",
                    "declare the type again" if d == "response" else "",
                    d,
                    o_ptr,
                )
            ]
        if not ot:
            return [
                Change(
                    f"{d}-type-constrained",
                    impact(d, request=B, response=I),
                    n_ptr,
                    f"{where} now must be {_types(nt)} (any type before)",
                    "accept any type as before" if d == "request" else "",
                    d,
                    o_ptr,
                )
            ]
        added = {t for t in nt - ot if not (t == "integer" and "number" in ot)}
        removed = {t for t in ot - nt if not (t == "integer" and "number" in nt)}
        if added and removed and not (ot & nt):
            return [
                Change(
                    f"{d}-type-changed",
                    B,
                    n_ptr,
                    f"{where} changed type from {_types(ot)} to {_types(nt)}",
                    "keep the old type, or version the API",
                    d,
                    o_ptr,
                )
            ]
        out = []
        if added:
            out.append(
                Change(
                    f"{d}-type-widened",
                    impact(d, request=I, response=B),
                    n_ptr,
                    f"{where} may now also be {_types(added)} (was {_types(ot)})",
                    "clients built from the old spec do not expect these types" if d == "response" else "",
                    d,
                    o_ptr,
                )
            )
        if removed:
            out.append(
                Change(
                    f"{d}-type-narrowed",
                    impact(d, request=B, response=I),
                    n_ptr,
                    f"{where} no longer accepts {_types(removed)} (now {_types(nt)})",
                    "keep accepting the old types" if d == "request" else "",
                    d,
                    o_ptr,
                )
            )
        return out

    def _enum(self, o: dict, o_ptr: str, n: dict, n_ptr: str, d: str) -> list[Change]:
        ov = allowed_values(o, o_ptr, self.old)
        nv = allowed_values(n, n_ptr, self.new)
        ov = None if ov is None else [v for v in ov if v is not None]
        nv = None if nv is None else [v for v in nv if v is not None]
        if ov == nv:
            return []
        where = self.label(n_ptr)
        if ov is None:
            assert nv is not None  # both None are equal, returned above
            return [
                Change(
                    f"{d}-enum-added",
                    impact(d, request=B, response=I),
                    n_ptr,
                    f"{where} is now restricted to {_values(nv)}",
                    "accept the old values too" if d == "request" else "",
                    d,
                    o_ptr,
                )
            ]
        if nv is None:
            return [
                Change(
                    f"{d}-enum-removed",
                    impact(d, request=I, response=W),
                    n_ptr,
                    f"{where} is no longer restricted to {_values(ov)}",
                    "clients may receive values they do not know" if d == "response" else "",
                    d,
                    o_ptr,
                )
            ]
        added = [v for v in nv if v not in ov]
        removed = [v for v in ov if v not in nv]
        out = []
        if added:
            out.append(
                Change(
                    f"{d}-enum-value-added",
                    impact(d, request=I, response=W),
                    n_ptr,
                    f"{where} gained {_values(added)}",
                    "strict clients with exhaustive enums fail on new values" if d == "response" else "",
                    d,
                    o_ptr,
                    details={"added": added},
                )
            )
        if removed:
            out.append(
                Change(
                    f"{d}-enum-value-removed",
                    impact(d, request=B, response=I),
                    n_ptr,
                    f"{where} no longer allows {_values(removed)}",
                    "keep accepting the removed values, or version the API" if d == "request" else "",
                    d,
                    o_ptr,
                    details={"removed": removed},
                )
            )
        return out

    def _object(self, o: dict, o_ptr: str, n: dict, n_ptr: str, d: str) -> list[Change]:
        ov, nv = object_view(o, o_ptr, self.old), object_view(n, n_ptr, self.new)
        out: list[Change] = []
        owner = self.label(n_ptr)
        for name in sorted(ov.properties.keys() | nv.properties.keys()):
            if name not in nv.properties:
                old_schema, old_at = ov.properties[name]
                at = _pointer.join(n_ptr, "properties", name)
                if d == "response":
                    req = name in ov.required
                    out.append(
                        Change(
                            "response-required-property-removed"
                            if req
                            else "response-optional-property-removed",
                            B if req else W,
                            at,
                            f"{owner} no longer has the {'required ' if req else ''}property `{name}`",
                            "keep the property, or version the API"
                            if req
                            else "clients reading it get nothing",
                            d,
                            old_at,
                        )
                    )
                else:
                    closed = nv.additional is False
                    out.append(
                        Change(
                            "request-property-removed",
                            B if closed else W,
                            at,
                            f"{owner} no longer has the property `{name}`"
                            + (" and extra properties are rejected" if closed else ""),
                            "clients still send it: keep accepting it"
                            if closed
                            else "clients that still send it are ignored; check the server does not reject it",
                            d,
                            old_at,
                        )
                    )
                continue
            new_schema, new_at = nv.properties[name]
            if name not in ov.properties:
                req = name in nv.required
                if d == "request":
                    out.append(
                        Change(
                            "request-required-property-added" if req else "request-optional-property-added",
                            B if req else I,
                            new_at,
                            f"{owner} has a new {'required ' if req else 'optional '}property `{name}`",
                            "make it optional or give it a default" if req else "",
                            d,
                        )
                    )
                else:
                    out.append(
                        Change(
                            "response-property-added",
                            I,
                            new_at,
                            f"{owner} has a new property `{name}`",
                            "",
                            d,
                        )
                    )
                continue
            old_schema, old_at = ov.properties[name]
            was, now = name in ov.required, name in nv.required
            if was and not now:
                out.append(
                    Change(
                        f"{d}-property-became-optional",
                        impact(d, request=I, response=B),
                        new_at,
                        f"`{name}` of {owner} became optional",
                        "clients relying on it must handle its absence" if d == "response" else "",
                        d,
                        old_at,
                    )
                )
            elif now and not was:
                out.append(
                    Change(
                        f"{d}-property-became-required",
                        impact(d, request=B, response=I),
                        new_at,
                        f"`{name}` of {owner} became required",
                        "clients that omit it are rejected: keep it optional or give it a default"
                        if d == "request"
                        else "",
                        d,
                        old_at,
                    )
                )
            out += self.compare(old_schema, old_at, new_schema, new_at, d)
        out += self._additional(ov.additional, o_ptr, nv.additional, n_ptr, d)
        return out

    def _additional(self, oa: Any, o_ptr: str, na: Any, n_ptr: str, d: str) -> list[Change]:
        if isinstance(oa, dict) and isinstance(na, dict):
            return self.compare(
                oa,
                _pointer.join(o_ptr, "additionalProperties"),
                na,
                _pointer.join(n_ptr, "additionalProperties"),
                d,
            )
        closed_before, closed_now = oa is False, na is False
        if closed_now and not closed_before:
            return [
                Change(
                    f"{d}-additional-properties-forbidden",
                    impact(d, request=B, response=I),
                    n_ptr,
                    f"{self.label(n_ptr)} now rejects properties it does not list",
                    "keep accepting extra properties" if d == "request" else "",
                    d,
                    o_ptr,
                )
            ]
        if closed_before and not closed_now:
            return [
                Change(
                    f"{d}-additional-properties-allowed",
                    impact(d, request=I, response=W),
                    n_ptr,
                    f"{self.label(n_ptr)} now allows properties it does not list",
                    "clients with closed models may fail" if d == "response" else "",
                    d,
                    o_ptr,
                )
            ]
        return []

    def _bounds(self, o: dict, o_ptr: str, n: dict, n_ptr: str, d: str) -> list[Change]:
        out = []
        for key, lower in _BOUNDS.items():
            a, b = _number(o.get(key)), _number(n.get(key))
            if a == b:
                continue
            if a is None:
                tighter = True
            elif b is None:
                tighter = False
            else:
                tighter = b > a if lower else b < a
            where = self.label(n_ptr)
            text = (
                f"{where}: {key} {b} added"
                if a is None
                else f"{where}: {key} {a} removed"
                if b is None
                else f"{where}: {key} {a} → {b}"
            )
            if tighter:
                out.append(
                    Change(
                        f"{d}-constraint-tightened",
                        impact(d, request=B, response=I),
                        n_ptr,
                        text,
                        "clients sending values outside the new bound are rejected" if d == "request" else "",
                        d,
                        o_ptr,
                        details={"keyword": key, "old": a, "new": b},
                    )
                )
            else:
                out.append(
                    Change(
                        f"{d}-constraint-loosened",
                        impact(d, request=I, response=W),
                        n_ptr,
                        text,
                        "clients may receive values outside the old bound" if d == "response" else "",
                        d,
                        o_ptr,
                        details={"keyword": key, "old": a, "new": b},
                    )
                )
        return out

    def _broken(
        self, o: Any, o_ptr: str, n: Any, n_ptr: str, o_node: Any, n_node: Any, d: str
    ) -> list[Change]:
        o_ref = o.get("$ref") if isinstance(o, dict) else None
        n_ref = n.get("$ref") if isinstance(n, dict) else None
        if o_node is None and n_node is None:
            return []  # nothing to compare on either side; lint reports dangling refs
        if n_node is None:
            at = _pointer.from_ref(n_ref) if isinstance(n_ref, str) and n_ref.startswith("#") else n_ptr
            return [
                Change(
                    f"{d}-schema-unresolvable",
                    W,
                    at or n_ptr,
                    f"`{n_ref}` does not resolve in the new spec (it did in the old one), so {self.label(n_ptr)} cannot be compared",
                    "define the referenced component again",
                    d,
                    o_ptr,
                )
            ]
        return [
            Change(
                f"{d}-schema-now-resolvable",
                I,
                n_ptr,
                f"{self.label(n_ptr)} resolves now (`{o_ref}` did not resolve in the old spec); not compared",
                "",
                d,
                None,
            )
        ]


def _listed_values(variants: list, resolver: Resolver) -> dict | None:
    """``{"type": …, "enum": [...]}`` for union variants that each only list values (pydantic's
    ``Literal["a"] | Literal["b"]``); None when any variant allows more than the values it lists."""
    values: list = []
    types: set[str] = set()
    for variant in variants:
        listed = allowed_values(variant.node, variant.target, resolver)
        if listed is None:
            return None
        values.extend(v for v in listed if v not in values)
        types |= types_of(variant.node)
    schema: dict[str, Any] = {"enum": values}
    if types:
        schema["type"] = next(iter(types)) if len(types) == 1 else sorted(types)
    return schema


def _as_schema(node: Any) -> Any:
    """OpenAPI 3.1 boolean schemas as objects: `true` accepts anything, `false` nothing."""
    if node is True:
        return {}
    if node is False:
        return {"not": {}}
    return node if isinstance(node, dict) else None


def _types(types: set[str]) -> str:
    return "/".join(sorted(types))


def _values(values: list) -> str:
    shown = ", ".join(json.dumps(v) for v in values[:8])
    return shown + (f" and {len(values) - 8} more" if len(values) > 8 else "")


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
