"""Error responses: a 4xx/5xx body matches the error schema the spec declares for that status, and
the app does not mix error formats (e.g. ``{"detail": …}`` for 404 and ``{"error": {…}}`` for 400)."""

from __future__ import annotations

from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure, CheckSkipped, Evidence

from ..context import CheckContext, excerpt
from ..error_formats import ErrorFormats, ErrorSample, error_shape
from ..kinds import exchange_check
from ..session import CheckSession
from ._schema import declared_media, is_json, parse_json, schema_evidence, title_for


@exchange_check
def error_schema(ctx: CheckContext, exchange: Exchange) -> None:
    """A 4xx/5xx JSON body is valid against the error schema declared for its status."""
    response = exchange.response
    if response.status < 400 or not response.body:
        raise CheckSkipped("not an error body")
    if not is_json(response.content_type):
        raise CheckSkipped("not JSON (content_type_declared judges the content type)")
    media = declared_media(ctx)
    errors = ctx.spec.validate(media.schema_at, parse_json(ctx))
    if errors:
        raise ctx.failure(
            title_for(errors, f"the {response.status} error body"),
            schema_evidence(errors, media),
        )


@exchange_check.remembering(ErrorFormats)
def error_format_consistent(ctx: CheckContext, exchange: Exchange, seen: ErrorFormats) -> None:
    """Every error response of the app uses one format (remembered across the run)."""
    response = exchange.response
    if response.status < 400 or not response.body:
        raise CheckSkipped("not an error body")
    sample = ErrorSample(
        error_shape(response.body, response.content_type),
        int(response.status),  # plain data: pytest-xdist carries the samples to the controller
        ctx.operation_key or exchange.request.url,
        excerpt(response.body, 300),
        exchange.request.curl(),
        exchange.test,
    )
    first = seen.observe(sample)
    if first is not None:
        raise ctx.failure(_mixed_title(first, sample), _earlier(first))


def seen_error_formats(session: CheckSession) -> ErrorFormats:
    """The error formats ``error_format_consistent`` has seen in the run ``session`` belongs to."""
    seen = session.states.get(error_format_consistent.__name__)
    return seen if isinstance(seen, ErrorFormats) else ErrorFormats()


def _mixed_title(first: ErrorSample, sample: ErrorSample) -> str:
    return (
        f"mixed error formats: {sample.status} from {sample.operation} answered {sample.shape}, "
        f"but {first.status} from {first.operation} answered {first.shape}"
    )


def _earlier(first: ErrorSample, label: str = "earlier error") -> Evidence:
    return Evidence(f"{label} ({first.status}, {first.operation})", f"{first.excerpt}\n{first.curl}")


def mixed_across_parts(parts: list[list[ErrorSample]], reported: set[frozenset[str]]) -> list[CheckFailure]:
    """Under pytest-xdist each worker remembers only the error formats it saw, so a 404 ``{"detail": …}``
    on one worker and a 400 ``{"error": {…}}`` on another are never compared. Given every worker's
    samples (in worker order) and the shape pairs the workers already reported, the findings a serial
    run would also have made (:meth:`ErrorFormats.combined`, the comparison the check makes)."""
    found = ErrorFormats.combined((sample for samples in parts for sample in samples), reported)
    return [
        CheckFailure(
            check=error_format_consistent.__name__,
            title=_mixed_title(first, sample),
            evidence=(
                _earlier(first, "one error"),
                _earlier(sample, "another error"),
                Evidence(
                    "seen by",
                    f"{first.test or '?'} and {sample.test or '?'}, on different pytest-xdist workers",
                ),
            ),
            reproduce=f"{first.curl}\n{sample.curl}",
            operation=sample.operation,
            status=sample.status,
        )
        for first, sample in found
    ]
