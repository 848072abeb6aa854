"""One static HTML page for any number of results files (a CI matrix's jobs): no server, no network, its
style and script inlined and pinned by a Content-Security-Policy that allows nothing else.

``merge(documents)`` turns the results into what the page shows; ``render(view)`` fills the Jinja2
templates in ``templates/``."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .markdown import COLUMNS, failure_of

STATES = ("finding", "warning", "expected", "pass", "na")  # worst first
STATE_LABELS = {
    "finding": "finding",
    "warning": "warning",
    "expected": "expected deviation",
    "pass": "pass",
    "na": "not applicable",
}
KIND_STATE = {"unexpected": "finding", "warning": "warning", "info": "warning", "expected": "expected"}
DOCUMENT_ROW = "(the spec document)"


@dataclass
class Job:
    id: str
    source: str
    results: dict[str, Any]

    @property
    def job(self) -> dict[str, Any]:
        return self.results["job"]

    @property
    def label(self) -> str:
        suites = (
            ", ".join(row["suite"].removeprefix("suites/") for row in self.results["tests"]) or "(no tests)"
        )
        return self.job.get("name") or f"{suites} · {self.job.get('setup') or '-'} · {self.job['mode']}"

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for row in self.results["tests"]:
            total.update({c: row[c] for c in COLUMNS})
        return total

    @property
    def failed(self) -> bool:
        totals = self.totals()
        return bool(totals["failed"] or totals["error"]) or self.job["exit_status"] not in (0, 5)


@dataclass
class Finding:
    """One finding (check, operation, title) across the jobs that saw it."""

    id: str
    data: dict[str, Any]
    jobs: list[Job] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    count: int = 0

    @property
    def state(self) -> str:
        return KIND_STATE[self.data["kind"]]

    @property
    def rendered(self) -> str:
        return failure_of(self.data).render()

    @property
    def since(self) -> Job:
        return min(self.jobs, key=lambda job: job.job["finished"])


@dataclass
class Cell:
    operation: str
    check: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)
    jobs: set[str] = field(default_factory=set)

    @property
    def state(self) -> str:
        states = [f.state for f in self.findings]
        if self.passed or self.failed:
            states.append("pass")
        return min(states, key=STATES.index) if states else "na"

    @property
    def key(self) -> str:
        return f"{self.operation}|{self.check}"


def load_all(paths: list[Path]) -> list[Job]:
    from . import results

    return [Job(f"j{n}", str(path), results.load(path)) for n, path in enumerate(results.find(paths), 1)]


def merge(jobs: list[Job]) -> dict[str, Any]:
    """What the page shows, from every job's results."""
    findings = _findings(jobs)
    cells = _cells(jobs, findings)
    worst = {
        op: min((c.state for c in cells.values() if c.operation == op), key=STATES.index)
        for op in {c.operation for c in cells.values()}
    }
    # operations that break a check first: "which operations break which checks" is the first thing read
    operations = sorted(worst, key=lambda op: (worst[op] != "finding", op == DOCUMENT_ROW, _op_order(op)))
    checks = sorted({c.check for c in cells.values() if c.state != "na"})
    versions = Counter(job.results["harness_version"] for job in jobs)
    totals: Counter[str] = Counter()
    for job in jobs:
        totals.update(job.totals())
    grid_counts = Counter(
        cells[(op, check)].state if (op, check) in cells else "na" for op in operations for check in checks
    )
    return {
        "jobs": jobs,
        "job_rows": _job_rows(jobs),
        "totals": {c: totals[c] for c in COLUMNS},
        "failed_jobs": [job for job in jobs if job.failed],
        "versions": versions,
        "warnings": _warnings(jobs, versions),
        "operations": operations,
        "checks": checks,
        "cells": cells,
        "grid_counts": grid_counts,
        "findings": findings,
        "timelines": _timelines(jobs),
        "replay": _replay(jobs),
        "reference": _reference(jobs),
        "states": STATES,
        "state_labels": STATE_LABELS,
        "columns": COLUMNS,
        "max_timelines": max((job.results["timelines"].get("max_kept", 0) for job in jobs), default=0),
        "max_events": max((job.results["timelines"].get("max_events", 0) for job in jobs), default=0),
    }


def _findings(jobs: list[Job]) -> dict[tuple[str, str | None, str], Finding]:
    found: dict[tuple[str, str | None, str], Finding] = {}
    for job in jobs:
        for data in (job.results["contract"] or {}).get("findings", []):
            key = (data["check"], data["operation"], data["title"])
            if key not in found:
                found[key] = Finding(f"f{len(found) + 1}", data)
            finding = found[key]
            if job not in finding.jobs:
                finding.jobs.append(job)
            finding.tests += [t for t in data["tests"] if t not in finding.tests]
            finding.count += data["count"]
    return found


def _cells(
    jobs: list[Job], findings: dict[tuple[str, str | None, str], Finding]
) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}

    def cell(operation: str | None, check: str) -> Cell:
        operation = operation or DOCUMENT_ROW
        return cells.setdefault((operation, check), Cell(operation, check))

    for job in jobs:
        for row in (job.results["contract"] or {}).get("coverage", []):
            target = cell(row["operation"], row["check"])
            target.passed += row["passed"]
            target.failed += row["failed"]
            target.skipped += row["skipped"]
            target.jobs.add(job.id)
    for (check, operation, _), finding in findings.items():
        cell(operation, check).findings.append(finding)
    for target in cells.values():
        target.findings.sort(key=lambda f: (STATES.index(f.state), f.data["title"]))
    return cells


def _job_rows(jobs: list[Job]) -> list[dict[str, Any]]:
    """suite × setup × mode × target, over every job (a suite run by two jobs adds up)."""
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for job in jobs:
        for counts in job.results["tests"]:
            key = (counts["suite"], job.job.get("setup") or "-", counts["mode"], job.job.get("target") or "-")
            row = rows.setdefault(
                key,
                {
                    "suite": key[0],
                    "setup": key[1],
                    "mode": key[2],
                    "target": key[3],
                    "counts": Counter(),
                    "seconds": 0.0,
                    "jobs": [],
                },
            )
            row["counts"].update({c: counts[c] for c in COLUMNS})
            row["seconds"] += counts["seconds"]
            row["jobs"].append(job)
    for row in rows.values():
        counts = row["counts"]
        row["state"] = "finding" if counts["failed"] or counts["error"] else "pass"
        row["wall"] = max(job.job["wall_seconds"] for job in row["jobs"])
    return sorted(
        rows.values(), key=lambda r: (r["state"] != "finding", r["suite"], r["setup"], r["mode"], r["target"])
    )


def _warnings(jobs: list[Job], versions: Counter[str]) -> list[str]:
    warnings = []
    if len(versions) > 1:
        by_version = defaultdict(list)
        for job in jobs:
            by_version[job.results["harness_version"]].append(job.label)
        warnings.append(
            "These jobs ran different router-harness versions, so their checks may differ: "
            + "; ".join(f"{version}: {', '.join(labels)}" for version, labels in sorted(by_version.items()))
        )
    targets = Counter(job.job.get("target") for job in jobs if job.job.get("target"))
    if len(targets) > 1:
        warnings.append(
            "These jobs tested different targets: "
            + ", ".join(f"{t} ({n} jobs)" for t, n in sorted(targets.items()))
        )
    return warnings


def _timelines(jobs: list[Job]) -> list[dict[str, Any]]:
    shown = []
    for job in jobs:
        for item in job.results["timelines"]["items"]:
            events: list[Any] = []
            texts: defaultdict[str, str] = defaultdict(
                str
            )  # each kind of delta adds up on its own (text, arguments)
            for event in item["events"]:
                if event.get("delta"):
                    texts[event["type"]] += event["delta"]
                events.append(
                    {**event, "text_so_far": texts[event["type"]][-48:] if event.get("delta") else None}
                )
            final = item.get("final_text")
            last = max((e["offset_ms"] or 0 for e in events), default=0) or 1
            broken = item["first_broken"]
            shown.append(
                {
                    **item,
                    "job": job,
                    "events": events,
                    "span_ms": last,
                    "adds_up": None if final is None else item["deltas_text"] == final,
                    "broken_index": broken.get("event_index") if broken else None,
                }
            )
    return sorted(
        shown,
        key=lambda t: (
            t["first_broken"] is None or t["first_broken"].get("kind") != "unexpected",
            t["first_broken"] is None,
            t["job"].id,
            t["test"] or "",
        ),
    )


def _replay(jobs: list[Job]) -> list[dict[str, Any]]:
    rows = []
    for job in jobs:
        replay = job.results["replay"]
        if replay is None:
            continue
        used = len(replay["used"])
        rows.append(
            {
                "job": job,
                **replay,
                "used_count": used,
                "unused_count": len(replay["unused"]),
                "missed_count": len(replay["missed"]),
                "by_file": _by_file(replay),
            }
        )
    return rows


def _by_file(replay: dict[str, Any]) -> list[dict[str, Any]]:
    files: dict[str, dict[str, Any]] = defaultdict(lambda: {"used": [], "unused": []})
    for entry in replay["used"]:
        files[entry["ref"].rpartition("#")[0]]["used"].append(entry)
    for ref in replay["unused"]:
        files[ref.rpartition("#")[0]]["unused"].append(ref)
    return [{"file": name, **entries} for name, entries in sorted(files.items())]


def _reference(jobs: list[Job]) -> dict[str, Any] | None:
    rows = [(job, row) for job in jobs for row in job.results.get("reference_distance") or []]
    if not rows:
        return None
    routes = sorted({row["route"] for _, row in rows}, key=_op_order)
    with_data = [job for job in jobs if job.results.get("reference_distance")]
    table = {(row["route"], job.id): row for job, row in rows}
    return {
        "routes": routes,
        "jobs": with_data,
        "table": table,
        "max": max(row["distance"] for _, row in rows) or 1,
    }


def _op_order(operation: str) -> tuple[str, str]:
    method, _, path = operation.partition(" ")
    return (path, method)


# -- rendering ----------------------------------------------------------------------------------------


def render(view: dict[str, Any], *, title: str = "Router harness: replay matrix") -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["seconds"] = _seconds
    env.filters["short"] = lambda text, n=12: text if text is None or len(text) <= n else text[:n]
    style = env.get_template("style.css.j2").render()
    script = env.get_template("script.js.j2").render()
    return env.get_template("page.html.j2").render(
        title=title,
        style=style,
        script=script,
        csp=f"default-src 'none'; style-src '{_digest(style)}'; script-src '{_digest(script)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'",
        **view,
    )


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _seconds(value: float) -> str:
    if value >= 60:
        return f"{int(value // 60)} min {int(value % 60)} s"
    return f"{value:.1f} s"


def write(paths: list[Path], output: Path) -> tuple[Path, dict[str, Any]]:
    view = merge(load_all(paths))
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(render(view), encoding="utf-8")
    temporary.replace(output)
    return output, view
