"""Rules about discriminators: the property in every variant, required and fixed, and a mapping that
covers exactly the union's variants with the values the variants fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from . import _pointer
from ._model import Finding
from ._refs import MISSING
from ._rules import family, finding
from ._unions import (
    Variant,
    allowed_values,
    is_object_schema,
    mapping_target,
    object_view,
    union_at,
)


@family(
    "discriminator-property-missing",
    "discriminator-property-not-required",
    "discriminator-value-not-fixed",
    "discriminator-mapping-outside-union",
    "discriminator-mapping-missing-variant",
    "discriminator-mapping-mismatch",
    "discriminator-value-duplicate",
)
def check_discriminators(ctx) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for pointer, node in ctx.schemas:
        disc = node.get("discriminator")
        if disc is None:
            continue
        for item in _check_one(ctx, pointer, node, disc):
            if (item.rule, item.pointer) not in seen:
                seen.add((item.rule, item.pointer))
                yield item


def _check_one(ctx, pointer: str, node: dict, disc) -> Iterator[Finding]:
    at = pointer + "/discriminator"
    if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
        yield finding(
            "discriminator-property-missing",
            at,
            "discriminator without a `propertyName`",
            "set `discriminator.propertyName` to the property that tells the variants apart",
        )
        return
    prop = disc["propertyName"]
    mapping: dict[str, Any] = disc["mapping"] if isinstance(disc.get("mapping"), dict) else {}
    variants = _variants(ctx, pointer, node, mapping)
    targets = {v.target for v in variants}

    for key, value in mapping.items():
        target = mapping_target(str(value))
        if target not in targets:
            missing = ctx.resolver.lookup(target) is MISSING
            why = "which does not resolve" if missing else "which is not one of the union's variants"
            yield finding(
                "discriminator-mapping-outside-union",
                _pointer.join(at, "mapping", key),
                f"mapping `{key}` → `{value}`, {why}",
                "point the entry at a schema listed in the union's oneOf/anyOf, or add that schema to the union",
                evidence=tuple(f"variant {v.name} at {v.pointer}" for v in variants[:10]),
            )

    tags: dict[str, list[Variant]] = {}
    for v in variants:
        if v.node is None:
            continue
        where = f"variant of the union at {pointer}"
        if not is_object_schema(v.node, ctx.resolver, v.target):
            yield finding(
                "discriminator-property-missing",
                v.target,
                f"`{v.name}` is not an object, so it cannot carry the discriminator `{prop}` ({where})",
                "make every variant of a discriminated union an object schema, or drop the discriminator",
                evidence=(where,),
            )
            continue
        view = object_view(v.node, v.target, ctx.resolver)
        if prop not in view.properties:
            yield finding(
                "discriminator-property-missing",
                v.target,
                f"`{v.name}` has no property `{prop}`, the discriminator of the union at {pointer}",
                f"add `{prop}` to `{v.name}` with the value that selects it (`const`), and list it in `required`",
                evidence=(where,),
            )
            continue
        prop_schema, prop_ptr = view.properties[prop]
        if prop not in view.required:
            yield finding(
                "discriminator-property-not-required",
                prop_ptr,
                f"`{v.name}` does not require `{prop}`, the discriminator of the union at {pointer}; a payload without it cannot be dispatched",
                f"add `{prop}` to `required` in `{v.name}` (with pydantic: a Literal field without a default)",
                evidence=(where,),
            )
        allowed = allowed_values(prop_schema, prop_ptr, ctx.resolver)
        values = [str(a) for a in allowed] if allowed is not None else None
        keys = [k for k, val in mapping.items() if mapping_target(str(val)) == v.target]
        if values is None or (len(values) > 1 and set(values) != set(keys)):
            accepts = "any value" if values is None else f"{len(values)} values ({', '.join(values[:5])})"
            routed = (
                f"the mapping routes {', '.join(keys)} here" if keys else "the mapping routes nothing here"
            )
            yield finding(
                "discriminator-value-not-fixed",
                prop_ptr,
                f"`{v.name}`.`{prop}` accepts {accepts} but {routed}, so the discriminator does not pin this variant",
                f"fix `{prop}` with `const: {json.dumps(keys[0]) if keys else '<value>'}`, or list exactly the mapped values in its enum",
                evidence=(where,),
            )
        for key in keys:
            if allowed is not None and values is not None and key not in values:
                yield finding(
                    "discriminator-mapping-mismatch",
                    _pointer.join(at, "mapping", key),
                    f"mapping `{key}` → `{v.name}`, but `{v.name}` only allows `{prop}` = {', '.join(json.dumps(x) for x in allowed[:5])}",
                    f"make the mapping key one of those values, or add {json.dumps(key)} to the variant's `{prop}`",
                    evidence=(f"{v.name}.{prop} at {prop_ptr}",),
                )
        implicit = _pointer.component_name(v.target) if v.target.startswith("/components/schemas/") else None
        if not keys and values and implicit not in values:
            fallback = (
                f"tools fall back to the schema name {json.dumps(implicit)}"
                if implicit
                else "an inline variant has no implicit value"
            )
            shown = (
                json.dumps(values[0])
                if len(values) == 1
                else "any of " + ", ".join(json.dumps(x) for x in values[:5])
            )
            yield finding(
                "discriminator-mapping-missing-variant",
                v.pointer,
                f"`{v.name}` fixes `{prop}` to {shown} but the discriminator mapping has no entry for it; {fallback}, so such payloads do not select it",
                f"add `{values[0]}: '#{v.target}'` to the discriminator mapping"
                if implicit or v.ref
                else "move the variant to components and add it to the mapping",
                evidence=(where,),
            )
        for tag in keys or values or ([implicit] if implicit else []):
            tags.setdefault(tag, []).append(v)

    for tag, owners in tags.items():
        distinct = {v.target for v in owners}
        if len(distinct) >= 2:
            names = " and ".join(f"`{v.name}`" for v in owners)
            yield finding(
                "discriminator-value-duplicate",
                at,
                f"{names} both answer to `{prop}` = {json.dumps(tag)}",
                "give each variant its own value, or merge the variants",
                evidence=tuple(f"{v.name} at {v.target}" for v in owners),
            )


def _variants(ctx, pointer: str, node: dict, mapping: dict) -> list[Variant]:
    union = union_at(node, pointer, ctx.resolver)
    if union is not None:
        return union.non_null()
    # OpenAPI 3.0 inheritance: the discriminator sits on the parent; variants are the mapped schemas and
    # the schemas that extend the parent through allOf
    found: dict[str, Variant] = {}
    for value in mapping.values():
        target = mapping_target(str(value))
        node_at = ctx.resolver.lookup(target)
        found[target] = Variant(target, None if node_at is MISSING else node_at, target, "#" + target)
    ref = "#" + pointer
    schemas = (ctx.doc.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        parts = schema.get("allOf") if isinstance(schema, dict) else None
        if isinstance(parts, list) and any(isinstance(p, dict) and p.get("$ref") == ref for p in parts):
            target = _pointer.join("/components/schemas", name)
            found.setdefault(target, Variant(target, schema, target, "#" + target))
    return list(found.values())
