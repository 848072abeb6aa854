"""The OpenAPI document rewritten once into plain JSON Schema 2020-12 that a validator can compile.

Three rewrites, each where a stock validator falls short for OpenAPI:

* **Discriminated unions.** ``oneOf``/``anyOf`` with a ``discriminator`` become "check the tag, then
  validate only the branch the tag names" (``allOf`` of a tag check and one ``if``/``then`` per tag).
  A valid event is never "valid under more than one schema", a wrong payload gets the errors of the
  branch its tag names, and an unknown tag fails at the tag check, which :class:`DiscriminatorSite`
  lets the validator recognise. Tags come from the ``mapping``, else from the ``const``/``enum`` of
  the tag property in each variant, else (OpenAPI's implicit mapping) the variant's schema name.
* **OpenAPI 3.0 ``nullable``** (and boolean ``exclusiveMinimum``/``exclusiveMaximum``) become their
  JSON Schema forms.
* **Dangling ``$ref``s** become ``{"x-harness-dangling": ref}`` (which accepts anything), so one
  missing entry never stops the rest of the document from being checked. They are reported apart.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from . import refs

DANGLING_KEY = "x-harness-dangling"
TAG_CHECK_KEY = "x-harness-discriminator"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class DiscriminatorSite:
    """Where a rewritten union's tag check lives, and what it accepts."""

    location: tuple[str | int, ...]  # of the tag check inside the prepared document
    union: str  # pointer of the original union, for reports
    property: str
    tags: dict[str, str]  # tag → the branch's pointer (or the union's pointer + /oneOf/i for inline ones)


@dataclass
class PreparedDocument:
    doc: dict[str, Any]
    sites: dict[tuple[str | int, ...], DiscriminatorSite]
    unresolved_unions: list[str]  # discriminated unions whose tags could not be determined (kept as is)


def prepare(doc: dict[str, Any]) -> PreparedDocument:
    version = str(doc.get("openapi", ""))
    rewriter = _Rewriter(doc, openapi30=version.startswith("3.0"))
    out = rewriter.rewrite(copy.deepcopy(doc), ())
    out["$schema"] = SCHEMA_DIALECT
    return PreparedDocument(out, rewriter.sites, rewriter.unresolved)


class _Rewriter:
    def __init__(self, original: dict[str, Any], *, openapi30: bool) -> None:
        self.original = original
        self.resolver = refs.Resolver(original)
        self.openapi30 = openapi30
        self.sites: dict[tuple[str | int, ...], DiscriminatorSite] = {}
        self.unresolved: list[str] = []

    def rewrite(self, node: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, list):
            return [self.rewrite(v, path + (i,)) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        node = {k: self.rewrite(v, path + (k,)) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and self.resolver.lookup(ref) is refs.MISSING:
            node[DANGLING_KEY] = node.pop("$ref")
        if self.openapi30:
            _exclusive_bounds(node)
            if node.get("nullable") is True:
                inner = self._union(node, path + ("anyOf", 0))
                return {"anyOf": [inner, {"type": "null"}]} if _needs_wrap(inner) else _add_null(inner)
        return self._union(node, path)

    def _union(self, node: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
        disc = node.get("discriminator")
        keyword = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
        if not (isinstance(disc, dict) and isinstance(disc.get("propertyName"), str) and keyword):
            return node
        variants = node[keyword]
        tags = self._tags(disc, variants, refs.pointer(*path, keyword))
        if tags is None:
            self.unresolved.append(refs.pointer(*path))
            return node
        prop = disc["propertyName"]
        out = {k: v for k, v in node.items() if k not in ("oneOf", "anyOf", "discriminator")}
        all_of = list(out.get("allOf", []))
        site_index = len(all_of)
        all_of.append(
            {
                TAG_CHECK_KEY: prop,
                "type": "object",
                "required": [prop],
                "properties": {prop: {"enum": sorted(tags)}},
            }
        )
        for tag, branch in tags.items():
            all_of.append(
                {
                    "if": {"type": "object", "properties": {prop: {"const": tag}}, "required": [prop]},
                    "then": branch,
                }
            )
        out["allOf"] = all_of
        location = path + ("allOf", site_index)
        self.sites[location] = DiscriminatorSite(
            location=location,
            union=refs.pointer(*path),
            property=prop,
            tags={tag: branch.get("$ref", refs.pointer(*path)) for tag, branch in tags.items()},
        )
        return out

    def _tags(self, disc: dict[str, Any], variants: Any, where: str) -> dict[str, dict[str, Any]] | None:
        if not isinstance(variants, list):
            return None
        prop = disc["propertyName"]
        mapping = disc.get("mapping") or {}
        tags: dict[str, dict[str, Any]] = {}
        for tag, target in mapping.items():
            if isinstance(target, str):
                pointer = target if target.startswith("#") else f"#/components/schemas/{target}"
                tags[str(tag)] = (
                    {DANGLING_KEY: pointer}
                    if self.resolver.lookup(pointer) is refs.MISSING
                    else {"$ref": pointer}
                )
        mapped = {t.get("$ref", t.get(DANGLING_KEY)) for t in tags.values()}
        for variant in variants:
            if not isinstance(variant, dict):
                return None
            ref = variant.get("$ref") or variant.get(DANGLING_KEY)
            if ref in mapped:
                continue
            found = self._variant_tags(variant, prop)
            if not found and isinstance(ref, str):
                found = [ref.rsplit("/", 1)[-1]]  # OpenAPI's implicit mapping: the schema's name
            if not found:
                return None
            for tag in found:
                tags.setdefault(tag, variant)
        return tags or None

    def _variant_tags(self, variant: dict[str, Any], prop: str) -> list[str]:
        ref = variant.get("$ref")
        target = self.resolver.deref({"$ref": ref})[0] if isinstance(ref, str) else variant
        if not isinstance(target, dict):
            return []
        candidates = [target] + [s for s in target.get("allOf", []) if isinstance(s, dict)]
        for schema in candidates:
            schema = self.resolver.deref(schema)[0]
            spec = (schema or {}).get("properties", {}).get(prop) if isinstance(schema, dict) else None
            if isinstance(spec, dict):
                if "const" in spec:
                    return [str(spec["const"])]
                if isinstance(spec.get("enum"), list):
                    return [str(v) for v in spec["enum"]]
        return []


def _exclusive_bounds(node: dict[str, Any]) -> None:
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(flag), bool) and node.pop(flag) and bound in node:
            node[flag] = node.pop(bound)


def _needs_wrap(node: dict[str, Any]) -> bool:
    return "type" not in node or any(k in node for k in ("$ref", DANGLING_KEY, "allOf", "oneOf", "anyOf"))


def _add_null(node: dict[str, Any]) -> dict[str, Any]:
    node = dict(node)
    node.pop("nullable", None)
    kind = node["type"]
    node["type"] = list(dict.fromkeys([*(kind if isinstance(kind, list) else [kind]), "null"]))
    if isinstance(node.get("enum"), list) and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    return node
