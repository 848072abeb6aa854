"""Rules about the shape of unions: missing discriminators, duplicated and equivalent variants."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ._model import Finding
from ._rules import family, finding
from ._unions import NO_VALUE, Union, Variant, fingerprint, fixed_value, is_object_schema, object_view


@family("union-no-discriminator")
def check_discriminator_present(ctx) -> Iterator[Finding]:
    for union in ctx.unions:
        if union.discriminator is not None:
            continue
        objects = _distinct([v for v in union.non_null() if is_object_schema(v.node, ctx.resolver, v.target)])
        if len(objects) < 2:
            continue
        names = ", ".join(f"`{v.name}`" for v in objects[:6]) + (", …" if len(objects) > 6 else "")
        tag = _tag_candidate(ctx, objects)
        if tag:
            prop, values = tag
            pairs = ", ".join(f"{json.dumps(val)}: {name}" for name, val in list(values.items())[:4])
            hint = (
                f"add `discriminator: {{propertyName: {prop}}}` with a mapping ({pairs}{', …' if len(values) > 4 else ''}); "
                f"every object variant already fixes `{prop}` to a distinct value — also make `{prop}` required in each"
            )
        else:
            hint = "give each object variant a property fixed to a distinct value (e.g. `type: {const: ...}`) and declare it as the discriminator"
        yield finding(
            "union-no-discriminator",
            union.pointer,
            f"{union.kind} of {len(objects)} object variants ({names}) has no discriminator; clients must guess the variant from its shape",
            hint,
            evidence=tuple(f"{v.name} at {v.pointer}" for v in objects),
        )


@family("union-duplicate-variant", "union-equivalent-variants")
def check_duplicates(ctx) -> Iterator[Finding]:
    reported: set[frozenset[str]] = set()
    for union in ctx.unions:
        groups: dict[tuple, list[Variant]] = {}
        for variant in union.variants:
            if variant.node is None:
                continue
            groups.setdefault(_identity(variant), []).append(variant)
        for same in groups.values():
            if len(same) < 2:
                continue
            key = frozenset(v.pointer for v in same)
            if key in reported:
                continue
            reported.add(key)
            yield _duplicate(union, same)
        distinct = [
            group[0] for group in groups.values() if group[0].ref is not None and not group[0].is_null
        ]
        by_shape: dict[str, list[Variant]] = {}
        for variant in distinct:
            by_shape.setdefault(fingerprint(variant.node), []).append(variant)
        for same in by_shape.values():
            if len(same) >= 2:
                names = " and ".join(f"`{v.name}`" for v in same)
                yield finding(
                    "union-equivalent-variants",
                    union.pointer,
                    f"{names} accept the same instances (they differ only in annotations), so clients cannot tell them apart",
                    "keep one schema and reference it from every place, or make the variants differ (e.g. a fixed `type` value)",
                    evidence=tuple(f"{v.name} at {v.pointer} → {v.target}" for v in same),
                )


def _duplicate(union: Union, same: list[Variant]) -> Finding:
    first = same[0]
    nested = any(v.via for v in same)
    how = "once nested unions are flattened" if nested else "in the same list"
    evidence = []
    for v in same:
        inside = f" (inside the nested union at {v.source})" if v.via else ""
        evidence.append(f"{v.pointer}{inside} → {first.ref or 'inline schema'}")
    return finding(
        "union-duplicate-variant",
        union.pointer,
        f"`{first.name}` appears {len(same)} times in this {union.kind} {how}; SDK generators emit duplicate declarations and name clashes",
        "remove the extra occurrence"
        + (": the nested union already contains this variant" if nested else ""),
        evidence=tuple(evidence),
    )


def _identity(variant: Variant) -> tuple:
    if variant.ref is not None or variant.target != variant.pointer:
        return ("ref", variant.target)
    return ("inline", fingerprint(variant.node))


def _distinct(variants: list[Variant]) -> list[Variant]:
    seen: set[tuple] = set()
    out = []
    for v in variants:
        if _identity(v) not in seen:
            seen.add(_identity(v))
            out.append(v)
    return out


def _tag_candidate(ctx, variants: list[Variant]) -> tuple[str, dict[str, object]] | None:
    """A property every variant fixes to a distinct value: the discriminator the union could declare."""
    fixed: list[dict[str, object]] = []
    for v in variants:
        view = object_view(v.node, v.target, ctx.resolver)
        values = {}
        for name, (schema, ptr) in view.properties.items():
            value = fixed_value(schema, ptr, ctx.resolver)
            if value is not NO_VALUE:
                values[name] = value
        fixed.append(values)
    common = set(fixed[0]).intersection(*fixed[1:]) if fixed else set()
    for prop in sorted(common, key=lambda p: (p != "type", p)):
        dumped = [json.dumps(f[prop], sort_keys=True) for f in fixed]
        if len(set(dumped)) == len(dumped):
            return prop, {v.name: f[prop] for v, f in zip(variants, fixed, strict=False)}
    return None
