"""The run's results file (``results-<mode>.json`` next to ``junit-<mode>.xml`` and ``harness-<mode>.md``):
what the Markdown report and ``harness report merge`` render. Built once, on the controller under
pytest-xdist, from the outcome counts, the contract run, the SSE timelines and the replay endpoint."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from . import workers
from .contract_run import ContractRun, Finding, deduplicated
from .outcomes import COLUMNS
from .state import PluginState

# harness.report is imported when first needed: hypothesis draws constants from every local module loaded,
# so a module imported at configure time changes what a seeded property run generates.


# -- pytest-xdist: the parts only a worker knows ------------------------------------------------------


def worker_part(state: PluginState) -> dict[str, Any]:
    """What this worker adds to the controller's results file (plain data)."""
    return {
        "seconds": dict(state.outcomes.seconds),
        "timelines": state.timelines.export(),
        "coverage": _coverage(state),
        "replay": _replay(state),
    }


def build(config: pytest.Config, state: PluginState, exitstatus: int) -> dict[str, Any]:
    from harness.report import results as results_file

    run = state.run
    outcomes = state.outcomes.counts
    parts = [part["results"] for part in workers.received(config, "report") if part.get("results")]
    seconds: defaultdict[str, float] = defaultdict(float, state.outcomes.seconds)
    for part in parts:
        for suite, value in part["seconds"].items():
            seconds[suite] += value
    settings = state.settings
    started_clock, started = state.started_clock, state.started
    mode = settings.selection.mode
    tests = [
        {
            "suite": suite,
            "mode": m,
            **{c: int(counts[c]) for c in COLUMNS},
            "seconds": round(seconds[suite], 3),
        }
        for (suite, m), counts in sorted(outcomes.items())
    ]
    junit = getattr(config.option, "xmlpath", None)
    return {
        "format": results_file.FORMAT,
        "version": results_file.VERSION,
        "harness_version": results_file.harness_version(),
        "job": {
            "name": os.environ.get("HARNESS_JOB_NAME") or None,
            "setup": getattr(settings.setup, "name", None),
            "mode": mode,
            "target": getattr(getattr(run, "options", None), "target", None),
            "app": state.stack_description or "(not started)",
            "command": " ".join(["pytest", *config.invocation_params.args]),
            "inference_mode": settings.inference_mode.value if mode != "url" else None,
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "wall_seconds": round(time.monotonic() - started_clock, 2),
            "exit_status": int(exitstatus),
            "python": sys.version.split()[0],
            "commit": _commit(config),
            "junit": Path(junit).name if junit else None,
        },
        "tests": tests,
        "contract": _contract(state, parts),
        "timelines": _timelines(state, parts),
        "replay": _merged_replay([_replay(state), *(part["replay"] for part in parts)]),
        "dropped_connections": list(state.dropped_connections),
    }


def write(report_dir: Path, results: dict[str, Any]) -> Path:
    from harness.report import results as results_file

    return results_file.write(report_dir / results_file.file_name(results["job"]["mode"]), results)


# -- the parts ------------------------------------------------------------------------------------------


def _contract(state: PluginState, parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    run = state.run
    if run is None:
        return None
    coverage: Counter[tuple[str | None, str, str]] = Counter()
    for part in [_coverage(state), *(p["coverage"] for p in parts)]:
        for row in part:
            for outcome in ("passed", "failed", "skipped"):
                coverage[(row["operation"], row["check"], outcome)] += row[outcome]
    cells = sorted({(op, check) for op, check, _ in coverage}, key=lambda c: (c[0] or "", c[1]))
    findings = []
    for kind in ("unexpected", "expected", "warning", "info"):
        group = [f for f in run.findings if f.kind == kind]
        for finding, tests in deduplicated(group):
            data = finding.failure.to_dict()
            findings.append(
                {
                    "kind": kind,
                    **{
                        k: data[k]
                        for k in (
                            "check",
                            "title",
                            "severity",
                            "operation",
                            "status",
                            "expected_reason",
                            "reproduce",
                        )
                    },
                    "evidence": [{"label": label, "text": text} for label, text in data["evidence"]],
                    "tests": tests,
                    "count": sum(1 for f in group if _same(f, finding)),
                    "where": finding.where if not tests else None,
                }
            )
    deviations = None
    if run.deviations is not None:
        deviations = {
            "target": run.options.target,
            "unused": [
                {
                    "check": str(getattr(d, "check", "?")),
                    "operation": str(getattr(d, "operation", "?")),
                    "reason": str(getattr(d, "reason", "")),
                }
                for d in run.unused_deviations()
            ],
        }
    return {
        "exchanges_checked": run.exchanges_checked,
        "exchanges_unchecked": run.exchanges_unchecked,
        "findings": findings,
        "coverage": [
            {
                "operation": op,
                "check": check,
                "passed": coverage[(op, check, "passed")],
                "failed": coverage[(op, check, "failed")],
                "skipped": coverage[(op, check, "skipped")],
            }
            for op, check in cells
        ],
        "deviations": deviations,
        "skipped_checks": list(run.skipped_report()),
    }


def _same(a: Finding, b: Finding) -> bool:
    return (a.failure.check, a.failure.operation, a.failure.title) == (
        b.failure.check,
        b.failure.operation,
        b.failure.title,
    )


def _coverage(state: PluginState) -> list[dict[str, Any]]:
    """How each check ended per operation, from this process's check sessions (the plugin's, and the
    property run's own)."""
    counts: Counter[tuple[str | None, str, str]] = Counter()
    run: ContractRun | None = state.contract
    property_run = state.property_run
    sessions = [
        run.session if run is not None else None,
        property_run.session if property_run is not None else None,
    ]
    for session in {id(s): s for s in sessions if s is not None}.values():
        counts.update(getattr(session, "outcomes", {}))
    rows: dict[tuple[str | None, str], dict[str, Any]] = {}
    for (operation, check, outcome), n in counts.items():
        row = rows.setdefault(
            (operation, check),
            {"operation": operation, "check": check, "passed": 0, "failed": 0, "skipped": 0},
        )
        row[outcome] += n
    return list(rows.values())


def _timelines(state: PluginState, parts: list[dict[str, Any]]) -> dict[str, Any]:
    from .timelines import MAX_EVENTS, MAX_TIMELINES

    exported = [state.timelines.export(), *(part["timelines"] for part in parts)]
    items = [item for part in exported for item in part["items"]]
    items.sort(key=lambda item: (item["first_broken"] is None, item["test"] or ""))
    items = items[:MAX_TIMELINES]
    return {
        "seen": sum(part["seen"] for part in exported),
        "kept": len(items),
        "max_kept": MAX_TIMELINES,
        "max_events": MAX_EVENTS,
        "items": items,
    }


def _replay(state: PluginState) -> dict[str, Any] | None:
    endpoint = state.endpoint
    if endpoint is None:
        return None
    used: dict[str, list[str]] = defaultdict(list)
    for test, refs in endpoint.used_by_test().items():
        for ref in refs:
            if test and test not in used[ref]:
                used[ref].append(test)
            else:
                used.setdefault(ref, [])
    known = [entry.ref for entry in endpoint.library.entries() if entry.index is not None]
    return {
        "inference_mode": endpoint.mode.value,
        "cassette_dir": str(endpoint.cassette_dir),
        "known_refs": known,
        "used": dict(used),
        "missed": endpoint.missed,
    }  # builtins only: execnet carries it


def _merged_replay(given: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    parts = [p for p in given if p is not None]
    if not parts:
        return None
    used: dict[str, list[str]] = defaultdict(list)
    for part in parts:
        for ref, tests in part["used"].items():
            used[ref] += [t for t in tests if t not in used[ref]]
    known = sorted({ref for part in parts for ref in part["known_refs"]}, key=_ref_order)
    unused = [ref for ref in known if ref not in used] if parts[0]["inference_mode"] == "replay" else []
    missed = [miss for part in parts for miss in part["missed"]]
    return {
        "inference_mode": parts[0]["inference_mode"],
        "cassette_dir": parts[0]["cassette_dir"],
        "known": len(known),
        "used": [{"ref": ref, "tests": sorted(used[ref])} for ref in sorted(used, key=_ref_order)],
        "unused": unused,
        "missed": missed,
    }


def _ref_order(ref: str) -> tuple[str, int]:
    path, _, index = ref.rpartition("#")
    return (path, int(index) if index.isdigit() else 10**9)


def _commit(config: pytest.Config) -> str | None:
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=config.rootpath,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None
