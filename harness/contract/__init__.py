"""Contract checks: every response against the app's OpenAPI document, SSE streams from the raw
bytes, Responses-stream grammar, delete semantics and error formats. Imports only ``harness.core``.

    spec = load_api_spec("openapi.json")                    # or ApiSpec.from_dict(doc)
    failures = check_exchange(spec, exchange, deviations=Deviations.load("my-deviations.yaml"),
                              options=CheckOptions(target="ogx-1.5.0"))
    failures += verify_deletion(client, spec, collection_path="/v1/conversations", item_id="conv_1")
    failures += check_document(spec)                        # once per run: dangling $refs, invalid schemas
    check_exchange(spec, exchange, options=CheckOptions(reference="openai"))  # and against OpenAI's API
"""

from . import checks as _checks  # noqa: F401 - registers every check
from .checks.errors import mixed_across_parts, seen_error_formats
from .context import CheckContext, StreamView, exchange_from_httpx
from .deletion import DeletionScenario, averify_deletion, verify_deletion
from .deviations import Deviation, Deviations
from .error_formats import ErrorFormats, ErrorSample
from .families import ResourceFamily, resource_families
from .kinds import document_check, exchange_check, scenario_check, stream_check
from .options import CheckOptions
from .reference import Reference, load_reference
from .runner import check_document, check_exchange
from .session import CheckSession
from .spec import ApiSpec, MediaSpec, Operation, ResponseSpec, load_api_spec
from .sse import SseEvent, SseEvents, SseParser, WireProblem, parse_sse
from .validation import SchemaError

__all__ = [
    "ApiSpec",
    "CheckContext",
    "CheckOptions",
    "CheckSession",
    "DeletionScenario",
    "Deviation",
    "Deviations",
    "ErrorFormats",
    "ErrorSample",
    "MediaSpec",
    "Operation",
    "Reference",
    "ResourceFamily",
    "ResponseSpec",
    "SchemaError",
    "SseEvent",
    "SseEvents",
    "SseParser",
    "StreamView",
    "WireProblem",
    "averify_deletion",
    "check_document",
    "check_exchange",
    "document_check",
    "exchange_check",
    "exchange_from_httpx",
    "load_api_spec",
    "load_reference",
    "mixed_across_parts",
    "parse_sse",
    "resource_families",
    "scenario_check",
    "seen_error_formats",
    "stream_check",
    "verify_deletion",
]
