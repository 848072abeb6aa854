"""Whether two union variants overlap, shown by an instance both accept.

jsonschema-rs canonicalises each variant (following ``$ref`` through one registry holding the whole
document) and intersects them; when the intersection may be satisfiable we build its simplest instance
and confirm it with a compiled validator against each variant. Only confirmed instances are reported.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import jsonschema_rs

from ._dialect import json_schema_document
from ._examples import NoExample, simplest
from ._load import Spec

BASE = "urn:harness-spec"
NOTHING = object()
_SAFE = "/~:@!$&'()*+,;=-._"


class OverlapFinder:
    def __init__(self, spec: Spec) -> None:
        self.doc = json_schema_document(spec)
        try:
            self.registry: jsonschema_rs.Registry | None = jsonschema_rs.Registry(
                [(BASE, self.doc)], draft=jsonschema_rs.Draft202012
            )
        except Exception:
            self.registry = None
        self._canonical: dict[str, Any] = {}
        self._validators: dict[str, Any] = {}
        self._required: dict[str, Any] = {}
        self.unconfirmed = 0  # intersections we could not show an instance for (not reported)
        self.unreadable = 0  # variants jsonschema-rs could not canonicalise (e.g. dangling refs inside)

    def witness(self, a: str, b: str, require: str | None = None) -> Any:
        """An instance valid under the schemas at pointers ``a`` and ``b`` (and carrying ``require``), or NOTHING."""
        if self.registry is None:
            self.unreadable += 1
            return NOTHING
        ca, cb = self._canon(a), self._canon(b)
        if ca is None or cb is None:
            return NOTHING
        try:
            both = ca.intersect(cb)
            if require is not None:
                both = both.intersect(self._requiring(require))
            if both.satisfiability() == jsonschema_rs.canonical.Satisfiability.NO:
                return NOTHING
            candidates = [both.to_json_schema()]
        except Exception:
            candidates = []
        candidates += [
            ca.to_json_schema(),
            cb.to_json_schema(),
        ]  # the narrower side may be the one that fits both
        for schema in candidates:
            try:
                instance = simplest(schema)
            except NoExample:
                continue
            if require is not None and not (isinstance(instance, dict) and require in instance):
                continue
            if self._valid(a, instance) and self._valid(b, instance):
                return instance
        self.unconfirmed += 1
        return NOTHING

    def _canon(self, pointer: str) -> Any:
        if pointer not in self._canonical:
            try:
                self._canonical[pointer] = jsonschema_rs.canonicalize(
                    _ref(pointer), registry=self.registry, draft=jsonschema_rs.Draft202012
                )
            except Exception:
                self.unreadable += 1
                self._canonical[pointer] = None
        return self._canonical[pointer]

    def _valid(self, pointer: str, instance: Any) -> bool:
        if pointer not in self._validators:
            try:
                self._validators[pointer] = jsonschema_rs.validator_for(_ref(pointer), registry=self.registry)
            except Exception:
                self._validators[pointer] = None
        validator = self._validators[pointer]
        return validator is not None and validator.is_valid(instance)

    def _requiring(self, prop: str) -> Any:
        if prop not in self._required:
            self._required[prop] = jsonschema_rs.canonicalize(
                {"required": [prop]}, draft=jsonschema_rs.Draft202012
            )
        return self._required[prop]


def _ref(pointer: str) -> dict:
    return {"$ref": f"{BASE}#{quote(pointer, safe=_SAFE)}"}
