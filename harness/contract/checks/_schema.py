"""Shared by the body checks: find the declared schema for an exchange, validate, and describe errors."""

from __future__ import annotations

import json
from typing import Any

from harness.core.failure import CheckSkipped, Evidence

from ..context import CheckContext
from ..spec import MediaSpec
from ..validation import SchemaError

JSON_TYPES = ("application/json",)


def is_json(content_type: str) -> bool:
    return content_type in JSON_TYPES or content_type.endswith("+json")


def declared_media(ctx: CheckContext) -> MediaSpec:
    """The declared media type (with a usable schema) for this response, or CheckSkipped saying why not."""
    declared = ctx.declared
    if declared is None:
        raise CheckSkipped("the status is not declared (status_code_declared reports it)")
    if declared.dangling:
        ctx.skip(f"response {declared.dangling} is a dangling reference (spec_refs_resolve)")
        raise CheckSkipped(declared.dangling)
    media = declared.media(ctx.judged.response.content_type)
    if media is None or media.schema is None:
        raise CheckSkipped("no schema declared for this content type")
    if media.dangling:
        ctx.skip(f"schema {media.dangling} is a dangling reference (spec_refs_resolve)")
        raise CheckSkipped(media.dangling)
    return media


def parse_json(ctx: CheckContext) -> Any:
    body = ctx.judged.response.body
    try:
        return json.loads(body)
    except ValueError as error:
        raise ctx.failure(
            f"the body is not valid JSON although it is sent as {ctx.judged.response.content_type}: {error}",
        ) from None


def schema_evidence(errors: list[SchemaError], media: MediaSpec, limit: int = 8) -> Evidence:
    lines = []
    for error in errors[:limit]:
        lines.append(error.render())
        lines.extend("    " + d for d in error.details)
    if len(errors) > limit:
        lines.append(f"… and {len(errors) - limit} more")
    return Evidence(f"schema errors (against {media.schema_name or media.schema})", "\n".join(lines))


def title_for(errors: list[SchemaError], what: str) -> str:
    first = errors[0]
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    if first.kind == "unknown-tag":
        return f"{what}: {first.message} at {first.instance_path or '(root)'}{more}"
    return f"{what} does not match its schema: {first.render()}{more}"
