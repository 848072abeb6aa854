"""``harness compat FILE``: the compatibility table of a run (per route and per reference check, how far
the app is from --reference), from the ``compat-<mode>.json`` the run wrote next to its Markdown report."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.contract.compat import read_compat, render_compat


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compat",
        help="print a run's compatibility with its reference (per route and check)",
        description=__doc__,
    )
    parser.add_argument(
        "results",
        type=Path,
        nargs="?",
        default=Path("reports/compat-library.json"),
        help="the run's compat-<mode>.json (default: reports/compat-library.json)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("\n".join(render_compat(read_compat(args.results))))
    return 0
