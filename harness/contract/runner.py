"""``check_exchange``: every registered ``response`` check on one exchange, and every ``stream`` check
when the body is an SSE stream; ``check_document``: the ``spec`` checks, once per run."""

from __future__ import annotations

import dataclasses
import traceback
from urllib.parse import urlsplit

from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure, Evidence
from harness.core.registry import Kind, checks

from .context import CheckContext, StreamView
from .deviations import Deviations
from .kinds import document_check, exchange_check, stream_check
from .options import CheckOptions
from .reference import load_reference
from .session import CheckSession
from .spec import ApiSpec

SSE = "text/event-stream"
OWN_SPEC = "differs from its own spec: "
OWN_SPEC_CHECKS = frozenset(
    {"status_code_declared", "content_type_declared", "response_schema", "error_schema", "sse_event_schema"}
)


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
    the one the method and URL match. ``session`` is the run's: what it remembers across exchanges
    (error formats seen, checks skipped and why); without one, the exchange is judged alone. Failures a
    deviation declares come back as expected failures (``expected_reason``), in their place. Dangling
    ``$ref``s are not repeated here: report :func:`check_document` once per run."""
    options = options or CheckOptions()
    session = session if session is not None else CheckSession()
    operation = spec.operation(exchange.operation) if exchange.operation else None
    if operation is None:
        operation = spec.find_operation(exchange.request.method, exchange.request.url)
    ctx = CheckContext(spec, options, session, exchange, operation)
    _consult_reference(ctx)
    failures = run_checks(ctx, exchange_check, exchange)
    if exchange.response.content_type == SSE:
        failures += run_checks(ctx, stream_check, StreamView.from_body(exchange.response.body))
    if ctx.reference is not None:
        failures = [_own_spec(f) for f in failures]
    return deviations.apply(failures, options.target) if deviations is not None else failures


def check_document(
    spec: ApiSpec,
    *,
    deviations: Deviations | None = None,
    options: CheckOptions | None = None,
    session: CheckSession | None = None,
) -> list[CheckFailure]:
    """Findings about the document itself: dangling ``$ref``s (``spec_refs_resolve``) and schemas that
    are not valid JSON Schema (``spec_schemas_valid``). Report them once per run; :func:`check_exchange`
    does not repeat them."""
    options = options or CheckOptions()
    ctx = CheckContext(spec, options, session if session is not None else CheckSession())
    failures = checks.run(document_check, spec, ctx.for_check, states=ctx.session.states, skip=options.skip)
    return deviations.apply(failures, options.target) if deviations is not None else failures


def _consult_reference(ctx: CheckContext) -> None:
    """Find the reference's operation for the exchange; a route the reference lacks is only counted."""
    ctx.reference = load_reference(ctx.options.reference) if ctx.options.reference else None
    if ctx.reference is None:
        return
    assert ctx.exchange is not None  # the reference judges exchanges
    request = ctx.exchange.request
    ctx.reference_match = ctx.reference.match(request.method, request.url)
    route = ctx.operation_key or f"{request.method.upper()} {urlsplit(request.url).path}"
    ctx.session.reference_routes[(route, ctx.reference_match.key if ctx.reference_match else "")] += 1


def _own_spec(failure: CheckFailure) -> CheckFailure:
    """With a reference on, say which oracle a schema finding comes from."""
    if failure.check not in OWN_SPEC_CHECKS or failure.title.startswith(OWN_SPEC):
        return failure
    return dataclasses.replace(failure, title=OWN_SPEC + failure.title)


def run_checks[S](ctx: CheckContext, kind: Kind[CheckContext, S], subject: S) -> list[CheckFailure]:
    """Run the registered checks of ``kind``; a check that crashes is a finding, not a crash."""

    def crashed(name: str, error: Exception) -> CheckFailure:
        return ctx.for_check(name).failure(
            f"the check itself crashed: {type(error).__name__}: {error} (a harness bug; please report it)",
            Evidence("traceback", "".join(traceback.format_exception(error)[-6:])),
        )

    def outcome(name: str, result: str) -> None:
        ctx.session.note_outcome(ctx.operation_key, name, result)

    return checks.run(
        kind,
        subject,
        ctx.for_check,
        states=ctx.session.states,
        skip=ctx.options.skip,
        on_crash=crashed,
        on_outcome=outcome,
    )
