"""The ``harness`` command. Each command group lives in its own module with a ``register(subparsers)``
function that adds its parser and sets ``func`` (returning the exit code)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from harness.core.errors import HarnessError

# command group → module that registers it
COMMANDS = {
    "spec": "harness.cli.spec",
    "cassettes": "harness.cli.cassettes",
    "matrix": "harness.cli.matrix",
    "ogx": "harness.cli.ogx",
    "compat": "harness.cli.compat",
    "report": "harness.cli.report",
}

EXIT_BAD_INPUT = 2
EXIT_CLOSED_STDOUT = 128 + 13  # what a shell reports for a command killed by SIGPIPE (`harness … | head`)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness", description="Contract tests and record/replay for router apps"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A reader that closed our stdout (``| head``) ends the command quietly: the
    output is cut where the reader stopped, with no traceback, and the exit code says so."""
    try:
        try:
            code = _run(argv)
        finally:  # also after --help's SystemExit: a pipe closed under buffered output fails here, not at exit
            sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_CLOSED_STDOUT
    return code


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except HarnessError as error:
        print(f"harness {args.command}: {error.render()}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's own flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
