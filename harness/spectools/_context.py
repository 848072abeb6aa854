"""What the lint rules share about one document: its resolver, its schemas and its unions, computed once."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from . import _pointer
from ._load import Spec
from ._refs import Resolver
from ._unions import UNION_KEYS, Union, is_pure_union, is_union, union_at
from ._walk import every_schema


class LintContext:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.doc = spec.doc
        self.resolver = Resolver(spec.doc)
        self.stats: dict[str, int] = {}

    @cached_property
    def schemas(self) -> list[tuple[str, Any]]:
        return list(every_schema(self.doc))

    @cached_property
    def unions(self) -> list[Union]:
        """Every union, flattened; a pure union written directly inside another one is part of its parent."""
        found = []
        for pointer, node in self.schemas:
            if not is_union(node):
                continue
            parts = _pointer.split(pointer)
            if len(parts) >= 2 and parts[-2] in UNION_KEYS and is_pure_union(node):
                continue
            union = union_at(node, pointer, self.resolver)
            if union is not None:  # is_union(node) said so
                found.append(union)
        return found

    def bump(self, key: str, by: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + by
