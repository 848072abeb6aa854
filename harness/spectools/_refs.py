"""Resolving local ``$ref``s: a pointer lookup cache and ref-chain following with cycle protection."""

from __future__ import annotations

from typing import Any

from . import _pointer

_MISSING = object()
MAX_CHAIN = 64


class Resolver:
    """Looks pointers up in one document. External refs (``other.yaml#/...``) are not followed."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self._cache: dict[str, Any] = {}

    def lookup(self, pointer: str) -> Any:
        """The node at ``pointer``, or :data:`MISSING`."""
        try:
            return self._cache[pointer]
        except KeyError:
            pass
        node: Any = self.doc
        for token in _pointer.split(pointer):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                node = _MISSING
                break
        self._cache[pointer] = node
        return node

    def exists(self, ref: str) -> bool:
        pointer = _pointer.from_ref(ref)
        return pointer is not None and self.lookup(pointer) is not _MISSING

    def deref(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains from ``node`` (found at ``pointer``). Returns ``(target, target pointer)``,
        or ``(None, pointer of the broken ref)`` when a ref is external, dangling or circular."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = _pointer.from_ref(node["$ref"])
            if target is None or target in seen or len(seen) > MAX_CHAIN:
                return None, pointer
            seen.add(target)
            found = self.lookup(target)
            if found is _MISSING:
                return None, pointer
            node, pointer = found, target
        return node, pointer


MISSING = _MISSING
