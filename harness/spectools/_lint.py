"""Running the lint rules over one document and applying the reviewed suppressions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.core.errors import UsageError

from . import _rule_discriminator, _rule_enums, _rule_overlap, _rule_refs, _rule_unions  # noqa: F401 - they register their families
from ._context import LintContext
from ._load import Spec, load_spec
from ._model import Finding
from ._rules import FAMILIES, RULES
from ._suppressions import Suppression, Suppressions, load_suppressions, partition


@dataclass
class LintReport:
    spec: Spec
    findings: list[Finding]
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    unused: list[Suppression] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity.value == severity)

    @property
    def failed(self) -> bool:
        return self.count("error") > 0


def lint_report(
    spec: Spec | dict | str | Path,
    suppressions: Suppressions | str | Path | list | dict | None = None,
    rules: Iterable[str] | None = None,
) -> LintReport:
    spec = load_spec(spec)
    accepted = load_suppressions(suppressions)
    wanted = _wanted(rules)
    ctx = LintContext(spec)
    everything: list[Finding] = []
    for rule_ids, run in FAMILIES:
        if wanted.isdisjoint(rule_ids):
            continue
        everything.extend(f for f in run(ctx) if f.rule in wanted)
    everything.sort(key=Finding.sort_key)
    split = partition(everything, accepted)
    unused = [e for e in split.unused if e.rule is None or e.rule in wanted or "*" in e.rule]
    return LintReport(spec, split.kept, split.suppressed, unused, ctx.stats)


def lint(
    spec: Spec | dict | str | Path,
    suppressions: Suppressions | str | Path | list | dict | None = None,
    rules: Iterable[str] | None = None,
) -> list[Finding]:
    """Findings not suppressed, most severe first."""
    return lint_report(spec, suppressions, rules).findings


def _wanted(rules: Iterable[str] | None) -> set[str]:
    if rules is None:
        return set(RULES)
    wanted = set(rules)
    unknown = wanted - set(RULES)
    if unknown:
        raise UsageError(
            f"unknown lint rule {sorted(unknown)[0]!r}",
            value=sorted(unknown),
            allowed=", ".join(sorted(RULES)),
            fix="use one of the listed rule ids",
        )
    return wanted
