"""Spec tools: lint OpenAPI documents for union and discriminator problems, and diff two versions into
breaking / warning / info changes judged by direction (request vs response).

    from harness.spectools import load_spec, lint, diff, drift
    findings = lint("spec.yaml", suppressions="suites/spec-suppressions.yaml")
    changes = diff("old.yaml", "new.yaml")          # also "git:REF:PATH"
    changes = drift(live_openapi_dict, "committed.yaml")

Layer: imports only harness.core (plus PyYAML and jsonschema-rs).
"""

from ._diff import diff
from ._drift import drift
from ._lint import LintReport, lint, lint_report
from ._load import Spec, load_spec
from ._model import Change, Finding, Impact
from ._render import changes_json, changes_text, lint_json, lint_text
from ._rules import RULES, Rule
from ._suppressions import Partition, Suppression, Suppressions, load_suppressions, partition

__all__ = [
    "Change",
    "Finding",
    "Impact",
    "LintReport",
    "Partition",
    "RULES",
    "Rule",
    "Spec",
    "Suppression",
    "Suppressions",
    "changes_json",
    "changes_text",
    "diff",
    "drift",
    "lint",
    "lint_json",
    "lint_report",
    "lint_text",
    "load_spec",
    "load_suppressions",
    "partition",
]
