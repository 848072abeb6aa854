"""JSON pointers and local ``$ref``s inside one OpenAPI document.

Only local references (``#/...``) are followed. Anything else (another file, a URL) is never fetched:
it counts as unresolvable, like a local reference to a missing entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MISSING = object()


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer(*tokens: str | int) -> str:
    """``pointer("paths", "/v1/x", "get")`` → ``#/paths/~1v1~1x/get``."""
    return "#" + "".join("/" + escape(str(t)) for t in tokens)


def tokens(ref: str) -> list[str]:
    """``#/components/schemas/X`` → ``["components", "schemas", "X"]``; raises ValueError if not local."""
    if ref == "#":
        return []
    if not ref.startswith("#/"):
        raise ValueError(f"not a local reference: {ref!r}")
    return [unescape(t) for t in ref[2:].split("/")]


def lookup(doc: Any, ref: str) -> Any:
    """The value ``ref`` points at, or ``MISSING``."""
    try:
        parts = tokens(ref)
    except ValueError:
        return MISSING
    node = doc
    for part in parts:
        if isinstance(node, dict):
            node = node.get(part, MISSING)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node


def exists(doc: Any, ref: str) -> bool:
    return lookup(doc, ref) is not MISSING


def walk_refs(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every ``$ref`` string in ``node`` with the location of the object that holds it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref, path
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from walk_refs(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (dict, list)):
                yield from walk_refs(value, path + (i,))


def dangling_refs(doc: Any) -> dict[str, tuple[str, ...]]:
    """Unresolvable references → the locations (JSON pointers) that use them, in document order."""
    found: dict[str, list[str]] = {}
    cache: dict[str, bool] = {}
    for ref, path in walk_refs(doc):
        ok = cache.get(ref)
        if ok is None:
            ok = cache[ref] = exists(doc, ref)
        if not ok:
            found.setdefault(ref, []).append(pointer(*path))
    return {ref: tuple(where) for ref, where in found.items()}


class Resolver:
    """Follows ``$ref`` chains in one document, with a cache. Never raises on a dangling reference."""

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self._cache: dict[str, Any] = {}

    def lookup(self, ref: str) -> Any:
        if ref not in self._cache:
            self._cache[ref] = lookup(self._doc, ref)
        return self._cache[ref]

    def deref(self, node: Any, *, limit: int = 32) -> tuple[Any, str | None, str | None]:
        """Follow ``node``'s ``$ref`` chain → (target or None, pointer of the target, dangling ref or None)."""
        where = None
        for _ in range(limit):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node, where, None
            ref = node["$ref"]
            target = self.lookup(ref)
            if target is MISSING:
                return None, None, ref
            node, where = target, ref
        return None, None, f"{where} (a $ref cycle)"
