"""Rules about references: dangling local refs and external refs."""

from __future__ import annotations

from collections.abc import Iterator

from . import _pointer
from ._model import Finding
from ._refs import MISSING
from ._rules import family, finding
from ._walk import iter_refs

SHOWN_SITES = 5


@family("ref-unresolvable", "ref-external")
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
    for ref, sites in sorted(external.items()):
        sites.sort()
        yield finding(
            "ref-external",
            sites[0],
            f"`{ref}` points outside this document; lint and diff treat it as opaque ({_places(sites)})",
            "bundle the spec into one document (e.g. `redocly bundle`) before linting",
            evidence=_shown(sites),
        )


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
