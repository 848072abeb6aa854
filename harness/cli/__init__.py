"""The ``harness`` command. Each command group lives in its own module with a ``register(subparsers)``
function that adds its parser and sets ``func`` (returning the exit code)."""

from __future__ import annotations

import argparse
import importlib
import sys

from harness.core.errors import HarnessError

# command group → module that registers it
COMMANDS = {
    "spec": "harness.cli.spec",
    "cassettes": "harness.cli.cassettes",
    "matrix": "harness.cli.matrix",
    "report": "harness.cli.report",
}

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description="Contract tests and record/replay for router apps")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except HarnessError as error:
        print(f"harness {args.command}: {error.render()}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
