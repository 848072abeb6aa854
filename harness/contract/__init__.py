"""Contract checks: every response against the app's OpenAPI document, SSE streams from the raw
bytes, Responses-stream grammar, delete semantics and error formats. Imports only ``harness.core``.

    spec = load_api_spec("openapi.json")                    # or ApiSpec.from_dict(doc)
    failures = check_exchange(spec, exchange, deviations=Deviations.load("my-deviations.yaml"),
                              options=CheckOptions(target="ogx-1.5.0"))
    failures += verify_deletion(client, spec, collection_path="/v1/conversations", item_id="conv_1")
    spec.spec_failures()                                    # once per run: dangling $refs, invalid schemas
    check_exchange(spec, exchange, options=CheckOptions(reference="openai"))  # and against OpenAI's API
"""

from . import checks as _checks  # noqa: F401 - registers every check
from .checks.errors import mixed_across_parts
from .context import CheckContext, StreamView, exchange_from_httpx
from .deletion import DeletionScenario, averify_deletion, verify_deletion
from .deviations import Deviation, Deviations
from .families import ResourceFamily, resource_families
from .options import CheckOptions
from .reference import Reference, load_reference
from .runner import check_exchange
from .session import CheckSession, ErrorSample
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
    "check_exchange",
    "exchange_from_httpx",
    "load_api_spec",
    "load_reference",
    "mixed_across_parts",
    "parse_sse",
    "resource_families",
    "verify_deletion",
]
