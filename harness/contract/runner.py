"""``check_exchange``: every registered ``response`` check on one exchange, and every ``stream`` check
when the body is an SSE stream."""

from __future__ import annotations

import traceback
from typing import Any

from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure, Evidence
from harness.core.registry import checks

from .context import CheckContext, StreamView
from .deviations import Deviations
from .options import CheckOptions
from .session import CheckSession
from .spec import ApiSpec

SSE = "text/event-stream"


def check_exchange(
    spec: ApiSpec,
    exchange: Exchange,
    *,
    deviations: Deviations | None = None,
    options: CheckOptions | None = None,
    session: CheckSession | None = None,
) -> list[CheckFailure]:
    """All findings about one request/response pair.

    The operation is ``exchange.operation`` (a key such as ``"POST /v1/responses"``) when set, else
    the one the method and URL match. ``session`` remembers things across exchanges (error formats
    seen, checks skipped and why); by default the spec's own ``spec.session``. Failures a deviation
    declares get ``expected_reason`` and stay in the list. Dangling ``$ref``s are not repeated here:
    report ``spec.spec_failures()`` once per run."""
    options = options or CheckOptions()
    session = session if session is not None else spec.session
    operation = spec.operation(exchange.operation) if exchange.operation else None
    if operation is None:
        operation = spec.find_operation(exchange.request.method, exchange.request.url)
    ctx = CheckContext(spec, options, session, exchange, operation)
    failures = run_checks(ctx, exchange, "response")
    if exchange.response.content_type == SSE:
        failures += run_checks(ctx, StreamView.from_body(exchange.response.body), "stream")
    if deviations is not None:
        deviations.apply(failures, options.target)
    return failures


def run_checks(ctx: CheckContext, subject: Any, kind: str) -> list[CheckFailure]:
    """Run the registered checks of ``kind``; a check that crashes is a finding, not a crash."""

    def crashed(name: str, error: Exception) -> CheckFailure:
        return ctx.failure(
            name,
            f"the check itself crashed: {type(error).__name__}: {error} (a harness bug; please report it)",
            Evidence("traceback", "".join(traceback.format_exception(error)[-6:])),
        )

    def outcome(name: str, result: str) -> None:
        ctx.session.note_outcome(ctx.operation_key, name, result)

    return checks.run(ctx, subject, kind=kind, skip=ctx.options.skip, on_crash=crashed, on_outcome=outcome)
