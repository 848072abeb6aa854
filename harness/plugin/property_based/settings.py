"""The options of the property-based run (budget, seed, which operations, replaying one example),
resolved like every harness option: command line, then environment variable, then ini, then default;
validated once at configure time so a bad value is a usage error, not a failure deep in a test."""

from __future__ import annotations

import random
import re
import shlex
from dataclasses import dataclass
from fnmatch import fnmatchcase

import pytest

from harness.core.errors import UsageError

from ..options import Option, resolve

GROUP = "router-harness-property"
DEFAULT_EXAMPLES = 10
MAX_EXAMPLES = 100_000
METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")
BLOB = re.compile(r"^[A-Za-z0-9+/=]+$")

OPTIONS = (
    Option(
        "--property-examples",
        "HARNESS_PROPERTY_EXAMPLES",
        "property_examples",
        str(DEFAULT_EXAMPLES),
        "generated examples per operation and kind (positive, negative) and per resource family (stateful)",
    ),
    Option(
        "--property-seed",
        "HARNESS_PROPERTY_SEED",
        "property_seed",
        "0",
        "hypothesis seed of the generated requests: a whole number (same seed, same requests) or 'random'",
    ),
    Option(
        "--property-operations",
        "HARNESS_PROPERTY_OPERATIONS",
        "property_operations",
        "*",
        "comma-separated 'METHOD /path/template' patterns ('*' wildcards) of the operations to generate for",
    ),
    Option(
        "--property-reproduce",
        "HARNESS_PROPERTY_REPRODUCE",
        "property_reproduce",
        None,
        "replay one minimal example: the blob a failure printed (needs --property-operations naming one operation)",
    ),
)
BY_FLAG = {option.flag: option for option in OPTIONS}


@dataclass(frozen=True)
class PropertySettings:
    examples: int
    seed: int
    seed_given: bool  # False when the seed was drawn at random ('random')
    operations: tuple[str, ...]  # patterns over operation keys, e.g. ("POST /v1/conversations*",)
    reproduce: str | None = None

    def selects(self, key: str) -> bool:
        return any(fnmatchcase(key, pattern) for pattern in self.operations)

    def arguments(self, *, operation: str | None = None, reproduce: str | None = None) -> list[str]:
        """The command-line arguments that repeat this run (narrowed to one operation / one example)."""
        args = [f"--property-seed={self.seed}", f"--property-examples={self.examples}"]
        operations = operation if operation is not None else ",".join(self.operations)
        if operations != "*":
            args.append(f"--property-operations={operations}")
        if reproduce:
            args.append(f"--property-reproduce={reproduce}")
        return [shlex.quote(a) for a in args]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "router harness: property-based contract tests (suites/contract)")
    for option in OPTIONS:
        group.addoption(
            option.flag,
            dest=option.dest,
            default=None,
            help=f"{option.help} [env {option.env}; ini {option.ini}; default {option.default!r}]",
        )
        parser.addini(option.ini, help=option.help, default=None)


def resolve_settings(config: pytest.Config) -> PropertySettings:
    seed, given = _seed(resolve(config, BY_FLAG["--property-seed"]))
    operations = _operations(resolve(config, BY_FLAG["--property-operations"]))
    return PropertySettings(
        examples=_examples(resolve(config, BY_FLAG["--property-examples"])),
        seed=seed,
        seed_given=given,
        operations=operations,
        reproduce=_reproduce(resolve(config, BY_FLAG["--property-reproduce"]), operations),
    )


def _examples(raw: str | None) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_EXAMPLES:
        raise UsageError(
            "--property-examples must be a whole number of examples per operation",
            value=raw,
            allowed=f"1 to {MAX_EXAMPLES}",
            fix=f"e.g. --property-examples={DEFAULT_EXAMPLES} (CI) or --property-examples=200 (a deeper run)",
        )
    return value


def _seed(raw: str | None) -> tuple[int, bool]:
    text = str(raw).strip().lower()
    if text == "random":
        return random.SystemRandom().randrange(2**32), False
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise UsageError(
            "--property-seed must be a whole number or 'random'",
            value=raw,
            allowed="an integer >= 0, or random",
            fix="e.g. --property-seed=0; a failure prints the seed that reproduces it",
        )
    return value, True


def _operations(raw: str | None) -> tuple[str, ...]:
    patterns = tuple(" ".join(p.split()) for p in str(raw or "*").split(",") if p.strip())
    for pattern in patterns:
        method, _, path = pattern.partition(" ")
        method_ok = method.upper() == method and (method in METHODS or any(c in method for c in "*?["))
        path_ok = (not path and pattern == "*") or path.startswith(("/", "*"))
        if not (method_ok and path_ok):
            raise UsageError(
                f"--property-operations: {pattern!r} is not an operation pattern",
                value=raw,
                allowed="'*' or comma-separated 'METHOD /path/template' patterns, wildcards allowed, "
                "e.g. 'POST /v1/conversations,GET /v1/files*'",
                fix="write the method in capitals, a space, then the spec's path template",
            )
    if not patterns:
        raise UsageError(
            "--property-operations is empty",
            value=raw,
            allowed="'*' or operation patterns",
            fix="drop the option to generate for every operation",
        )
    return patterns


def _reproduce(raw: str | None, operations: tuple[str, ...]) -> str | None:
    if raw is None or not str(raw).strip():
        return None
    blob = str(raw).strip()
    if blob.startswith("b'") and blob.endswith("'"):
        blob = blob[2:-1]  # pasted as hypothesis prints it
    if not BLOB.match(blob):
        raise UsageError(
            "--property-reproduce is not a hypothesis example blob",
            value=raw,
            allowed="the base64 text a failure printed after --property-reproduce=",
            fix="copy the whole command the failure printed",
        )
    if len(operations) != 1 or any(c in operations[0] for c in "*?["):
        raise UsageError(
            "--property-reproduce replays one example of one operation",
            value=",".join(operations),
            allowed="--property-operations naming exactly one operation, without wildcards",
            fix="copy the whole command the failure printed; it names the operation",
        )
    return blob
