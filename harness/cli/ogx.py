"""``harness ogx run PATH… [pytest args]``: OGX's own integration tests, unchanged, on the harness.

It runs pytest with the OGX compatibility layer (``-p harness.plugin.ogx``) and leaves OGX's tree as it
was: no ``.pytest_cache`` (``-p no:cacheprovider``) and no ``__pycache__`` (``PYTHONDONTWRITEBYTECODE``).
The exit code is pytest's."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

PLUGIN = "harness.plugin.ogx"


def pytest_command(arguments: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", PLUGIN, "-p", "no:cacheprovider", *arguments]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ogx = sub.add_parser("ogx", help="run OGX's own integration tests on the harness")
    commands = ogx.add_subparsers(dest="ogx_command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="run OGX's tests (library mode by default; --stack-config=server:replay, docker:…)",
        description="PATH is OGX's tests/integration directory or a file or folder inside it; every other "
        "argument goes to pytest, e.g. harness ogx run ../ogx/tests/integration/responses -k basic "
        "--stack-config=server:replay",
    )
    run.add_argument("arguments", nargs=argparse.REMAINDER, metavar="PATH… [pytest args]")
    run.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if not args.arguments:
        print(
            "harness ogx run: no test path given\n"
            "  allowed: OGX's tests/integration directory, or a file or folder inside it\n"
            "  fix:     e.g. harness ogx run ../ogx/tests/integration/responses --stack-config=replay",
            file=sys.stderr,
        )
        return 2
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.call(pytest_command(list(args.arguments)), env=environment)
