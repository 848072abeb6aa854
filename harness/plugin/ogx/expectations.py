"""OGX's tests that are known not to pass on the target, each with its cause and reason: applied as strict
expected failures, so a known failure is reported as such, and one that starts passing fails the run
until its entry is removed. The file is reviewed like ``deviations.yaml``."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.core.documents import read_document
from harness.core.errors import UsageError

KNOWN_FAILURES = Path(__file__).with_name("known_failures.yaml")
# The causes a non-passing OGX test is put down to (the adoption issue's classification).
CAUSES = {
    "replay-miss": "a replay miss",
    "ogx-deviation": "a real deviation of OGX 1.5.0",
    "older-than-target": "recordings or test code older than what OGX 1.5.0 sends or needs",
    "harness-lacks": "a feature the harness lacks",
    "harness-bug": "a harness bug",
}


@dataclass(frozen=True)
class KnownFailure:
    test: str  # fnmatch pattern over "<path under tests/integration>::<name>[<params>]"
    cause: str
    reason: str
    source: str
    strict: bool = True  # False only with a written reason (`not_strict:`): the outcome varies between runs

    def matches(self, test_key: str) -> bool:
        return fnmatch.fnmatchcase(test_key, self.test) or fnmatch.fnmatchcase(
            test_key.split("[", 1)[0], self.test
        )


def load(path: Path = KNOWN_FAILURES) -> list[KnownFailure]:
    allowed = "a YAML list of {test, cause, reason}; cause one of " + ", ".join(CAUSES)
    data = read_document(
        path,
        what="the OGX known-failures file",
        error=UsageError,
        allowed=allowed,
        fix="compare it with harness/plugin/ogx/known_failures.yaml",
    )
    entries = []
    for index, item in enumerate(data or []):
        where = f"{path.name}, entry {index + 1}"
        if not isinstance(item, dict) or not {"test", "cause", "reason"} <= set(item) <= {
            "test",
            "cause",
            "reason",
            "not_strict",
        }:
            raise UsageError(
                f"{where}: expected the keys test, cause, reason (and optionally not_strict)",
                value=repr(item),
                allowed=allowed,
                fix="give each entry those keys",
            )
        if item["cause"] not in CAUSES:
            raise UsageError(
                f"{where}: unknown cause",
                value=item["cause"],
                allowed=", ".join(CAUSES),
                fix="pick the cause that explains the failure",
            )
        entries.append(
            KnownFailure(
                str(item["test"]),
                str(item["cause"]),
                str(item["reason"]).strip(),
                where,
                strict="not_strict" not in item,
            )
        )
    return entries


def test_key(item: pytest.Item, integration: Path) -> str:
    path = Path(item.path).resolve()
    relative = path.relative_to(integration).as_posix() if path.is_relative_to(integration) else path.name
    return (
        f"{relative}::{item.name}"
        if "::" not in item.nodeid.split("::", 1)[-1]
        else f"{relative}::{item.nodeid.split('::', 1)[1]}"
    )


def apply(items: list[pytest.Item], integration: Path, known: list[KnownFailure]) -> None:
    for item in items:
        key = test_key(item, integration)
        entry = next((k for k in known if k.matches(key)), None)
        if entry is not None:
            item.add_marker(
                pytest.mark.xfail(
                    reason=f"[{entry.cause}] {entry.reason} ({entry.source})", strict=entry.strict
                )
            )
