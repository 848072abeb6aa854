"""The lint rules: one table of ids, default severities and summaries. Each rule family (a module) checks
one topic and yields findings for its rules. Every rule is also entered in the harness's one check
registry (kind ``spec-lint``) so that listings of checks include them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from harness.core.failure import CheckFailure, Evidence, Severity
from harness.core.registry import checks

from ._model import Finding

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - initials, so rule tables read as columns


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # default; union-overlap is an error for oneOf and a warning for anyOf
    summary: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        Rule("ref-unresolvable", E, "a $ref points at nothing in the document"),
        Rule("ref-cycle", E, "$refs that only point at each other (A → B → A): the schema never resolves"),
        Rule("ref-external", I, "a $ref points outside the document; these tools do not follow it"),
        Rule("union-no-discriminator", W, "a union with several object variants and no discriminator"),
        Rule(
            "union-duplicate-variant",
            E,
            "the same schema appears twice in a union once nested unions are flattened",
        ),
        Rule(
            "union-equivalent-variants",
            W,
            "two differently named variants of a union have the same structure",
        ),
        Rule("union-overlap", E, "an instance built from one variant also validates under another"),
        Rule("discriminator-property-missing", E, "a union variant lacks the discriminator property"),
        Rule(
            "discriminator-property-not-required",
            W,
            "a union variant does not require the discriminator property",
        ),
        Rule(
            "discriminator-value-not-fixed",
            W,
            "a union variant does not fix the discriminator property to one value",
        ),
        Rule(
            "discriminator-mapping-outside-union",
            E,
            "a discriminator mapping entry points at a schema that is not a variant",
        ),
        Rule(
            "discriminator-mapping-missing-variant",
            E,
            "a union variant cannot be reached through the discriminator mapping",
        ),
        Rule("discriminator-mapping-mismatch", E, "a mapping key differs from the value its variant fixes"),
        Rule("discriminator-value-duplicate", E, "two union variants share one discriminator value"),
        Rule("enum-single-member", I, "an enum with a single member"),
    ]
}

FamilyFunc = Callable[[Any], Iterator[Finding]]
FAMILIES: list[tuple[tuple[str, ...], FamilyFunc]] = []


def family(*rule_ids: str) -> Callable[[FamilyFunc], FamilyFunc]:
    """Declare a function that yields findings for ``rule_ids`` (it receives a LintContext)."""
    for rule_id in rule_ids:
        assert rule_id in RULES, rule_id

    def decorate(func: FamilyFunc) -> FamilyFunc:
        FAMILIES.append((rule_ids, func))
        return func

    return decorate


def finding(
    rule_id: str,
    pointer: str,
    message: str,
    hint: str,
    *,
    evidence: tuple[str, ...] = (),
    example: Any = None,
    severity: Severity | None = None,
) -> Finding:
    return Finding(rule_id, severity or RULES[rule_id].severity, pointer, message, hint, evidence, example)


def _as_check(rule: Rule) -> Callable[[Any, Any], None]:
    def check(ctx: Any, spec: Any) -> None:
        from ._lint import lint  # late: _lint imports the families, which import this module

        found = [
            f
            for f in lint(spec, suppressions=getattr(ctx, "suppressions", None), rules=[rule.id])
            if f.severity is not Severity.INFO
        ]
        if found:
            worst = min(found, key=Finding.sort_key)
            raise CheckFailure(
                check=f"spec-lint.{rule.id}",
                title=f"{len(found)} {rule.id} finding(s): {worst.message}",
                evidence=tuple(Evidence(f.pointer, f.message + "\nfix: " + f.hint) for f in found[:20]),
                reproduce=f"harness spec lint {getattr(spec, 'source', '<spec>')} --format json",
                severity=worst.severity,
            )

    check.__doc__ = rule.summary
    return check


checks.kind("spec-lint", "the OpenAPI document, by one lint rule (harness spec lint)")
for _rule in RULES.values():  # generated from the rule table, so each is named for its rule
    checks.add(_as_check(_rule), kind="spec-lint", name=f"spec-lint.{_rule.id}")
