"""A reference oracle: the spec of the API a router app claims to implement (OpenAI's API, the Open
Responses specification, or a user's file), loaded once per process, normalised, and indexed.

    ref = load_reference("openai")                       # or "openresponses", or a path to an OpenAPI file
    found = ref.match("POST", "http://127.0.0.1:8321/v1/responses")   # the reference's operation, or None
    ref.event_schema(found, "response.output_text.delta") # "#/components/schemas/ResponseTextDeltaEvent"

Normalised at load (the shipped files are as published, less their prose):

* OpenAPI 3.0 ``nullable: true`` left in a 3.1 document (OpenAI has 112) becomes a ``null`` type;
* path keys with a query (OpenAI's ``/responses?beta=true`` duplicates) are dropped;
* each operation's ``text/event-stream`` union is indexed by its variants' ``type`` constant, so an
  event is validated against the one schema its ``type`` names, not against the whole ``anyOf``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.core.errors import SpecError, UsageError

from . import refs
from .prepared import _add_null, _needs_wrap
from .spec import ApiSpec, Operation

SHIPPED = Path(__file__).resolve().parent / "references"
NONE = "none"
ENVELOPE = "HarnessErrorEnvelope"


@dataclass(frozen=True)
class Profile:
    """What a shipped reference says beyond its schemas."""

    name: str
    label: str  # how findings name the oracle: "differs from OpenAI's API: …"
    file: str
    error_schema: str  # the schema every non-2xx JSON body must match
    done_required: bool  # whether a stream must end with data: [DONE]
    note: str = ""  # where a rule comes from when the schema does not say it


PROFILES = {
    "openai": Profile("openai", "OpenAI's API", "openai.json", "#/components/schemas/ErrorResponse", False),
    # Open Responses declares only 200; its prose specification gives errors as {"error": <ErrorPayload>}
    # and requires the stream to end with [DONE].
    "openresponses": Profile(
        "openresponses",
        "the Open Responses spec",
        "openresponses.json",
        f"#/components/schemas/{ENVELOPE}",
        True,
        note=f"{ENVELOPE} = {{error: ErrorPayload}}, from the specification's prose",
    ),
}
ALLOWED = ", ".join([*PROFILES, NONE]) + ", or a path to an OpenAPI 3.x JSON/YAML file"


@dataclass(frozen=True)
class ReferenceMatch:
    operation: Operation
    key: str  # the reference's own key, e.g. "POST /responses"


class Reference:
    def __init__(self, profile: Profile, spec: ApiSpec) -> None:
        self.profile = profile
        self.spec = spec
        self._events: dict[str, dict[str, str]] = {}

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def label(self) -> str:
        return self.profile.label

    def match(self, method: str, url: str) -> ReferenceMatch | None:
        """The reference's operation for a request (its ``servers`` base path, e.g. ``/v1``, is allowed)."""
        operation = self.spec.find_operation(method, url)
        return ReferenceMatch(operation, operation.key) if operation is not None else None

    def event_schemas(self, operation: Operation) -> dict[str, str]:
        """``type`` constant → schema pointer, for the operation's ``text/event-stream`` union."""
        if operation.key not in self._events:
            self._events[operation.key] = _index_events(self.spec, operation)
        return self._events[operation.key]

    def event_schema(self, found: ReferenceMatch, event_type: str) -> str | None:
        return self.event_schemas(found.operation).get(event_type)

    def __repr__(self) -> str:
        return f"Reference({self.name!r}, {len(self.spec.operations)} operations)"


def load_reference(name: str) -> Reference | None:
    """The reference ``name`` names (``none`` → None); a path is read as an OpenAPI file. Cached."""
    if name is None or name.strip().lower() == NONE:
        return None
    key = name.strip()
    if key in PROFILES:
        return _shipped(key)
    path = Path(key).expanduser()
    if not path.is_file():
        raise UsageError(
            "--reference: not a known reference and no such file",
            value=name,
            allowed=ALLOWED,
            fix="use --reference=openai (default), --reference=openresponses, --reference=none, "
            "or give the path of an OpenAPI document",
        )
    return _from_file(str(path.resolve()), path.stat().st_mtime_ns)


@functools.cache
def _shipped(name: str) -> Reference:
    profile = PROFILES[name]
    path = SHIPPED / profile.file
    doc = json.loads(path.read_text(encoding="utf-8"))
    if name == "openresponses":
        doc["components"]["schemas"][ENVELOPE] = {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"$ref": "#/components/schemas/ErrorPayload"}},
        }
    return Reference(profile, ApiSpec.from_dict(normalise(doc), source=f"{profile.label} ({path.name})"))


@functools.cache
def _from_file(path: str, mtime: int) -> Reference:
    from .spec import load_api_spec

    spec = load_api_spec(path)  # SpecError for a file that is not OpenAPI 3.x, as for --spec
    doc = normalise(spec.doc)
    has_error = refs.exists(doc, "#/components/schemas/ErrorResponse")
    profile = Profile(
        f"file:{Path(path).name}",
        f"the reference {Path(path).name}",
        path,
        "#/components/schemas/ErrorResponse" if has_error else "",
        False,
    )
    return Reference(profile, ApiSpec.from_dict(doc, source=path))


def normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with ``nullable`` leftovers as null types and query-carrying path keys dropped."""
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        return doc  # ApiSpec.from_dict says what is wrong
    out: dict[str, Any] = _nullable(doc)
    out["paths"] = {path: item for path, item in out["paths"].items() if "?" not in path}
    return out


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    flag = node.get("nullable")
    if not isinstance(flag, bool):
        return node
    del node["nullable"]
    if not flag:
        return node
    return {"anyOf": [node, {"type": "null"}]} if _needs_wrap(node) else _add_null(node)


def _index_events(spec: ApiSpec, operation: Operation) -> dict[str, str]:
    response = operation.response_for(200)
    media = response.media("text/event-stream") if response is not None else None
    if media is None or media.schema is None:
        return {}
    union, _, _ = spec.resolver.deref(refs.lookup(spec.doc, media.schema))
    variants = (union or {}).get("oneOf") or (union or {}).get("anyOf") or []
    index: dict[str, str] = {}
    for variant in variants:
        ref = variant.get("$ref") if isinstance(variant, dict) else None
        schema = spec.resolver.deref(variant)[0] if ref else None
        prop = (schema or {}).get("properties", {}).get("type") if isinstance(schema, dict) else None
        if not (isinstance(ref, str) and isinstance(prop, dict)):
            continue
        tags = [prop["const"]] if "const" in prop else prop.get("enum") or []
        for tag in tags:
            index.setdefault(str(tag), ref)
    return index


def check_reference_option(value: str | None) -> str | None:
    """The option's value, validated (the file is read now, so a bad one fails at configure time)."""
    if value is None:
        return None
    try:
        load_reference(value)
    except SpecError as error:
        raise SpecError(
            f"--reference: {error.message}",
            value=value if error.value is None else error.value,
            allowed=error.allowed,
            fix=f"{error.fix}; or use a shipped reference: --reference=openai|openresponses|none",
        ) from None
    return None if value.strip().lower() == NONE else value.strip()
