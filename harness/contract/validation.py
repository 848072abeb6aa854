"""Validating JSON values against schemas of the prepared document, with jsonschema-rs.

The whole document is compiled once (``validator_map_for``: every subschema, keyed by pointer); a
schema the map does not hold is compiled on first use and cached. Errors come back as
:class:`SchemaError` data, with discriminator problems told apart from ordinary ones.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from .prepared import PreparedDocument

MAX_ERRORS = 20


@dataclass(frozen=True)
class SchemaError:
    message: str
    instance_path: str  # JSON pointer into the body, "" for the root
    schema_location: str  # JSON pointer into the spec, e.g. #/components/schemas/X/properties/y/type
    kind: str = "schema"  # "schema" | "unknown-tag" | "missing-tag"
    details: tuple[str, ...] = ()  # for unions without a discriminator: why each branch failed

    def render(self) -> str:
        where = self.instance_path or "(root)"
        return f"{where}: {self.message}  [schema {self.schema_location}]"


def _json_pointer(parts: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _listing(names: list[str], shown: int = 8) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f", … ({len(names)} in all)"


def _tokens(pointer: str) -> list[str | int]:
    parts: list[str | int] = []
    for raw in pointer.lstrip("#").split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(token) if token.isdigit() else token)
    return parts


def _location(parts: list[str | int]) -> str:
    return "#" + _json_pointer(parts)


class SchemaValidator:
    def __init__(self, prepared: PreparedDocument) -> None:
        self._prepared = prepared
        self._map: Any = None
        self._map_failed: str | None = None
        self._validators: dict[str, Any] = {}

    def compile_all(self) -> None:
        """Compile the whole document now (otherwise it happens at the first validation)."""
        if self._map is None and self._map_failed is None:
            try:
                self._map = jsonschema_rs.validator_map_for(self._prepared.doc)
            except Exception as error:  # noqa: BLE001 - fall back to compiling schema by schema
                self._map_failed = str(error)

    def _validator(self, pointer: str) -> Any:
        validator = self._validators.get(pointer)
        if validator is None:
            self.compile_all()
            validator = self._map.get(pointer) if self._map is not None else None
            if validator is None:
                root = dict(self._prepared.doc)
                root["$ref"] = pointer
                validator = jsonschema_rs.validator_for(root)
            self._validators[pointer] = validator
        return validator

    def is_valid(self, pointer: str, instance: Any) -> bool:
        return self._validator(pointer).is_valid(instance)

    def errors(self, pointer: str, instance: Any, *, limit: int = MAX_ERRORS) -> list[SchemaError]:
        validator = self._validator(pointer)
        if validator.is_valid(instance):
            return []
        found: list[SchemaError] = []
        for error in validator.iter_errors(instance):
            found.append(self._convert(error, pointer))
            if len(found) >= limit:
                break
        # a wrong tag explains everything else about that value: report it first
        found.sort(key=lambda e: e.kind == "schema")
        return found

    def _convert(self, error: Any, root: str) -> SchemaError:
        schema_path = list(error.schema_path)
        if "$ref" not in error.evaluation_path:
            # jsonschema-rs gives locations relative to the validator's root until a $ref is crossed
            schema_path = [*_tokens(root), *schema_path]
        instance_path = _json_pointer(list(error.instance_path))
        site = self._site(schema_path)
        if site is not None:
            return self._tag_error(site, error, instance_path)
        details: tuple[str, ...] = ()
        if error.kind.name in ("oneOf", "anyOf"):
            details = self._branch_details(error)
        return SchemaError(error.message, instance_path, _location(schema_path), "schema", details)

    def _site(self, schema_path: list[str | int]):
        sites = self._prepared.sites
        for end in range(len(schema_path), 1, -1):
            site = sites.get(tuple(schema_path[:end]))
            if site is not None:
                return site
        return None

    @staticmethod
    def _tag_error(site, error: Any, instance_path: str) -> SchemaError:
        allowed = _listing(sorted(site.tags))
        value = error.instance
        if error.kind.name == "enum":
            close = difflib.get_close_matches(str(value), list(site.tags), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown discriminator tag {site.property}={json.dumps(value)} (allowed: {allowed}){hint}"
            return SchemaError(message, instance_path.rsplit("/", 1)[0], site.union, "unknown-tag")
        if error.kind.name == "required":
            message = f"discriminator property {site.property!r} is missing (allowed tags: {allowed})"
        else:
            message = f"a {site.property!r}-tagged object was expected here: {error.message}"
        return SchemaError(message, instance_path, site.union, "missing-tag")

    @staticmethod
    def _branch_details(error: Any, per_branch: int = 2, branches: int = 4) -> tuple[str, ...]:
        context = getattr(error.kind, "context", None) or []
        lines = []
        for i, sub_errors in enumerate(context[:branches]):
            for sub in sub_errors[:per_branch]:
                where = _json_pointer(list(sub.instance_path)) or "(root)"
                lines.append(f"branch {i}: {where}: {sub.message}")
        return tuple(lines)
