"""The end of a run: a short summary (suite × mode: passed / failed / expected failures), JUnit XML, and
a Markdown report listing every contract finding with its evidence."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from . import options as o

_OUTCOMES = pytest.StashKey["dict[tuple[str, str], Counter[str]]"]()
COLUMNS = ("passed", "failed", "xfailed", "xpassed", "skipped", "error")


def suite_of(nodeid: str) -> str:
    """``suites/responses/test_tools.py::test_x`` → ``suites/responses``; other paths → their directory."""
    path = nodeid.split("::")[0]
    parts = path.split("/")
    if parts[0] == "suites" and len(parts) > 2:
        return "/".join(parts[:2])
    return "/".join(parts[:-1]) or path


def _mode(config: pytest.Config) -> str:
    from . import SETTINGS

    return config.stash[SETTINGS].selection.mode


def pytest_configure(config: pytest.Config) -> None:
    outcomes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    config.stash[_OUTCOMES] = outcomes
    config.pluginmanager.register(OutcomeCounter(config), "harness.report.outcomes")


def default_junit_path(config: pytest.Config) -> None:
    """JUnit XML by default when suites run, one file per mode so a matrix's runs do not overwrite each
    other. Called before the junitxml plugin configures itself."""
    from .workers import is_worker

    if getattr(config.option, "xmlpath", None) or is_worker(config) or not _runs_suites(config):
        return
    from harness.targets.registry import select

    from .settings import stacks_search

    try:
        mode = select(o.resolve(config, o.BY_FLAG["--stack-config"]) or "", search=stacks_search(config)).mode
    except Exception:
        return
    config.option.xmlpath = str(
        o.resolve_rooted(config, o.BY_FLAG["--harness-report-dir"]) / f"junit-{mode}.xml"
    )


def _runs_suites(config: pytest.Config) -> bool:
    """Whether the command line names suites (the harness's own tests get no report files)."""
    suites = (Path(config.rootpath) / "suites").resolve()
    for arg in config.invocation_params.args:
        if arg.startswith("-"):
            continue
        path = (Path(config.invocation_params.dir) / arg.split("::")[0]).resolve()
        if path == suites or suites in path.parents:
            return True
    return False


class OutcomeCounter:
    """Counts test outcomes per (suite, mode); registered per config (reports do not carry one)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(trylast=True)  # after pytest's subtests support fails a parent with failed subtests
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = _outcome(report)
        if outcome is not None:
            self.config.stash[_OUTCOMES][(suite_of(report.nodeid), _mode(self.config))][outcome] += 1


def _outcome(report: pytest.TestReport) -> str | None:
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else ("xpassed" if report.passed else None)
    if report.when == "call":
        return report.outcome
    if report.failed:
        return "error"
    if report.skipped and report.when == "setup":
        return "skipped"
    return None


# -- pytest-xdist: each worker runs its own stack; the controller reports on the whole run ----------------


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from . import workers
    from .checking import run_of

    config = session.config
    if workers.is_worker(config) and _STACK_DESCRIBE in config.stash:
        run = run_of(config)
        from .results import worker_part

        workers.send(
            config,
            "report",
            {
                "stack": config.stash[_STACK_DESCRIBE],
                "run": run.export() if run else None,
                "dropped": _dropped(config),
                "results": worker_part(config),
            },
        )
        return
    runs = [part["run"] for part in workers.received(config, "report") if part["run"] is not None]
    if runs:  # the pytest-xdist controller: one run from every worker's part
        from .checking import ContractRun

        merged = config.stash[_MERGED] = ContractRun.merged(config, runs)
        unexpected = [f for f in merged.across_workers if f.kind == "unexpected"]
        if unexpected and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a serial run would have failed a test for it


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    from . import workers
    from .checking import run_of

    if workers.is_worker(config):
        return  # the controller reports on the whole run
    outcomes = config.stash.get(_OUTCOMES, {})
    parts = workers.received(config, "report")
    if parts:
        remember_stack(
            config, parts[0]["stack"], [line for part in parts for line in part.get("dropped", [])]
        )
    if not outcomes or _STACK_DESCRIBE not in config.stash:
        return  # no stack was started: nothing to report about an app
    run = config.stash.get(_MERGED, None) or run_of(config)
    write = terminalreporter.write_line
    terminalreporter.section("router harness")
    for line in summary_lines(outcomes, run) + _dropped_lines(config.stash.get(_DROPPED, [])):
        write(line)
    for finding in getattr(run, "across_workers", []):
        write(
            f"{finding.kind} finding across pytest-xdist workers (no single test saw it):",
            red=finding.kind == "unexpected",
        )
        write(finding.failure.render())
        if finding.kind == "unexpected" and exitstatus == pytest.ExitCode.OK:
            exitstatus = pytest.ExitCode.TESTS_FAILED  # as pytest_sessionfinish set it for the run
    path = write_markdown(config, outcomes, run, exitstatus)
    write(f"report: {path}")


def summary_lines(outcomes: dict[tuple[str, str], Counter[str]], run: Any) -> list[str]:
    width = max(len(f"{suite} × {mode}") for suite, mode in outcomes)
    lines = []
    for (suite, mode), counts in sorted(outcomes.items()):
        shown = ", ".join(f"{counts[c]} {c}" for c in COLUMNS if counts[c])
        lines.append(f"{suite + ' × ' + mode:<{width}}  {shown}")
    if run is not None:
        kinds = Counter(finding.kind for finding in run.findings)
        lines.append(
            f"contract: {run.exchanges_checked} exchanges checked, {run.exchanges_unchecked} opted out; "
            f"findings: {kinds['unexpected']} unexpected, {kinds['expected']} expected (declared deviations), "
            f"{kinds['warning']} warnings"
        )
        unused = run.unused_deviations()
        if unused:
            lines.append(
                f"deviations declared for {run.options.target} but not seen in this run: {len(unused)} "
                "(see the report)"
            )
    return lines


def write_markdown(
    config: pytest.Config, outcomes: dict[tuple[str, str], Counter[str]], run: Any, exitstatus: int
) -> Path:
    """The results file, and the Markdown report rendered from it."""
    from harness.report import markdown

    from . import SETTINGS, results

    report_dir = config.stash[SETTINGS].report_dir
    report_dir.mkdir(parents=True, exist_ok=True)
    data = results_data(config, outcomes, run, exitstatus)
    results.write(report_dir, data)
    path = report_dir / f"harness-{_mode(config)}.md"
    # the per-route × per-check compatibility table (also `harness compat`); the page shows the per-route
    # distance the results file carries
    path.write_text(markdown.render(data) + "\n".join(["", *compat_section(config, run)]).rstrip() + "\n")
    compat = compat_results(config, run)
    if compat is not None:
        from harness.contract.compat import write_compat

        write_compat(report_dir / f"compat-{_mode(config)}.json", compat)  # for `harness compat`
    return path


def results_data(
    config: pytest.Config, outcomes: dict[tuple[str, str], Counter[str]], run: Any, exitstatus: int
) -> dict[str, Any]:
    from . import results

    stack = config.stash.get(_STACK_DESCRIBE, "") if _STACK_DESCRIBE in config.stash else ""
    data = results.build(config, outcomes, run, exitstatus, stack, config.stash.get(_DROPPED, []))
    compat = compat_results(config, run)
    if compat is not None:
        data["reference_distance"] = reference_distance(compat)
    return data


def reference_distance(compat: dict[str, Any]) -> list[dict[str, Any]]:
    """Per route the reference covers: the share of its exchanges' reference checks that found a
    difference (findings over exchanges, at most 1), with a few of the findings' titles."""
    exchanges: Counter[str] = Counter()
    for route, covered, count in compat["routes"]:
        if covered:
            exchanges[route] += count
    findings: dict[str, list[str]] = defaultdict(list)
    for finding in compat["findings"]:
        findings[finding["operation"] or "?"].append(f"{finding['check']}: {finding['title']}")
    return [
        {
            "route": route,
            "compared": n,
            "differing": min(len(findings[route]), n),
            "distance": round(min(len(findings[route]), n) / n, 3) if n else 0.0,
            "unit": "share of exchanges with a reference finding",
            "reference": str(compat["reference"]),
            "examples": sorted(set(findings[route]))[:5],
        }
        for route, n in sorted(exchanges.items())
    ]


def render_markdown(
    config: pytest.Config, outcomes: dict[tuple[str, str], Counter[str]], run: Any, exitstatus: int
) -> str:
    from harness.report import markdown

    return markdown.render(results_data(config, outcomes, run, exitstatus))


def deduplicated(findings: list[Any]) -> list[tuple[Any, list[str]]]:
    return _deduplicated(findings)


def compat_results(config: pytest.Config, run: Any) -> dict | None:
    """Per route and reference check, the run's findings and exchanges (None when no reference was on)."""
    from . import SETTINGS

    reference = getattr(config.stash[SETTINGS], "reference", None)
    if run is None or reference is None or not hasattr(run, "reference_routes"):
        return None
    from harness.contract.compat import compat_data
    from harness.contract.reference import load_reference

    oracle = load_reference(reference)
    if oracle is None:
        return None
    return compat_data(oracle.label, run.reference_routes(), [f.failure for f in run.findings])


def compat_section(config: pytest.Config, run: Any) -> list[str]:
    """The Markdown report's compatibility section (the same table `harness compat` prints)."""
    from harness.contract.compat import render_compat

    data = compat_results(config, run)
    return render_compat(data) if data is not None else []


def _deduplicated(findings: list[Any]) -> list[tuple[Any, list[str]]]:
    """One entry per (check, operation, title), with the tests it was seen in."""
    seen: dict[tuple[str, str | None, str], tuple[Any, list[str]]] = {}
    for finding in findings:
        key = (finding.failure.check, finding.failure.operation, finding.failure.title)
        entry = seen.setdefault(key, (finding, []))
        if finding.nodeid and finding.nodeid not in entry[1]:
            entry[1].append(finding.nodeid)
    return list(seen.values())


_STACK_DESCRIBE = pytest.StashKey[str]()
_MERGED = pytest.StashKey[Any]()  # the pytest-xdist controller's run, merged from the workers' parts


_DROPPED: pytest.StashKey[list[str]] = pytest.StashKey()


def remember_stack(config: pytest.Config, describe: str, dropped: list[str] | None = None) -> None:
    config.stash[_STACK_DESCRIBE] = describe
    if dropped is not None:
        config.stash[_DROPPED] = dropped  # the running stack's list, filled as the run goes


def _dropped_lines(dropped: list[str]) -> list[str]:
    if not dropped:
        return []
    return [
        f"connections: the app closed {len(dropped)} kept-alive connection(s) under a request; each request "
        "was sent again (idempotent methods only, as HTTP allows), see the report"
    ]


def _dropped(config: pytest.Config) -> list[str]:
    dropped: list[str] = config.stash.get(_DROPPED, [])
    return list(dropped)
