"""The OpenAPI document as the checks need it: operations indexed by method and path template,
responses resolved (``$ref`` chains followed, with a cache), dangling references collected once, and
validators compiled once and shared.

    spec = ApiSpec.from_dict(json.load(open("openapi.json")))      # or load_api_spec(path)
    op = spec.find_operation("GET", "/v1/conversations/conv_1/items")
    op.key                                                          # "GET /v1/conversations/{conversation_id}/items"
    spec.dangling_refs                      # {"#/components/responses/BadRequest400": (where it is used, ...)}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from harness.core.documents import read_document
from harness.core.errors import SpecError

from . import refs
from .paths import PathTemplate, split_path
from .prepared import PreparedDocument, prepare
from .validation import SchemaError, SchemaValidator

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class MediaSpec:
    """One declared media type of a response: where its schema is, and whether it can be used."""

    media_type: str
    schema: str | None  # pointer into the document; None when the spec gives no schema
    dangling: str | None = None  # the unresolvable $ref the schema is, if it is one
    label: str = ""  # for reports: the referenced schema's name, the schema's title, or its pointer

    @property
    def schema_at(self) -> str:
        """The schema's pointer, for a media type the caller knows to declare one."""
        if self.schema is None:
            raise ValueError(f"{self.media_type} declares no schema")
        return self.schema

    @property
    def schema_name(self) -> str:
        return self.label or (self.dangling or self.schema or "").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ResponseSpec:
    status: str  # "200", "4XX" or "default"
    description: str = ""
    content: Mapping[str, MediaSpec] = field(default_factory=dict)
    ref: str | None = None  # the #/components/responses/... it came from
    dangling: str | None = None  # the ref, when it points nowhere (nothing is known about this response)

    def media(self, content_type: str) -> MediaSpec | None:
        """The declared media type that covers ``content_type`` (exact, then ``type/*``, then ``*/*``)."""
        content_type = content_type.lower()
        if content_type in self.content:
            return self.content[content_type]
        major = content_type.split("/", 1)[0]
        return self.content.get(f"{major}/*") or self.content.get("*/*")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" | "query" | "header" | "cookie"
    required: bool = False


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, e.g. /v1/responses/{response_id}
    operation_id: str | None
    responses: Mapping[str, ResponseSpec]
    parameters: tuple[Parameter, ...] = ()
    template: PathTemplate = field(repr=False, default=None)  # type: ignore[assignment]  # always given by ApiSpec

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def declared_statuses(self) -> list[str]:
        return list(self.responses)

    def response_for(self, status: int) -> ResponseSpec | None:
        """The response the spec declares for ``status``: exact code, then ``4XX``, then ``default``."""
        return (
            self.responses.get(str(status))
            or self.responses.get(f"{str(status)[0]}XX")
            or self.responses.get(f"{str(status)[0]}xx")
            or self.responses.get("default")
        )

    def query_parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.location == "query" and p.name == name), None)


class ApiSpec:
    """An indexed OpenAPI 3.0/3.1 document. Build with :meth:`from_dict` or :func:`load_api_spec`."""

    def __init__(self, doc: dict[str, Any], *, source: str = "<dict>") -> None:
        self.doc = doc
        self.source = source
        self.version = str(doc.get("openapi", ""))
        self.resolver = refs.Resolver(doc)
        self.dangling_refs: dict[str, tuple[str, ...]] = refs.dangling_refs(doc)
        self.operations: dict[str, Operation] = {}
        self._by_method: dict[str, list[Operation]] = {}
        self._base_paths = _server_base_paths(doc)
        self._index()

    # construction -------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, doc: Any, *, source: str = "<dict>") -> ApiSpec:
        if not isinstance(doc, dict):
            raise SpecError(
                f"{source}: an OpenAPI document must be a JSON/YAML object",
                value=type(doc).__name__,
                allowed="a mapping with 'openapi' and 'paths'",
                fix="pass the parsed document (json.load / yaml.safe_load), not a string or a list",
            )
        version = str(doc.get("openapi", ""))
        if not version.startswith("3."):
            raise SpecError(
                f"{source}: unsupported OpenAPI version",
                value=doc.get("openapi", doc.get("swagger")),
                allowed="OpenAPI 3.0.x or 3.1.x (the 'openapi' field)",
                fix="convert Swagger 2.0 documents to OpenAPI 3 first (e.g. with swagger2openapi)",
            )
        if not isinstance(doc.get("paths"), dict):
            raise SpecError(
                f"{source}: the document has no 'paths' object",
                value=doc.get("paths"),
                allowed="a mapping of path templates to path items",
                fix="check that this is the app's full /openapi.json, not a fragment",
            )
        return cls(doc, source=source)

    def _index(self) -> None:
        for path, item in self.doc["paths"].items():
            if not isinstance(item, dict):
                continue
            template = PathTemplate.parse(path)
            shared = item.get("parameters", [])
            for method in METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                op = Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=raw.get("operationId"),
                    responses=self._responses(path, method, raw.get("responses") or {}),
                    parameters=self._parameters([*shared, *raw.get("parameters", [])]),
                    template=template,
                )
                self.operations[op.key] = op
                self._by_method.setdefault(op.method, []).append(op)
        for ops in self._by_method.values():
            ops.sort(key=lambda o: o.template.rank(), reverse=True)

    def _parameters(self, raw: list[Any]) -> tuple[Parameter, ...]:
        out = []
        for item in raw:
            item = self.resolver.deref(item)[0]
            if isinstance(item, dict) and "name" in item:
                out.append(Parameter(item["name"], item.get("in", "query"), bool(item.get("required"))))
        return tuple(out)

    def _responses(self, path: str, method: str, raw: dict[str, Any]) -> dict[str, ResponseSpec]:
        out = {}
        for status, node in raw.items():
            status = str(status)
            resolved, where, dangling = self.resolver.deref(node)
            if dangling is not None:
                desc = node.get("description", "") if isinstance(node, dict) else ""
                out[status] = ResponseSpec(status, desc, {}, dangling, dangling)
                continue
            base = where or refs.pointer("paths", path, method, "responses", status)
            content = {}
            for media_type, media in (resolved or {}).get("content", {}).items():
                content[media_type.lower()] = self._media(media_type, media, base)
            out[status] = ResponseSpec(status, (resolved or {}).get("description", ""), content, where)
        return out

    def _media(self, media_type: str, media: Any, base: str) -> MediaSpec:
        if not isinstance(media, dict) or "schema" not in media:
            return MediaSpec(media_type.lower(), None)
        schema_pointer = base + "/" + "/".join(refs.escape(t) for t in ("content", media_type, "schema"))
        schema = media["schema"]
        _, _, dangling = self.resolver.deref(schema)
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        label = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
        label = label or (schema.get("title") if isinstance(schema, dict) else None) or schema_pointer
        return MediaSpec(media_type.lower(), schema_pointer, dangling, str(label))

    # lookup -------------------------------------------------------------------------------------
    def operation(self, key: str) -> Operation | None:
        """By key, e.g. ``"POST /v1/responses"``."""
        method, _, path = key.partition(" ")
        return self.operations.get(f"{method.upper()} {path}")

    def find_operation(self, method: str, url_path: str) -> Operation | None:
        """The operation a concrete request goes to; literal segments win over parameters."""
        found = self.match(method, url_path)
        return found[0] if found else None

    def match(self, method: str, url_path: str) -> tuple[Operation, dict[str, str]] | None:
        """Like :meth:`find_operation`, with the path parameters' values."""
        candidates = self._by_method.get(method.upper(), [])
        for parts in self._path_variants(url_path):
            for op in candidates:  # most specific first
                if len(op.template.segments) == len(parts):
                    params = op.template.match(parts)
                    if params is not None:
                        return op, params
            greedy = [(op, p) for op in candidates for p in [op.template.match(parts)] if p is not None]
            if greedy:
                return max(greedy, key=lambda found: len(found[0].template.segments))
        return None

    def _path_variants(self, url_path: str) -> list[list[str]]:
        parts = split_path(url_path)
        variants = [parts]
        for base in self._base_paths:
            if parts[: len(base)] == base:
                variants.append(parts[len(base) :])
        return variants

    def operations_under(self, op: Operation, method: str = "GET") -> list[Operation]:
        """Operations whose path is below ``op``'s path (``/x/{id}/items`` is below ``/x/{id}``)."""
        return [o for o in self._by_method.get(method.upper(), []) if o.template.is_under(op.template)]

    # schemas ------------------------------------------------------------------------------------
    @cached_property
    def prepared(self) -> PreparedDocument:
        return prepare(self.doc)

    @cached_property
    def validator(self) -> SchemaValidator:
        return SchemaValidator(self.prepared)

    def validate(self, schema_pointer: str, instance: Any) -> list[SchemaError]:
        """Errors of ``instance`` against the schema at ``schema_pointer`` ([] when valid)."""
        return self.validator.errors(schema_pointer, instance)

    def schema_pointer(self, name: str) -> str:
        """``"OpenAIResponseObject"`` → ``"#/components/schemas/OpenAIResponseObject"``."""
        return refs.pointer("components", "schemas", name)

    def __repr__(self) -> str:
        return f"ApiSpec({self.source!r}, {len(self.operations)} operations, {len(self.dangling_refs)} dangling refs)"


def _server_base_paths(doc: dict[str, Any]) -> list[list[str]]:
    bases = []
    for server in doc.get("servers") or []:
        url = server.get("url", "") if isinstance(server, dict) else ""
        parts = split_path(url) if url and "{" not in url else []
        if parts:
            bases.append(parts)
    return bases


def load_api_spec(path: str | Path) -> ApiSpec:
    """Read an OpenAPI document from a ``.json`` or ``.yaml`` file."""
    doc = read_document(
        path,
        what="the OpenAPI document",
        error=SpecError,
        allowed="an OpenAPI 3 document in JSON or YAML",
        fix="fetch it again (e.g. curl -sS BASE_URL/openapi.json) or fix the syntax at the place named",
    )
    return ApiSpec.from_dict(doc, source=str(path))
