"""User-facing output pinned by snapshots. After an intended wording change, regenerate with
``UPDATE_SNAPSHOTS=1 pytest tests/spec/test_snapshots.py`` and review the diff like code."""

import os
from pathlib import Path

from harness.spectools import changes_text, diff, lint_report, lint_text, load_suppressions, partition

from .helpers import AFTER, BEFORE

SNAPSHOTS = Path(__file__).parent / "snapshots"


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text + "\n")
    assert text + "\n" == path.read_text(), f"{name} changed; review and regenerate with UPDATE_SNAPSHOTS=1"


def test_pr4342_diff_text():
    split = partition(diff(BEFORE, AFTER), load_suppressions(None))
    check("pr4342-diff.txt", changes_text(BEFORE.name, AFTER.name, split))


def test_pr4342_before_lint_errors_text():
    report = lint_report(BEFORE, rules=["union-duplicate-variant"])
    report.spec = report.spec.__class__(report.spec.doc, BEFORE.name, report.spec.openapi)
    check("pr4342-before-duplicates.txt", lint_text(report))
