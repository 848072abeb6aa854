"""The document itself: every ``$ref`` resolves, every schema is valid JSON Schema. Reported once per
run (``spec.spec_failures()``), not per exchange."""

from __future__ import annotations

import json
import shlex

from harness.core.failure import CheckFailure, Evidence
from harness.core.registry import checks

from ..refs import tokens

SHOWN_LOCATIONS = 3


@checks.register("spec_refs_resolve", kind="spec")
def spec_refs_resolve(ctx, spec) -> None:
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
    raise CheckFailure(
        check="spec_refs_resolve",
        title=f"{len(dangling)} $ref(s) in {spec.source} point to nothing ({uses} uses); "
        "what they describe cannot be checked",
        evidence=(Evidence("dangling references", "\n".join(lines)),),
        reproduce=_jq(sorted(dangling)[0], spec.source),
    )


def _jq(ref: str, source: str) -> str | None:
    if not (ref.startswith("#/") and source.endswith(".json")):
        return None
    path = "".join(f"[{json.dumps(token)}]" for token in tokens(ref))
    return f"jq '.{path}' {shlex.quote(source)}   # prints null: the entry does not exist"


@checks.register("spec_schemas_valid", kind="spec")
def spec_schemas_valid(ctx, spec) -> None:
    """Every schema in the document is valid JSON Schema (invalid keywords are dropped, and reported here)."""
    spec.validator.compile_all()
    invalid = spec.validator.invalid
    if invalid:
        lines = [f"{i.location}: {i.problem}" for i in invalid[:20]]
        if len(invalid) > 20:
            lines.append(f"… {len(invalid)} in all")
        raise CheckFailure(
            check="spec_schemas_valid",
            title=f"{len(invalid)} keyword(s) in {spec.source} are not valid JSON Schema "
            f"(OpenAPI {spec.version}); they are ignored while validating",
            evidence=(Evidence("invalid keywords", "\n".join(lines)),),
        )


def spec_failures(
    spec, names: tuple[str, ...] = ("spec_refs_resolve", "spec_schemas_valid")
) -> list[CheckFailure]:
    failures = []
    for name in names:
        try:
            checks.get(name).func(None, spec)
        except CheckFailure as failure:
            failures.append(failure)
    return failures
