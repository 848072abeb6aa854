"""Every exchange on a route the reference defines, judged by the reference too: the success status, the
success body, and every error body against the reference's error object (whatever statuses it declares:
OpenAI's document leaves most 4xx undeclared, yet every OpenAI error is ``{"error": {…}}``)."""

from __future__ import annotations

import json
from typing import Any

from harness.core.exchange import Exchange
from harness.core.failure import CheckSkipped

from .. import refs
from ..context import CheckContext
from ..kinds import exchange_check
from ..spec import MediaSpec
from ..validation import SchemaError
from ._reference import reference_failure, reference_of
from ._schema import is_json, schema_evidence, title_for


def _body(ctx: CheckContext) -> Any:
    try:
        return json.loads(ctx.judged.response.body)
    except ValueError:
        raise CheckSkipped("not JSON (sse_json_payload and the own-spec checks report it)") from None


def _errors(ctx: CheckContext, pointer: str, value: Any) -> list[SchemaError]:
    reference, _ = reference_of(ctx)
    return reference.spec.validate(pointer, value)


@exchange_check
def reference_status(ctx: CheckContext, exchange: Exchange) -> None:
    """A success status is one the reference declares for the operation (e.g. 200, not 201)."""
    _, match = reference_of(ctx)
    status = exchange.response.status
    if not 200 <= status < 300:
        raise CheckSkipped("not a success (reference_error_schema judges error bodies)")
    declared = match.operation.response_for(status)
    if declared is None or declared.status == "default":
        success = [s for s in match.operation.declared_statuses() if s.startswith("2")]
        raise reference_failure(
            ctx,
            f"status {status}, where {match.key} answers {', '.join(success) or 'no 2xx'}",
            refs.pointer("paths", match.operation.path, match.operation.method.lower(), "responses"),
        )


@exchange_check
def reference_response_schema(ctx: CheckContext, exchange: Exchange) -> None:
    """A success JSON body is valid against the schema the reference declares for it."""
    _, match = reference_of(ctx)
    response = exchange.response
    if not 200 <= response.status < 300 or not is_json(response.content_type) or not response.body:
        raise CheckSkipped("not a JSON success body")
    declared = match.operation.response_for(response.status)
    media = declared.media(response.content_type) if declared is not None else None
    if media is None or media.schema is None or media.dangling:
        raise CheckSkipped("the reference declares no schema for it")
    errors = _errors(ctx, media.schema, _body(ctx))
    if errors:
        raise reference_failure(
            ctx,
            title_for(errors, f"the {response.status} body ({media.schema_name})"),
            errors[0].schema_location,
            schema_evidence(errors, media),
        )


@exchange_check
def reference_error_schema(ctx: CheckContext, exchange: Exchange) -> None:
    """A 4xx/5xx JSON body is the reference's error object (OpenAI: ``{"error": {message, type, param, code}}``)."""
    reference, _ = reference_of(ctx)
    response = exchange.response
    if response.status < 400 or not response.body or not is_json(response.content_type):
        raise CheckSkipped("not a JSON error body")
    pointer = reference.profile.error_schema
    if not pointer:
        raise CheckSkipped("the reference has no error schema (components.schemas.ErrorResponse)")
    errors = _errors(ctx, pointer, _body(ctx))
    if errors:
        name = pointer.rsplit("/", 1)[-1]
        raise reference_failure(
            ctx,
            title_for(errors, f"the {response.status} error body ({name})"),
            errors[0].schema_location,
            schema_evidence(errors, MediaSpec("application/json", pointer, label=name)),
            noted=True,
        )
