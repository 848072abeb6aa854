"""The Markdown view of one results file: title → evidence → how to reproduce, for every finding."""

from __future__ import annotations

from typing import Any

from harness.core.failure import CheckFailure

COLUMNS = ("passed", "failed", "xfailed", "xpassed", "skipped", "error")
TITLES = {
    "unexpected": "Unexpected (these fail their tests, or the run when no one test saw them)",
    "expected": "Expected: declared deviations",
    "warning": "Warnings",
    "info": "Information",
}
DROPPED_NOTE = (
    "Each request was sent once more (idempotent methods only, as RFC 9110 9.2.2 allows). OGX 1.5.0 "
    "and llama-stack 0.7.3 close the connection after answering a request whose handler raised."
)


def failure_of(finding: dict[str, Any]) -> CheckFailure:
    return CheckFailure.from_dict(
        {**finding, "evidence": [[e["label"], e["text"]] for e in finding["evidence"]]}
    )


def render(results: dict[str, Any]) -> str:
    job = results["job"]
    lines = [
        "# Router harness report",
        "",
        f"- app: {job['app']}",
        f"- command: `{job['command']}`",
        f"- finished: {_minute(job['finished'])}, exit status {job['exit_status']}",
        f"- python: {job.get('python', '?')}",
        "",
        "## Tests",
        "",
        "| suite | mode | " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for row in results["tests"]:
        lines.append(f"| {row['suite']} | {row['mode']} | " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    lines += ["", "## Contract findings", ""]
    contract = results["contract"]
    if contract is None:
        lines.append("No responses were checked (no test used the harness's clients).")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{contract['exchanges_checked']} exchanges checked; {contract['exchanges_unchecked']} exchanges from "
        "tests marked `no_contract_checks` were not checked."
    )
    for kind in ("unexpected", "expected", "warning", "info"):
        found = [f for f in contract["findings"] if f["kind"] == kind]
        total = sum(f["count"] for f in found)
        count = (
            f"{len(found)}"
            if total == len(found)
            else f"{len(found)} distinct ({total} in the summary's count: one per test that saw it)"
        )
        lines += ["", f"### {TITLES[kind]}: {count}", ""]
        for finding in found:
            tests = finding["tests"]
            where = ", ".join(f"`{t}`" for t in tests[:3]) + (
                f" and {len(tests) - 3} more" if len(tests) > 3 else ""
            )
            lines += [
                f"#### {finding['check']}: {finding['title']}",
                "",
                f"Seen in: {where or finding.get('where') or 'the spec document'}",
                "",
                "```",
                failure_of(finding).render(),
                "```",
                "",
            ]
    deviations = contract.get("deviations")
    if deviations is not None:
        unused = deviations["unused"]
        lines += [
            "",
            f"## Deviations declared for {deviations['target']} but not seen in this run: {len(unused)}",
            "",
        ]
        lines += [f"- {d['check']} `{d['operation']}`: {d['reason']}" for d in unused]
    dropped = results.get("dropped_connections") or []
    if dropped:
        lines += ["", f"## Connections the app closed under a request: {len(dropped)}", "", DROPPED_NOTE, ""]
        lines += [f"- {line}" for line in dropped[:50]]
    skipped = contract.get("skipped_checks") or []
    if skipped:
        lines += ["", "## Checks that could not run", ""] + [f"- {line}" for line in skipped]
    lines += _reference(results)
    return "\n".join(lines) + "\n"


def _reference(results: dict[str, Any]) -> list[str]:
    rows = results.get("reference_distance")
    if not rows:
        return []
    lines = [
        "",
        "## Distance from the reference, per route",
        "",
        "| route | distance | compared | differing |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['route']} | {r['distance']:g} | {r.get('compared', '')} | {r.get('differing', '')} |"
        for r in rows
    ]
    return lines


def _minute(iso: str) -> str:
    """``2026-12-01T19:55:14+00:00`` → ``2026-12-01 19:55 UTC`` (as the report always said)."""
    return iso[:16].replace("T", " ") + " UTC"
