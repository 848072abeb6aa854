"""Error responses: a 4xx/5xx body matches the error schema the spec declares for that status, and
the app does not mix error formats (e.g. ``{"detail": …}`` for 404 and ``{"error": {…}}`` for 400)."""

from __future__ import annotations

import json

from harness.core.failure import CheckFailure, CheckSkipped, Evidence
from harness.core.registry import checks

from ..context import CheckContext, excerpt
from ..session import ErrorSample
from ._schema import declared_media, is_json, parse_json, schema_evidence, title_for


@checks.register("error_schema", kind="response")
def error_schema(ctx: CheckContext, exchange) -> None:
    """A 4xx/5xx JSON body is valid against the error schema declared for its status."""
    response = exchange.response
    if response.status < 400 or not response.body:
        raise CheckSkipped("not an error body")
    if not is_json(response.content_type):
        raise CheckSkipped("not JSON (content_type_declared judges the content type)")
    media = declared_media(ctx, "error_schema")
    errors = ctx.spec.validate(media.schema, parse_json(ctx, "error_schema"))
    if errors:
        raise ctx.failure(
            "error_schema",
            title_for(errors, f"the {response.status} error body"),
            schema_evidence(errors, media),
        )


def error_shape(body: bytes, content_type: str) -> str:
    """A short name for the format of an error body."""
    try:
        value = json.loads(body)
    except ValueError:
        return f"non-JSON ({content_type or 'no content type'})"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}"
    if isinstance(value.get("error"), dict):
        return '{"error": {…}} (OpenAI style)'
    if {"status", "title"} <= value.keys():
        return '{"status", "title", "detail"} (RFC 7807 problem)'
    if "detail" in value:
        return '{"detail": …} (FastAPI default)'
    keys = ", ".join(json.dumps(k) for k in sorted(value)[:5])
    return "{" + keys + "}"


@checks.register("error_format_consistent", kind="response")
def error_format_consistent(ctx: CheckContext, exchange) -> None:
    """Every error response of the app uses one format (remembered across the session)."""
    response = exchange.response
    if response.status < 400 or not response.body:
        raise CheckSkipped("not an error body")
    shape = error_shape(response.body, response.content_type)
    sample = ErrorSample(
        shape,
        int(response.status),  # plain data: pytest-xdist carries the samples to the controller
        ctx.operation_key or exchange.request.url,
        excerpt(response.body, 300),
        exchange.request.curl(),
        exchange.test,
    )
    seen = ctx.session.error_shapes
    if shape in seen:
        return
    seen[shape] = sample
    others = [s for s in seen.values() if s.shape != shape]
    if not others:
        return
    first = others[0]
    pair = frozenset((first.shape, shape))
    if pair in ctx.session.reported_shape_pairs:
        return
    ctx.session.reported_shape_pairs.add(pair)
    raise ctx.failure("error_format_consistent", _mixed_title(first, sample), _earlier(first))


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
    run would also have made: each shape no report mentions, against the first shape of the run."""
    first_of: dict[str, ErrorSample] = {}
    for samples in parts:
        for sample in samples:
            first_of.setdefault(sample.shape, sample)
    if len(first_of) < 2:
        return []
    mentioned = set().union(*reported) if reported else set()
    reference = next(iter(first_of.values()))
    failures = []
    for shape, sample in first_of.items():
        if shape == reference.shape or shape in mentioned:
            continue
        failures.append(
            CheckFailure(
                check="error_format_consistent",
                title=_mixed_title(reference, sample),
                evidence=(
                    _earlier(reference, "one error"),
                    _earlier(sample, "another error"),
                    Evidence(
                        "seen by",
                        f"{reference.test or '?'} and {sample.test or '?'}, on different "
                        "pytest-xdist workers",
                    ),
                ),
                reproduce=f"{reference.curl}\n{sample.curl}",
                operation=sample.operation,
                status=sample.status,
            )
        )
    return failures
