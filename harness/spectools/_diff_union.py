"""Union changes: a schema that became a union (and which variant the old schema is), a union that
became one schema, and variants added, removed or matched between two unions; discriminators added,
removed or remapped. Variants are matched by discriminator value, then component name, then shape."""

from __future__ import annotations

import json
import re
from typing import Any

from . import _pointer
from ._labels import name_of
from ._model import Change, Impact
from ._refs import Resolver
from ._unions import (
    NO_VALUE,
    Union,
    Variant,
    allowed_values,
    fixed_value,
    mapping_target,
    object_view,
    types_of,
)

B, W, I = Impact.BREAKING, Impact.WARNING, Impact.INFO  # noqa: E741 - initials, so rule tables read as columns
_SUFFIX = re.compile(r"-(Input|Output)$")


def became_union(sd, os, ns, d: str) -> list[Change]:
    union: Union = ns.union
    variants = [v for v in union.non_null() if v.node is not None]
    old_name = _name(os.node, os.pointer)
    old_tag = _tag_of_schema(os.node, os.pointer, sd.old, _prop(union))
    best, best_changes = _closest(sd, os.node, os.pointer, variants, union, old_tag, d, old_side=True)
    serious = [c for c in best_changes if c.impact is B]  # warnings alone still make it the old schema
    listing = _listing(union, variants)
    details = {
        "variants": listing,
        "old_schema": old_name,
        "union": union.kind,
        "discriminator": _prop(union),
    }
    where = sd.label(ns.at)
    if serious:
        details["closest_variant"] = best.name
        return [
            Change(
                f"{d}-type-changed",
                B,
                ns.at,
                f"{where} changed from `{old_name}` to {_a_kind(union, len(variants))}, none of which matches the old schema; the closest, `{best.name}`, differs in {len(serious)} way(s)",
                "keep the old schema as one of the variants, or version the API",
                d,
                os.at,
                details=details,
            )
        ] + best_changes
    tag = _tag_label(union, best, sd.new)
    new = [x for x in listing if x["schema"] != best.name or x["pointer"] != best.pointer]
    same = "unchanged" if not best_changes else f"{len(best_changes)} minor change(s)"
    details.update(
        {"old_schema_variant": best.name, "old_schema_tag": tag, "new_variants": [x["schema"] for x in new]}
    )
    names = ", ".join(f"{x['tag']} ({x['schema']})" if x["tag"] else x["schema"] for x in new)
    message = (
        f"{where} became {_a_kind(union, len(variants))}; the old schema `{old_name}` is the "
        f"{f'`{tag}` variant (`{best.name}`)' if tag else f'variant `{best.name}`'}, {same}; {len(new)} variant(s) are new: {names}"
    )
    if d == "response":
        hint = (
            f"clients built from the old spec expect only `{old_name}` here. If the API always returned these other types "
            f"(the old spec under-described it), accept this in the reviewed suppressions file with that reason; otherwise version the endpoint"
        )
        change = Change("response-became-union", B, ns.at, message, hint, d, os.at, details=details)
    else:
        change = Change("request-became-union", I, ns.at, message, "", d, os.at, details=details)
    return [change] + best_changes


def became_single(sd, os, ns, d: str) -> list[Change]:
    union: Union = os.union
    variants = [v for v in union.non_null() if v.node is not None]
    new_tag = _tag_of_schema(ns.node, ns.pointer, sd.new, _prop(union))
    best, best_changes = _closest(sd, ns.node, ns.pointer, variants, union, new_tag, d, old_side=False)
    serious = [c for c in best_changes if c.impact is B]  # warnings alone still make it the old schema
    new_name = _name(ns.node, ns.pointer)
    where = sd.label(ns.at)
    gone = [v.name for v in variants if v is not best]
    details = {"old_variants": [v.name for v in variants], "kept": best.name, "dropped": gone}
    if serious:
        return [
            Change(
                f"{d}-type-changed",
                B,
                ns.at,
                f"{where} changed from {_a_kind(union, len(variants))} to `{new_name}`, which matches none of them",
                "keep the union, or version the API",
                d,
                os.at,
                details=details,
            )
        ] + best_changes
    if d == "request":
        return [
            Change(
                "request-union-narrowed",
                B,
                ns.at,
                f"{where} accepted {_a_kind(union, len(variants))} and now only `{new_name}` (the old `{best.name}`); no longer accepted: {', '.join(gone)}",
                "keep accepting the dropped types, or version the API",
                d,
                os.at,
                details=details,
            )
        ] + best_changes
    return [
        Change(
            "response-union-narrowed",
            I,
            ns.at,
            f"{where} was {_a_kind(union, len(variants))} and is now only `{new_name}` (the old `{best.name}`)",
            "",
            d,
            os.at,
            details=details,
        )
    ] + best_changes


def both_unions(sd, os, ns, d: str) -> list[Change]:
    ou, nu = os.union, ns.union
    matched, removed, added = match(sd, ou, nu)
    out: list[Change] = []
    where = sd.label(ns.pointer)
    for a, b in matched:
        out += sd.compare(a.node, a.target, b.node, b.target, d)
    # a second listing of a variant that is already matched adds no type (lint: union-duplicate-variant)
    doubled = [v for v in added if v.target in {b.target for _, b in matched}]
    undoubled = [v for v in removed if v.target in {a.target for a, _ in matched}]
    added = [v for v in added if v not in doubled]
    removed = [v for v in removed if v not in undoubled]
    if doubled or undoubled:
        what = (
            (f"now lists {', '.join(v.name for v in doubled)} twice" if doubled else "")
            + ("; " if doubled and undoubled else "")
            + (f"no longer lists {', '.join(v.name for v in undoubled)} twice" if undoubled else "")
        )
        out.append(
            Change(
                f"{d}-union-duplicate-changed",
                I,
                ns.pointer,
                f"{where} {what}; the set of accepted types is the same",
                "a variant listed twice breaks SDK generation (see `harness spec lint`)" if doubled else "",
                d,
                os.pointer,
            )
        )
    if added:
        names = ", ".join(_with_tag(nu, v, sd.new) for v in added)
        out.append(
            Change(
                f"{d}-union-variant-added",
                I if d == "request" else B,
                ns.pointer,
                f"{where} ({_kind(nu)}) gained {len(added)} variant(s): {names}",
                "strict clients built from the old spec fail on the new variants; version the API or accept this in the suppressions file"
                if d == "response"
                else "",
                d,
                os.pointer,
                details={
                    "added": [v.name for v in added],
                    "variants": _listing(nu, [v for v in nu.non_null() if v.node is not None]),
                },
            )
        )
    if removed:
        names = ", ".join(_with_tag(ou, v, sd.old) for v in removed)
        out.append(
            Change(
                f"{d}-union-variant-removed",
                B if d == "request" else I,
                ns.pointer,
                f"{where} ({_kind(nu)}) lost {len(removed)} variant(s): {names}",
                "clients still send these variants: keep accepting them, or version the API"
                if d == "request"
                else "",
                d,
                os.pointer,
                details={"removed": [v.name for v in removed]},
            )
        )
    out += _discriminators(sd, ou, nu, matched, ns.pointer, os.pointer, d)
    if _outer(ou) != _outer(nu):
        out.append(
            Change(
                f"{d}-union-kind-changed",
                I,
                ns.pointer,
                f"{where} changed from {_outer(ou)} to {_outer(nu)}",
                "",
                d,
                os.pointer,
            )
        )
    return out


def match(sd, ou: Union, nu: Union) -> tuple[list[tuple[Variant, Variant]], list[Variant], list[Variant]]:
    """Pair old and new variants: by discriminator value, then same component, then the name without a
    pydantic -Input/-Output suffix, then by JSON type for scalars."""
    olds = [v for v in ou.non_null() if v.node is not None]
    news = [v for v in nu.non_null() if v.node is not None]
    prop = _prop(nu) or _prop(ou) or "type"
    pairs: list[tuple[Variant, Variant]] = []

    def take(key_old, key_new) -> None:
        index: dict[Any, list[Variant]] = {}
        for v in news:
            for k in key_new(v):
                index.setdefault(k, []).append(v)
        for a in list(olds):
            for k in key_old(a):
                candidates = [v for v in index.get(k, []) if v in news]
                if (
                    len(candidates) > 1
                ):  # a variant listed twice (see lint's union-duplicate-variant): pair in order
                    same = [v for v in candidates if v.target == a.target]
                    candidates = same[:1] or (
                        candidates[:1] if len({v.target for v in candidates}) == 1 else []
                    )
                if len(candidates) == 1:
                    pairs.append((a, candidates[0]))
                    olds.remove(a)
                    news.remove(candidates[0])
                    break

    take(lambda v: _tags(ou, v, sd.old, prop), lambda v: _tags(nu, v, sd.new, prop))
    take(lambda v: [v.target] if v.ref else [], lambda v: [v.target] if v.ref else [])
    take(
        lambda v: [_SUFFIX.sub("", v.name)] if v.ref else [],
        lambda v: [_SUFFIX.sub("", v.name)] if v.ref else [],
    )
    take(
        lambda v: [] if v.ref else [_shape(v.node, sd.old)],
        lambda v: [] if v.ref else [_shape(v.node, sd.new)],
    )
    take(_kind_key, _kind_key)
    if len(olds) == 1 and len(news) == 1 and not olds[0].ref and not news[0].ref:
        pairs.append((olds.pop(), news.pop()))  # the one inline variant left on each side
    return pairs, olds, news


def _discriminators(sd, ou: Union, nu: Union, matched, n_ptr: str, o_ptr: str, d: str) -> list[Change]:
    od, nd = ou.discriminator, nu.discriminator
    where = sd.label(n_ptr)
    if od is None and nd is None:
        return []
    if od is None:
        assert nd is not None  # both None returned above
        return [
            Change(
                f"{d}-discriminator-added",
                W if d == "request" else I,
                n_ptr,
                f"{where} now declares the discriminator `{nd['propertyName']}`",
                "clients that omit the property may now be rejected" if d == "request" else "",
                d,
                o_ptr,
            )
        ]
    if nd is None:
        return [
            Change(
                f"{d}-discriminator-removed",
                W if d == "response" else I,
                n_ptr,
                f"{where} no longer declares the discriminator `{od['propertyName']}`",
                "generated clients lose the dispatch on it and must guess the variant"
                if d == "response"
                else "",
                d,
                o_ptr,
            )
        ]
    if od["propertyName"] != nd["propertyName"]:
        return [
            Change(
                f"{d}-discriminator-property-changed",
                B,
                n_ptr,
                f"{where} discriminator changed from `{od['propertyName']}` to `{nd['propertyName']}`",
                "keep the old discriminator property",
                d,
                o_ptr,
            )
        ]
    out = []
    om, nm = od.get("mapping") or {}, nd.get("mapping") or {}
    pair_of = {a.target: b.target for a, b in matched}
    for key in sorted(om.keys() & nm.keys()):
        want = pair_of.get(mapping_target(str(om[key])))
        got = mapping_target(str(nm[key]))
        if want is not None and want != got:
            out.append(
                Change(
                    f"{d}-discriminator-remapped",
                    B,
                    _pointer.join(n_ptr, "discriminator", "mapping", key),
                    f"{where}: `{nd['propertyName']}` = {json.dumps(key)} now selects `{_pointer.last(got)}` instead of the counterpart of `{_pointer.last(mapping_target(str(om[key])))}`",
                    "keep each discriminator value mapped to the same variant",
                    d,
                    o_ptr,
                )
            )
    for key in sorted(om.keys() - nm.keys()):
        if mapping_target(str(om[key])) in pair_of:  # the variant stayed but its value is gone
            out.append(
                Change(
                    f"{d}-discriminator-value-removed",
                    B if d == "request" else I,
                    n_ptr,
                    f"{where}: the discriminator value {json.dumps(key)} is no longer mapped",
                    "clients sending it are rejected" if d == "request" else "",
                    d,
                    o_ptr,
                )
            )
    return out


def _closest(
    sd, node: Any, pointer: str, variants: list[Variant], union: Union, tag: Any, d: str, *, old_side: bool
):
    """The variant that differs least from ``node`` (the single schema on the other side)."""
    scored: list[Any] = []
    for v in variants:
        changes = (
            sd.compare(node, pointer, v.node, v.target, d)
            if old_side
            else sd.compare(v.node, v.target, node, pointer, d)
        )
        tags = _tags(union, v, sd.new if old_side else sd.old, _prop(union) or "type")
        rank = (
            sum(c.impact is B for c in changes),
            sum(c.impact is W for c in changes),
            len(changes),
            tag is None or str(tag) not in tags,
        )
        scored.append((rank, len(scored), v, changes))
    _, _, best, changes = min(scored, key=lambda s: (s[0], s[1]))
    return best, changes


def _tags(union: Union, v: Variant, resolver: Resolver, prop: str) -> list[str]:
    disc = union.discriminator
    keys = []
    if disc:
        keys = [k for k, val in (disc.get("mapping") or {}).items() if mapping_target(str(val)) == v.target]
    view = object_view(v.node, v.target, resolver)
    if prop in view.properties:
        schema, at = view.properties[prop]
        allowed = allowed_values(schema, at, resolver)
        if allowed:
            keys += [str(a) for a in allowed if str(a) not in keys]
    return [f"tag:{k}" for k in keys]


def _tag_of_schema(node: Any, pointer: str, resolver: Resolver, prop: str | None) -> str | None:
    view = object_view(node, pointer, resolver)
    name = prop or "type"
    if name in view.properties:
        schema, at = view.properties[name]
        value = fixed_value(schema, at, resolver)
        if value is not NO_VALUE:
            return f"tag:{value}"
    return None


def _tag_label(union: Union, v: Variant, resolver: Resolver) -> str | None:
    tags = _tags(union, v, resolver, _prop(union) or "type")
    return tags[0][4:] if tags else None


def _listing(union: Union, variants: list[Variant]) -> list[dict]:
    out = []
    for v in variants:
        tags = []
        if union.discriminator:
            tags = [
                k
                for k, val in (union.discriminator.get("mapping") or {}).items()
                if mapping_target(str(val)) == v.target
            ]
        out.append({"schema": v.name, "tag": tags[0] if tags else None, "pointer": v.pointer})
    return out


def _with_tag(union: Union, v: Variant, resolver: Resolver) -> str:
    tag = _tag_label(union, v, resolver)
    return f"{tag} ({v.name})" if tag and tag != v.name else v.name


def _prop(union: Union) -> str | None:
    return union.discriminator["propertyName"] if union.discriminator else None


def _kind(union: Union, count: int | None = None) -> str:
    """`oneOf of 9 types (discriminator `type`)`, or just the keyword and discriminator without a count."""
    disc = f" (discriminator `{_prop(union)}`)" if union.discriminator else ""
    return f"{_outer(union)} of {count} types{disc}" if count is not None else f"{_outer(union)}{disc}"


def _a_kind(union: Union, count: int | None = None) -> str:
    """`_kind` with its article: "a oneOf of …" (one-of), "an anyOf of …"."""
    kind = _kind(union, count)
    return ("an " if kind.startswith(("anyOf", "allOf")) else "a ") + kind


def _outer(union: Union) -> str:
    return union.kind.split(" ")[0]


def _shape(node: Any, resolver: Resolver, depth: int = 0) -> str:
    """A structural key for inline variants: `array<union(A|B)>`, `object{a,b}`; refs by component name
    without a pydantic -Input/-Output suffix."""
    if depth > 6 or not isinstance(node, dict):
        return "?"
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _SUFFIX.sub("", _pointer.last(ref))
    for key in ("oneOf", "anyOf"):
        if isinstance(node.get(key), list):
            return "union(" + "|".join(sorted(_shape(v, resolver, depth + 1) for v in node[key])) + ")"
    types = sorted(types_of(node))
    if types == ["array"]:
        return f"array<{_shape(node.get('items'), resolver, depth + 1)}>"
    if types == ["object"] and isinstance(node.get("properties"), dict):
        return "object{" + ",".join(sorted(node["properties"])) + "}"
    values = allowed_values(node, "", resolver)
    if values is not None:
        return "values" + json.dumps(sorted(map(str, values)))
    return "/".join(types) or "any"


def _kind_key(v: Variant) -> list[str]:
    """Inline scalars and arrays match by JSON type when that is unique on both sides."""
    types = sorted(types_of(v.node))
    return ["types:" + "/".join(types)] if types and "object" not in types and not v.ref else []


def _name(node: Any, pointer: str) -> str:
    return name_of(node, pointer)
