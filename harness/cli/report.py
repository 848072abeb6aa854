"""``harness report merge DIR… -o report.html``: one static HTML page for the results of any number of
runs (a CI matrix's jobs). Reads only the ``results-<mode>.json`` files each run writes next to its JUnit
XML; the page needs no server and makes no network request.

Exit codes: 0 the page was written (whatever the jobs found: the page says), 2 bad input (a results file
of another version, a truncated one, a directory holding none)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _merge(args: argparse.Namespace) -> int:
    from harness.report import html

    output, view = html.write(args.paths, args.output)
    for warning in view["warnings"]:
        print(f"harness report merge: warning: {warning}", file=sys.stderr)
    jobs, failed = len(view["jobs"]), len(view["failed_jobs"])
    totals = ", ".join(f"{n} {c}" for c, n in view["totals"].items() if n) or "no tests"
    print(
        f"{output}: {jobs} job{'s' if jobs != 1 else ''} ({failed} failed): {totals}; "
        f"{output.stat().st_size / 1024:.0f} KiB"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="merge the results of several runs into one HTML page",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="report_command", required=True, metavar="COMMAND")
    merge = sub.add_parser(
        "merge",
        help="one static HTML page for the results files under DIR…",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    merge.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="directories searched for results-*.json (recursively), or results files",
    )
    merge.add_argument(
        "-o", "--output", type=Path, default=Path("report.html"), help="default: ./report.html"
    )
    merge.set_defaults(func=_merge)
