"""Validating JSON values against schemas of the prepared document, with jsonschema-rs.

The document is registered once (a ``jsonschema_rs.Registry`` holding it as one resource); each schema
is compiled on first use, as a ``$ref`` into that resource, and cached. Compiling only what a run
validates costs milliseconds where compiling every subschema up front (``validator_map_for``) took
seconds for a large reference such as OpenAI's; the errors are the same either way (the tests compare
them). Errors come back as :class:`SchemaError` data, with discriminator problems told apart from
ordinary ones.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from harness.core.errors import SpecError

from .prepared import DiscriminatorSite, PreparedDocument

MAX_ERRORS = 20
MAX_REPAIRS = 200
DOCUMENT_URI = "urn:harness:document"  # the prepared document's name in the registry
_FRAGMENT_SAFE = "/~!$&'()*+,;=:@"  # kept as is in a URI fragment; the rest ({, }, spaces…) is escaped


@dataclass(frozen=True)
class InvalidSchema:
    location: str  # pointer of the dropped keyword
    problem: str


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


def _schema_roots(doc: dict[str, Any]) -> list[tuple[dict[str, Any], list[str | int]]]:
    """Every top-level schema of the document: components.schemas entries and each ``schema`` value."""
    roots: list[tuple[dict[str, Any], list[str | int]]] = []
    schemas = doc.get("components", {}).get("schemas", {})
    if isinstance(schemas, dict):
        roots += [(v, ["components", "schemas", k]) for k, v in schemas.items() if isinstance(v, dict)]

    def walk(node: Any, path: list[str | int]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "schema" and isinstance(value, dict):
                    roots.append((value, [*path, key]))
                elif isinstance(value, (dict, list)):
                    walk(value, [*path, key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*path, i])

    walk(doc.get("paths", {}), ["paths"])
    for section, value in doc.get("components", {}).items():
        if section != "schemas":
            walk(value, ["components", section])
    return roots


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
        self._registry: Any = None
        self._validators: dict[str, Any] = {}
        self.invalid: list[InvalidSchema] = []  # keywords dropped because they are not valid JSON Schema

    def compile_all(self) -> None:
        """Prepare the whole document now: drop its invalid keywords (``invalid`` then lists them) and
        register it. Each schema is compiled when it is first validated against."""
        if self._registry is None:
            self._repair()
            self._registry = jsonschema_rs.Registry([(DOCUMENT_URI, self._prepared.doc)])

    def _repair(self) -> None:
        """Drop the keywords the metaschema rejects (e.g. an OpenAPI 3.0 boolean ``exclusiveMinimum`` in a
        3.1 document), so one bad keyword does not stop its whole schema from being checked. Each drop is
        remembered and reported once by ``spec_schemas_valid``."""
        for root, path in _schema_roots(self._prepared.doc):
            for _ in range(MAX_REPAIRS):
                try:
                    jsonschema_rs.meta.validate(root)
                    break
                except jsonschema_rs.ValidationError as error:
                    if not self._drop(root, path, list(error.instance_path), error.message):
                        break
                except Exception:
                    break

    def _drop(self, root: Any, base: list[str | int], path: list[str | int], message: str) -> bool:
        if not path:
            return False
        parent = root
        for token in path[:-1]:
            parent = parent[token]
        key = path[-1]
        if isinstance(parent, dict) and key in parent:
            value = parent.pop(key)
        elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            value, parent[key] = parent[key], {}
        else:
            return False
        self.invalid.append(InvalidSchema(_location([*base, *path]), f"{json.dumps(value)[:80]}: {message}"))
        return True

    def _validator(self, pointer: str) -> Any:
        validator = self._validators.get(pointer)
        if validator is None:
            self.compile_all()
            reference = f"{DOCUMENT_URI}#{quote(pointer.lstrip('#'), safe=_FRAGMENT_SAFE)}"
            try:
                validator = jsonschema_rs.validator_for({"$ref": reference}, registry=self._registry)
            except Exception as error:
                raise SpecError(
                    f"the schema at {pointer} cannot be compiled: {error}",
                    value=pointer,
                    allowed="a valid JSON Schema 2020-12 (OpenAPI 3.1) or OpenAPI 3.0 schema object",
                    fix="fix the schema in the document (the message names the keyword)",
                ) from None
            self._validators[pointer] = validator
        return validator

    def is_valid(self, pointer: str, instance: Any) -> bool:
        return bool(self._validator(pointer).is_valid(instance))

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

    def _site(self, schema_path: list[str | int]) -> DiscriminatorSite | None:
        sites = self._prepared.sites
        for end in range(len(schema_path), 1, -1):
            site = sites.get(tuple(schema_path[:end]))
            if site is not None:
                return site
        return None

    @staticmethod
    def _tag_error(site: DiscriminatorSite, error: Any, instance_path: str) -> SchemaError:
        allowed = _listing(sorted(site.tags))
        value = error.instance
        if error.kind.name == "enum":
            close = difflib.get_close_matches(str(value), list(site.tags), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = (
                f"unknown discriminator tag {site.property}={json.dumps(value)} (allowed: {allowed}){hint}"
            )
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
