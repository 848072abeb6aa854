"""The document itself: every ``$ref`` resolves, every schema is valid JSON Schema. Reported once per
run (:func:`~harness.contract.runner.check_document`), not per exchange."""

from __future__ import annotations

import json
import shlex

from harness.core.failure import Evidence

from ..context import CheckContext
from ..kinds import document_check
from ..refs import tokens
from ..spec import ApiSpec

SHOWN_LOCATIONS = 3


@document_check
def spec_refs_resolve(ctx: CheckContext, spec: ApiSpec) -> None:
    """Every ``$ref`` in the OpenAPI document points to something (checked once per document)."""
    dangling = spec.dangling_refs
    if not dangling:
        return
    lines = []
    for ref, where in sorted(dangling.items()):
        shown = ", ".join(where[:SHOWN_LOCATIONS]) + (
            f", … ({len(where)} places)" if len(where) > SHOWN_LOCATIONS else ""
        )
        lines.append(f"{ref}\n    used at {shown}")
    uses = sum(len(w) for w in dangling.values())
    raise ctx.failure(
        f"{len(dangling)} $ref(s) in {spec.source} point to nothing ({uses} uses); "
        "what they describe cannot be checked",
        Evidence("dangling references", "\n".join(lines)),
        reproduce_with=_jq(sorted(dangling)[0], spec.source),
    )


def _jq(ref: str, source: str) -> str | None:
    if not (ref.startswith("#/") and source.endswith(".json")):
        return None
    path = "".join(f"[{json.dumps(token)}]" for token in tokens(ref))
    return f"jq '.{path}' {shlex.quote(source)}   # prints null: the entry does not exist"


@document_check
def spec_schemas_valid(ctx: CheckContext, spec: ApiSpec) -> None:
    """Every schema in the document is valid JSON Schema (invalid keywords are dropped, and reported here)."""
    spec.validator.compile_all()
    invalid = spec.validator.invalid
    if invalid:
        lines = [f"{i.location}: {i.problem}" for i in invalid[:20]]
        if len(invalid) > 20:
            lines.append(f"… {len(invalid)} in all")
        raise ctx.failure(
            f"{len(invalid)} keyword(s) in {spec.source} are not valid JSON Schema "
            f"(OpenAPI {spec.version}); they are ignored while validating",
            Evidence("invalid keywords", "\n".join(lines)),
        )
