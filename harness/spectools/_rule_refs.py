"""Rules about references: dangling local refs, cycles of refs that lead only to refs, external refs."""

from __future__ import annotations

from collections.abc import Iterator

from . import _pointer
from ._model import Finding
from ._refs import MISSING
from ._rules import family, finding
from ._walk import iter_refs

SHOWN_SITES = 5


@family("ref-unresolvable", "ref-cycle", "ref-external")
def check_refs(ctx) -> Iterator[Finding]:
    dangling: dict[str, list[str]] = {}
    external: dict[str, list[str]] = {}
    for site, ref in iter_refs(ctx.doc):
        target = _pointer.from_ref(ref)
        if target is None:
            external.setdefault(ref, []).append(site)
        elif ctx.resolver.lookup(target) is MISSING:
            dangling.setdefault(ref, []).append(site)
    for ref, sites in sorted(dangling.items()):
        sites.sort()
        yield finding(
            "ref-unresolvable",
            sites[0],
            f"`{ref}` does not resolve: {_why(ctx, ref)}; referenced from {_places(sites)}",
            f"define `{ref[2:].replace('/', '.')}` in the document, or point these references at a component that exists",
            evidence=_shown(sites),
        )
    yield from _cycles(ctx)
    for ref, sites in sorted(external.items()):
        sites.sort()
        yield finding(
            "ref-external",
            sites[0],
            f"`{ref}` points outside this document; lint and diff treat it as opaque ({_places(sites)})",
            "bundle the spec into one document (e.g. `redocly bundle`) before linting",
            evidence=_shown(sites),
        )


def _cycles(ctx) -> Iterator[Finding]:
    """A node that is a ``$ref`` whose chain comes back to itself without ever reaching a schema with
    content: resolving it loops forever (``spec diff`` and validators give up on it). Each cycle is
    reported once, at its smallest pointer."""
    reported: set[tuple[str, ...]] = set()
    for site, ref in iter_refs(ctx.doc):
        cycle = _cycle_from(ctx, site, ref)
        if cycle is None:
            continue
        start = cycle.index(min(cycle))
        cycle = cycle[start:] + cycle[:start]
        if tuple(cycle) in reported:
            continue
        reported.add(tuple(cycle))
        loop = " → ".join(f"`{p}`" for p in [*cycle, cycle[0]])
        yield finding(
            "ref-cycle",
            cycle[0],
            f"$ref cycle: {loop}; each node only refers to the next, so none of them resolves to a schema",
            "give one of these schemas content of its own (a type, properties, a union) instead of a bare $ref, "
            "or point it at the schema it was meant to alias",
            evidence=tuple(
                f"`{p}` is `$ref: #{p_next}`"
                for p, p_next in zip(cycle, [*cycle[1:], cycle[0]], strict=False)
            ),
        )


def _cycle_from(ctx, site: str, ref: str) -> list[str] | None:
    """The pointers of the ref cycle that ``site`` is part of, or None (a chain that ends, or a site that
    only leads into a cycle without being on it)."""
    chain = [site]
    while True:
        target = _pointer.from_ref(ref)
        if target is None:
            return None
        if target in chain:
            return chain[chain.index(target) :] if chain[0] == target else None
        node = ctx.resolver.lookup(target)
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            return None
        chain.append(target)
        ref = node["$ref"]


def _why(ctx, ref: str) -> str:
    parts = _pointer.split(_pointer.from_ref(ref) or "")
    node = ctx.doc
    for depth, token in enumerate(parts):
        if not isinstance(node, dict) or token not in node:
            parent = "/" + "/".join(_pointer.escape(p) for p in parts[:depth])
            size = len(node) if isinstance(node, dict) else 0
            there = "is empty" if size == 0 else f"has {size} other entr{'y' if size == 1 else 'ies'}"
            return f"no `{token}` under `{parent}`, which {there}" if depth else f"no top-level `{token}`"
        node = node[token]
    return "the path crosses a non-object value"


def _places(sites: list[str]) -> str:
    return f"{len(sites)} place{'s' if len(sites) != 1 else ''}"


def _shown(sites: list[str]) -> tuple[str, ...]:
    shown = tuple(f"referenced at {s}" for s in sites[:SHOWN_SITES])
    if len(sites) > SHOWN_SITES:
        shown += (f"… and {len(sites) - SHOWN_SITES} more",)
    return shown
