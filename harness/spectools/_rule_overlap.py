"""Overlapping union variants, shown by an instance that validates under two of them. One finding per
union: the first overlapping pair gives the example, every pair is listed with its own instance."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ._model import Finding
from ._overlap import NOTHING, OverlapFinder
from ._rules import W, family, finding
from ._unions import NO_VALUE, Union, Variant, fixed_value, is_object_schema, object_view

MAX_VARIANTS = 40  # pairs grow quadratically; larger unions are checked on their first 40 variants
SHOWN_PAIRS = 12


@family("union-overlap")
def check_overlap(ctx) -> Iterator[Finding]:
    finder = OverlapFinder(ctx.spec)
    cache: dict[tuple, object] = {}
    for union in ctx.unions:
        variants = _distinct(union.non_null())[:MAX_VARIANTS]
        if len(variants) < 2:
            continue
        require = union.discriminator["propertyName"] if union.discriminator else None
        objects = {v.target for v in variants if is_object_schema(v.node, ctx.resolver, v.target)}
        pairs = []
        for i, a in enumerate(variants):
            for b in variants[i + 1 :]:
                # under anyOf, overlapping scalars (integer/number) are harmless; objects make SDKs pick the wrong class
                if not union.strict and not (a.target in objects and b.target in objects):
                    continue
                key = (a.target, b.target, require)
                if key not in cache:
                    cache[key] = finder.witness(a.target, b.target, require)
                if cache[key] is not NOTHING:
                    pairs.append((a, b, cache[key]))
        if pairs:
            yield _finding(ctx, union, pairs)
    ctx.bump("overlap_unconfirmed", finder.unconfirmed)
    ctx.bump("overlap_unreadable", finder.unreadable)


def _finding(ctx, union: Union, pairs: list[tuple[Variant, Variant, object]]) -> Finding:
    a, b, instance = pairs[0]
    consequence = (
        "under oneOf a payload matching two variants is invalid, so validators reject it"
        if union.strict
        else "a client or SDK that takes the first matching variant can take the wrong one"
    )
    more = f" ({len(pairs)} overlapping pairs in all)" if len(pairs) > 1 else ""
    evidence = [f"{x.name} & {y.name}: {_short(inst)}" for x, y, inst in pairs[:SHOWN_PAIRS]]
    if len(pairs) > SHOWN_PAIRS:
        evidence.append(f"… and {len(pairs) - SHOWN_PAIRS} more pairs")
    return finding(
        "union-overlap",
        union.pointer,
        f"`{a.name}` and `{b.name}` overlap in this {union.kind}{more}: {_short(instance)} validates under both; {consequence}",
        _hint(ctx, union, pairs),
        evidence=tuple(evidence),
        example=instance,
        severity=None if union.strict else W,
    )


def _hint(ctx, union: Union, pairs) -> str:
    tag = union.discriminator["propertyName"] if union.discriminator else None
    if tag:
        return f"make `{tag}` required and fixed to a distinct value in every variant"
    involved = {v.target: v for pair in pairs for v in pair[:2]}.values()
    if not any(is_object_schema(v.node, ctx.resolver, v.target) for v in involved):
        return (
            "these variants are not objects, so no tag can tell them apart: merge the overlapping variants into one schema, "
            "make their values disjoint, or use anyOf if a value may match several"
        )
    optional_tags = set.intersection(*(_fixed_not_required(ctx, v) for v in involved)) if involved else set()
    if optional_tags:
        prop = "type" if "type" in optional_tags else sorted(optional_tags)[0]
        return f"every overlapping variant fixes `{prop}` but none requires it, so payloads without `{prop}` match several: make `{prop}` required and declare it as the discriminator"
    return "give the variants a required property fixed to distinct values and declare it as the discriminator, or forbid extra properties (additionalProperties: false)"


def _fixed_not_required(ctx, v: Variant) -> set[str]:
    view = object_view(v.node, v.target, ctx.resolver)
    return {
        name
        for name, (schema, ptr) in view.properties.items()
        if name not in view.required and fixed_value(schema, ptr, ctx.resolver) is not NO_VALUE
    }


def _short(instance: object) -> str:
    text = json.dumps(instance, sort_keys=True)
    return text if len(text) <= 200 else text[:200] + "…"


def _distinct(variants: list[Variant]) -> list[Variant]:
    seen: set[str] = set()
    out = []
    for v in variants:
        if v.node is not None and v.target not in seen:
            seen.add(v.target)
            out.append(v)
    return out
