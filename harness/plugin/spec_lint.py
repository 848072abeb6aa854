"""Spec lint rules as pytest items (``pytest11`` entry point ``harness_spec``).

    pytest --spec-lint=docs/openapi.yaml [--spec-lint=other.json] [--spec-lint-suppressions=FILE]

adds one test item per lint rule per spec (``openapi.yaml::union-duplicate-variant``). An item fails when
its rule finds something at error severity (``--spec-lint-fail-on=warning`` makes warnings fail too);
other warnings are reported as :class:`SpecLintWarning`. The spec is read at collection time, so a
missing or malformed file is a usage error, and linted once per session. Without ``--spec-lint`` the
plugin adds nothing and imports nothing heavy.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from harness.core.errors import HarnessError

FAIL_ON = ("error", "warning")
_REPORTS = pytest.StashKey[dict]()


class SpecLintWarning(UserWarning):
    """A lint finding below the failing severity."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness-spec", "OpenAPI spec lint (harness spec lint as pytest items)")
    group.addoption(
        "--spec-lint",
        action="append",
        default=[],
        metavar="PATH",
        dest="spec_lint",
        help="lint this OpenAPI spec: one test item per rule (repeatable)",
    )
    group.addoption(
        "--spec-lint-suppressions",
        default=None,
        metavar="PATH",
        dest="spec_lint_suppressions",
        help="reviewed YAML file of accepted findings, matched by JSON pointer",
    )
    group.addoption(
        "--spec-lint-fail-on",
        default="error",
        choices=FAIL_ON,
        dest="spec_lint_fail_on",
        help="lowest severity that fails an item (default: error)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "spec_lint: one lint rule run over an OpenAPI spec (added by --spec-lint)"
    )
    config.stash[_REPORTS] = {}


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so those select lint items too
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    paths = config.getoption("spec_lint") or []
    if not paths:
        return
    from harness.spectools import RULES, load_spec, load_suppressions

    try:
        suppressions = load_suppressions(config.getoption("spec_lint_suppressions"))
        specs = [load_spec(Path(p)) for p in paths]
    except HarnessError as error:
        raise pytest.UsageError(f"--spec-lint: {error.render()}") from None
    for spec in specs:
        path = Path(spec.source).resolve()
        parent = SpecLintFile.from_parent(session, path=path, nodeid=_nodeid(config, path))
        parent.spec, parent.suppressions = spec, suppressions
        added = []
        for rule in RULES:
            item = SpecLintItem.from_parent(parent, name=rule)
            item.add_marker("spec_lint")
            added.append(item)
        items.extend(added)
        # the terminal counts "collected N items" from collect reports; these items bypass the file walk
        collected: list[pytest.Item | pytest.Collector] = list(added)
        config.hook.pytest_collectreport(
            report=pytest.CollectReport(parent.nodeid, "passed", None, collected)
        )


class SpecLintFile(pytest.File):
    spec: Any = None
    suppressions: Any = None

    def collect(self):  # items are added by pytest_collection_modifyitems, never by walking the file
        return []


class SpecLintItem(pytest.Item):
    def runtest(self) -> None:
        from harness.core.failure import CheckFailure, Evidence

        parent: SpecLintFile = self.parent  # type: ignore[assignment]  # a rule's item is made under its file
        report = self._report(parent)
        mine = [f for f in report.findings if f.rule == self.name]
        worst_allowed = FAIL_ON.index(self.config.getoption("spec_lint_fail_on"))
        failing = [f for f in mine if f.severity.value in FAIL_ON[: worst_allowed + 1]]
        below = [f for f in mine if f not in failing and f.severity.value == "warning"]
        if below:  # one warning per item, not per finding: the CLI lists them all
            more = (
                f" (and {len(below) - 1} more; list them with: harness spec lint {parent.spec.source} --rule {self.name} --all)"
                if len(below) > 1
                else ""
            )
            warnings.warn(
                SpecLintWarning(f"{self.name} at {below[0].pointer}: {below[0].message}{more}"), stacklevel=1
            )
        if failing:
            raise CheckFailure(
                check=f"spec-lint.{self.name}",
                title=f"{len(failing)} finding(s) in {parent.path.name}: {failing[0].message}",
                evidence=tuple(Evidence(f.pointer, _evidence(f)) for f in failing),
                reproduce=f"harness spec lint {parent.spec.source} --rule {self.name}",
                severity=failing[0].severity,
            )

    def _report(self, parent: SpecLintFile):
        from harness.spectools import lint_report

        cache = self.config.stash[_REPORTS]
        key = str(parent.path)
        if key not in cache:
            cache[key] = lint_report(parent.spec, parent.suppressions)
        return cache[key]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None):
        from harness.core.failure import CheckFailure

        if isinstance(excinfo.value, CheckFailure):
            return excinfo.value.render()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"spec-lint {self.name} over {self.path.name}"


def _evidence(finding) -> str:
    lines = [finding.message]
    lines += [f"  {e}" for e in finding.evidence]
    if finding.example is not None:
        import json

        lines.append(f"  example instance: {json.dumps(finding.example, sort_keys=True)}")
    lines.append(f"fix: {finding.hint}")
    return "\n".join(lines)


def _nodeid(config: pytest.Config, path: Path) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return path.as_posix()
