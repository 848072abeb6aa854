"""``harness matrix``: the CI matrix (GitHub Actions JSON) of suite × setup × mode.

Suites are the directories ``suites/<name>/`` that hold ``test_*.py`` files (``suites/stacks`` and
``suites/setups`` hold configuration, not tests); setups are the files ``suites/setups/<name>.yaml``;
modes are the ways the harness runs the app. The output is ``{"include": [{suite, setup, mode}, ...]}``,
ready for ``strategy.matrix: ${{ fromJSON(needs.<job>.outputs.matrix) }}``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.core.errors import UsageError

MODES = ("library", "server", "docker")
NOT_SUITES = {"stacks", "setups"}


def discover_suites(suites_dir: Path) -> list[str]:
    return sorted(
        entry.name
        for entry in suites_dir.iterdir()
        if entry.is_dir() and entry.name not in NOT_SUITES and any(entry.rglob("test_*.py"))
    )


def discover_setups(suites_dir: Path) -> list[str]:
    """The project's setups (``suites/setups``) and the bundled ones, as ``--setup`` finds them."""
    from harness.targets.setup import available, search_path

    return available(search_path((suites_dir / "setups",)))


def build_matrix(
    suites_dir: Path,
    *,
    suites: list[str] | None = None,
    setups: list[str] | None = None,
    modes: list[str] | None = None,
) -> dict[str, list[dict[str, str]]]:
    """Every (suite, setup, mode) left after the filters; a filter naming an unknown value is an error."""
    if not suites_dir.is_dir():
        raise UsageError(
            f"no suites directory at {suites_dir}",
            value=str(suites_dir),
            allowed="a directory holding suites/<name>/test_*.py and suites/setups/<name>.yaml",
            fix="run from the repository root or pass --suites-dir",
        )
    chosen_suites = _choose("--suite", suites, discover_suites(suites_dir))
    chosen_setups = _choose("--setup", setups, discover_setups(suites_dir))
    chosen_modes = _choose("--mode", modes, list(MODES))
    include = [
        {"suite": suite, "setup": setup, "mode": mode}
        for suite in chosen_suites
        for setup in chosen_setups
        for mode in chosen_modes
    ]
    if not include:
        raise UsageError(
            "the matrix is empty (GitHub Actions rejects an empty matrix)",
            value={"suites": chosen_suites, "setups": chosen_setups, "modes": chosen_modes},
            allowed="at least one suite with test_*.py files and one setup (suites/setups/<name>.yaml or bundled)",
            fix=f"add a setup file under {suites_dir / 'setups'} or a suite directory, or loosen the filters",
        )
    return {"include": include}


def _choose(flag: str, wanted: list[str] | None, known: list[str]) -> list[str]:
    if not wanted:
        return known
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UsageError(
            f"{flag} {unknown[0]!r} is not known",
            value=unknown[0],
            allowed=", ".join(known) or "(none found)",
            fix=f"pass {flag} with one of the allowed values, or drop {flag} to take them all",
        )
    return [name for name in known if name in wanted]


def _run(args: argparse.Namespace) -> int:
    matrix = build_matrix(args.suites_dir, suites=args.suite, setups=args.setup, modes=args.mode)
    print(json.dumps(matrix, indent=args.indent))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "matrix",
        help="print the CI matrix (GitHub Actions JSON) of suite × setup × mode",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--suites-dir", type=Path, default=Path("suites"), help="default: ./suites")
    parser.add_argument("--suite", action="append", metavar="NAME", help="only this suite (repeatable)")
    parser.add_argument("--setup", action="append", metavar="NAME", help="only this setup (repeatable)")
    parser.add_argument(
        "--mode", action="append", metavar="MODE", help=f"only this mode (repeatable; {', '.join(MODES)})"
    )
    parser.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")
    parser.set_defaults(func=_run)
