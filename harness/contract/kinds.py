"""The kinds of contract check, each typed by the context and the subject its checks take (a check of
the wrong shape is a type error). Decorating a function with one registers it, named after it:

    @exchange_check
    def not_a_server_error(ctx: CheckContext, exchange: Exchange) -> None:
        \"\"\"The app does not answer 5xx.\"\"\"
        if exchange.response.status >= 500:
            raise ctx.failure(f"server error {exchange.response.status}")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.core.exchange import Exchange
from harness.core.registry import Kind, checks

from .context import CheckContext, StreamView
from .spec import ApiSpec

if TYPE_CHECKING:
    from .deletion import DeletionScenario  # which runs the scenario checks, so imports this module

exchange_check: Kind[CheckContext, Exchange] = checks.kind("response", "each exchange (request and response)")
stream_check: Kind[CheckContext, StreamView] = checks.kind("stream", "each SSE response body, parsed once")
scenario_check: Kind[CheckContext, DeletionScenario] = checks.kind(
    "scenario", "a delete scenario: DELETE, then GET, sub-resources, list pages and a second DELETE"
)
document_check: Kind[CheckContext, ApiSpec] = checks.kind("spec", "the OpenAPI document, once per run")
