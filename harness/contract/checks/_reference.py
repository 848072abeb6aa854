"""Shared by the reference checks: the reference and its operation for this exchange, and findings that
say which oracle they come from, with the reference's schema path as evidence."""

from __future__ import annotations

from harness.core.failure import CheckFailure, CheckSkipped, Evidence

from ..context import CheckContext
from ..reference import Reference, ReferenceMatch


def reference_of(ctx: CheckContext) -> tuple[Reference, ReferenceMatch]:
    """``(reference, match)`` for this exchange, or CheckSkipped when the reference is off or lacks the route
    (counted as "not covered by the reference", never a finding)."""
    if ctx.reference is None:
        raise CheckSkipped("no reference oracle")
    if ctx.reference_match is None:
        raise CheckSkipped("not covered by the reference")
    return ctx.reference, ctx.reference_match


def reference_failure(
    ctx: CheckContext,
    title: str,
    pointer: str,
    *evidence: Evidence,
    with_response: bool = True,
    noted: bool = False,
) -> CheckFailure:
    """``noted``: the rule comes from the reference's prose, not its schema (the profile's note says where)."""
    reference, match = reference_of(ctx)
    where = f"{pointer} in {reference.spec.source}, operation {match.key}"
    if noted and reference.profile.note:
        where += f" ({reference.profile.note})"
    return ctx.failure(
        f"differs from {reference.label}: {title}",
        *evidence,
        Evidence("reference schema location", where),
        with_response=with_response,
    )
