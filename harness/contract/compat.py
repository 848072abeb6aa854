"""The compatibility report: per route and per reference check, how far the app is from the reference.

Built from plain data, so a run's results file (``reports/compat-<mode>.json``, written by the plugin)
and the live run render the same table (``harness compat FILE`` prints it):

    data = compat_data(reference_label, session.reference_routes, findings)   # findings: CheckFailure list
    print("\\n".join(render_compat(data)))
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from harness.core.errors import UsageError

REFERENCE_CHECKS = (
    "reference_status",
    "reference_response_schema",
    "reference_error_schema",
    "reference_event_schema",
    "reference_event_name",
    "reference_stream_order",
)
SHORT = {
    "reference_status": "status",
    "reference_response_schema": "body",
    "reference_error_schema": "error body",
    "reference_event_schema": "events",
    "reference_event_name": "event names",
    "reference_stream_order": "stream order",
}
FORMAT = 1


def compat_data(
    reference: str | None, routes: Mapping[tuple[str, str], int], findings: Iterable[Any]
) -> dict[str, Any]:
    """Plain data: the reference's label, exchanges per (route, reference operation), reference findings."""
    return {
        "format": FORMAT,
        "reference": reference,
        "routes": sorted([route, covered, int(n)] for (route, covered), n in routes.items()),
        "findings": [
            {
                "check": f.check,
                "operation": f.operation,
                "expected": bool(f.expected_reason),
                "title": f.title,
            }
            for f in findings
            if f.check in REFERENCE_CHECKS
        ],
    }


def render_compat(data: Mapping[str, Any]) -> list[str]:
    """The Markdown section (a heading, a table, the routes the reference lacks)."""
    reference = data.get("reference")
    lines = [f"## Compatibility with {reference or 'a reference'}", ""]
    if not reference:
        return lines + ["No reference oracle was on (--reference=none).", ""]
    exchanges: Counter[str] = Counter()
    covered_by: dict[str, str] = {}
    for route, covered, n in data["routes"]:
        exchanges[route] += n
        covered_by[route] = covered
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for finding in data["findings"]:
        counts[(finding["operation"] or "?", finding["check"])][
            "expected" if finding["expected"] else "new"
        ] += 1
    covered = sorted(r for r in exchanges if covered_by[r])
    lines += [
        f"Each cell: exchanges with a finding / exchanges on the route (declared deviations marked *; "
        f"— none). {len(covered)} routes covered by {reference}, "
        f"{len(exchanges) - len(covered)} not covered.",
        "",
        "| route | reference operation | exchanges | "
        + " | ".join(SHORT[c] for c in REFERENCE_CHECKS)
        + " |",
        "|---|---|---|" + "---|" * len(REFERENCE_CHECKS),
    ]
    for route in covered:
        cells = [_cell(counts.get((route, check)), exchanges[route]) for check in REFERENCE_CHECKS]
        lines.append(
            f"| `{route}` | `{covered_by[route]}` | {exchanges[route]} | " + " | ".join(cells) + " |"
        )
    away = sorted(r for r in exchanges if not covered_by[r])
    if away:
        lines += [
            "",
            f"Not covered by the reference (not findings): {len(away)} routes, "
            f"{sum(exchanges[r] for r in away)} exchanges: " + ", ".join(f"`{r}`" for r in away),
        ]
    return lines + [""]


def _cell(count: Counter[str] | None, total: int) -> str:
    if not count:
        return "—"
    n = count["new"] + count["expected"]
    return f"{n}/{total}" + ("*" if count["expected"] and not count["new"] else "")


def write_compat(path: Path, data: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return path


def read_compat(path: Path) -> dict[str, Any]:
    """A results file written by a run; a missing or foreign file says what it expected."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise UsageError(
            "no such results file",
            value=str(path),
            allowed="a compat-<mode>.json a run with --reference wrote in its report directory",
            fix="run pytest with the harness first (the reference is on by default), then pass "
            "reports/compat-<mode>.json",
        ) from None
    except ValueError as error:
        raise UsageError(
            f"{path} is not JSON: {error}",
            value=str(path),
            allowed="a compat-<mode>.json file",
            fix="pass the file the run wrote",
        ) from None
    if not (
        isinstance(data, dict) and data.get("format") == FORMAT and {"routes", "findings"} <= data.keys()
    ):
        raise UsageError(
            f"{path} is not a compatibility results file",
            value=str(path),
            allowed=f"JSON with format {FORMAT}, routes and findings (reports/compat-<mode>.json)",
            fix="pass the compat-<mode>.json from the run's report directory",
        )
    return data
