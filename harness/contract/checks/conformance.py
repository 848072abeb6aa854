"""Schema conformance of every response: operation and status declared, content type declared,
JSON body valid against the declared schema (discriminated unions resolved by their tag)."""

from __future__ import annotations

from harness.core.exchange import Exchange
from harness.core.failure import CheckSkipped, Evidence

from ..context import CheckContext
from ..kinds import exchange_check
from ._schema import declared_media, is_json, parse_json, schema_evidence, title_for


@exchange_check
def operation_declared(ctx: CheckContext, exchange: Exchange) -> None:
    """The request's method and path match an operation of the spec."""
    if ctx.operation is None:
        request = exchange.request
        raise ctx.failure(
            f"{request.method.upper()} {request.url} matches no operation of the spec",
            Evidence(
                "spec",
                f"{ctx.spec.source}: {len(ctx.spec.operations)} operations; none has this method and path",
            ),
        )


@exchange_check
def status_code_declared(ctx: CheckContext, exchange: Exchange) -> None:
    """The status code is declared for the operation (or covered by a resolvable ``default``/``4XX``)."""
    op = ctx.operation
    if op is None:
        raise CheckSkipped("no operation")
    status = exchange.response.status
    declared = op.response_for(status)
    if declared is not None and (declared.status != "default" or not declared.dangling):
        return
    listed = ", ".join(op.declared_statuses()) or "none"
    title = f"status {status} is not declared for {op.key} (declared: {listed})"
    evidence = []
    if declared is not None:
        title += f"; `default` points to the missing {declared.dangling}, so it documents nothing"
        evidence.append(
            Evidence("schema location", f"{op.key} responses.default → {declared.dangling} (dangling)")
        )
    raise ctx.failure(title, *evidence)


@exchange_check
def content_type_declared(ctx: CheckContext, exchange: Exchange) -> None:
    """A response with a body has a content type the spec declares for its status."""
    declared = ctx.declared
    response = exchange.response
    if declared is None or declared.dangling or not declared.content or not response.body:
        raise CheckSkipped("nothing declared to compare with")
    if not response.content_type:
        raise ctx.failure("the response has a body but no Content-Type header")
    if declared.media(response.content_type) is None:
        raise ctx.failure(
            f"content type {response.content_type} is not declared for {response.status} "
            f"(declared: {', '.join(declared.content)})",
        )


@exchange_check
def response_schema(ctx: CheckContext, exchange: Exchange) -> None:
    """A successful JSON body is valid against the declared schema."""
    response = exchange.response
    if response.status >= 400 or not is_json(response.content_type) or not response.body:
        raise CheckSkipped("not a JSON success body")
    media = declared_media(ctx)
    errors = ctx.spec.validate(media.schema_at, parse_json(ctx))
    if errors:
        raise ctx.failure(
            title_for(errors, f"the {response.status} body"),
            schema_evidence(errors, media),
        )


@exchange_check
def not_a_server_error(ctx: CheckContext, exchange: Exchange) -> None:
    """The app does not answer 5xx (declared or not: a 5xx is a bug or a broken dependency)."""
    status = exchange.response.status
    if status >= 500:
        request = exchange.request
        raise ctx.failure(f"server error {status} from {request.method.upper()} {request.url}")
