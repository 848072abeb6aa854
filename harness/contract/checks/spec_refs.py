"""The document itself: every ``$ref`` resolves. Reported once per run, not per exchange."""

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
        shown = ", ".join(where[:SHOWN_LOCATIONS]) + (f", … ({len(where)} places)" if len(where) > SHOWN_LOCATIONS else "")
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


def dangling_ref_failures(spec) -> list[CheckFailure]:
    try:
        spec_refs_resolve(None, spec)
    except CheckFailure as failure:
        return [failure]
    return []
