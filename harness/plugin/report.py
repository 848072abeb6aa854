"""The end of a run: a short summary (suite × mode: passed / failed / expected failures), JUnit XML, and
a Markdown report listing every contract finding with its evidence."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from . import options as o
from . import results, workers
from .contract_run import ContractRun
from .outcomes import COLUMNS
from .settings import stacks_search
from .state import PluginState, state_of


def default_junit_path(config: pytest.Config) -> None:
    """JUnit XML by default when suites run, one file per mode so a matrix's runs do not overwrite each
    other. Called before the junitxml plugin configures itself."""
    if getattr(config.option, "xmlpath", None) or workers.is_worker(config) or not _runs_suites(config):
        return
    from harness.targets.registry import select

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


# -- pytest-xdist: each worker runs its own stack; the controller reports on the whole run ----------------


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = state_of(config)
    if workers.is_worker(config) and state.stack_description is not None:
        run = state.contract
        workers.send(
            config,
            "report",
            {
                "stack": state.stack_description,
                "run": run.export() if run else None,
                "dropped": list(state.dropped_connections),
                "results": results.worker_part(state),
            },
        )
        return
    runs = [part["run"] for part in workers.received(config, "report") if part["run"] is not None]
    if runs:  # the pytest-xdist controller: one run from every worker's part
        merged = state.merged = ContractRun.merged(state.settings, runs)
        unexpected = [f for f in merged.across_workers if f.kind == "unexpected"]
        if unexpected and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a serial run would have failed a test for it


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if workers.is_worker(config):
        return  # the controller reports on the whole run
    state = state_of(config)
    outcomes = state.outcomes.counts
    parts = workers.received(config, "report")
    if parts:
        state.remember_stack(parts[0]["stack"], [line for part in parts for line in part.get("dropped", [])])
    if not outcomes or state.stack_description is None:
        return  # no stack was started: nothing to report about an app
    run = state.run
    write = terminalreporter.write_line
    terminalreporter.section("router harness")
    usage = [f"cassette usage (harness cassettes prune): {state.usage_note}"] if state.usage_note else []
    for line in summary_lines(outcomes, run) + _dropped_lines(state.dropped_connections) + usage:
        write(line)
    for finding in getattr(run, "across_workers", []):
        write(
            f"{finding.kind} finding across pytest-xdist workers (no single test saw it):",
            red=finding.kind == "unexpected",
        )
        write(finding.failure.render())
        if finding.kind == "unexpected" and exitstatus == pytest.ExitCode.OK:
            exitstatus = pytest.ExitCode.TESTS_FAILED  # as pytest_sessionfinish set it for the run
    path = write_markdown(config, state, exitstatus)
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


def write_markdown(config: pytest.Config, state: PluginState, exitstatus: int) -> Path:
    """The results file, and the Markdown report rendered from it."""
    from harness.report import markdown

    report_dir = state.settings.report_dir
    report_dir.mkdir(parents=True, exist_ok=True)
    data = results_data(config, state, exitstatus)
    results.write(report_dir, data)
    path = report_dir / f"harness-{state.mode}.md"
    # the per-route × per-check compatibility table (also `harness compat`); the page shows the per-route
    # distance the results file carries
    path.write_text(markdown.render(data) + "\n".join(["", *compat_section(state)]).rstrip() + "\n")
    compat = compat_results(state)
    if compat is not None:
        from harness.contract.compat import write_compat

        write_compat(report_dir / f"compat-{state.mode}.json", compat)  # for `harness compat`
    return path


def results_data(config: pytest.Config, state: PluginState, exitstatus: int) -> dict[str, Any]:
    data = results.build(config, state, exitstatus)
    compat = compat_results(state)
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


def compat_results(state: PluginState) -> dict[str, Any] | None:
    """Per route and reference check, the run's findings and exchanges (None when no reference was on)."""
    run = state.run
    reference = state.settings.reference
    if run is None or reference is None:
        return None
    from harness.contract.compat import compat_data
    from harness.contract.reference import load_reference

    oracle = load_reference(reference)
    if oracle is None:
        return None
    return compat_data(oracle.label, run.reference_routes(), [f.failure for f in run.findings])


def compat_section(state: PluginState) -> list[str]:
    """The Markdown report's compatibility section (the same table `harness compat` prints)."""
    from harness.contract.compat import render_compat

    data = compat_results(state)
    return render_compat(data) if data is not None else []


def _dropped_lines(dropped: list[str]) -> list[str]:
    if not dropped:
        return []
    return [
        f"connections: the app closed {len(dropped)} kept-alive connection(s) under a request; each request "
        "was sent again (idempotent methods only, as HTTP allows), see the report"
    ]
