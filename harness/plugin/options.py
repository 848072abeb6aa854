"""Command-line options, their environment variables and ini keys, resolved into one settings object.

Precedence: command line, then environment variable, then ``[tool.pytest.ini_options]``, then default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.core.errors import UsageError

GROUP = "router-harness"


@dataclass(frozen=True)
class Option:
    flag: str  # --stack-config
    env: str  # HARNESS_STACK_CONFIG
    ini: str  # stack_config
    default: str | None
    help: str

    @property
    def dest(self) -> str:
        # Not argparse's default ("stack_config"): a project that defines --stack-config itself (OGX's
        # conftest does) would collide on the destination as soon as its conftest loads (see withdraw()).
        return f"harness_{self.ini}"


OPTIONS = (
    Option(
        "--stack-config",
        "HARNESS_STACK_CONFIG",
        "stack_config",
        "replay",
        "the app under test: <config> (library mode; a path, or a name in --stacks-dir or among the bundled "
        "configs, e.g. 'replay'), server:<config>[:port], http(s)://host:port, docker:<image>[?config=<config>]",
    ),
    Option(
        "--stacks-dir",
        "HARNESS_STACKS_DIR",
        "stacks_dir",
        "suites/stacks",
        "where stack config names are looked up first (relative to the rootdir); the bundled configs "
        "(replay, replay-llama-stack) are the fallback",
    ),
    Option(
        "--setups-dir",
        "HARNESS_SETUPS_DIR",
        "setups_dir",
        "suites/setups",
        "where --setup names are looked up first (relative to the rootdir); the bundled setups are the fallback",
    ),
    Option(
        "--stack-profile",
        "HARNESS_STACK_PROFILE",
        "stack_profile",
        "ogx",
        "which router app the config is for: ogx (default) or llama-stack",
    ),
    Option(
        "--setup",
        "HARNESS_SETUP",
        "setup",
        "openai-gpt-4o",
        "the provider and model the cassettes were recorded with (<setups dir>/<name>.yaml)",
    ),
    Option(
        "--spec",
        "HARNESS_SPEC",
        "spec",
        None,
        "OpenAPI document to check responses against (default: the stack's own /openapi.json)",
    ),
    Option(
        "--stack-startup-timeout",
        "HARNESS_STACK_STARTUP_TIMEOUT",
        "stack_startup_timeout",
        "120",
        "seconds to wait for the stack to become healthy",
    ),
    Option(
        "--inference-mode",
        "HARNESS_INFERENCE_MODE",
        "inference_mode",
        "replay",
        "where the app's inference answers come from: replay (cassettes; a miss fails the test), record, "
        "record-if-missing (both forward to HARNESS_UPSTREAM_BASE_URL and store), live (no cassettes), "
        "synthetic (a deterministic completion derived from each request, for generated requests)",
    ),
    Option(
        "--cassette-dir",
        "HARNESS_CASSETTE_DIR",
        "cassette_dir",
        "cassettes",
        "directory of cassettes (relative paths are taken from the rootdir; the default need not exist)",
    ),
    Option(
        "--replay-speed",
        "HARNESS_REPLAY_SPEED",
        "replay_speed",
        "instant",
        "instant (default) or recorded (streams replay at their recorded pace)",
    ),
    Option(
        "--deviations",
        "HARNESS_DEVIATIONS",
        "deviations",
        "suites/deviations.yaml",
        "the reviewed file of known deviations; matching findings are reported as expected failures "
        "(relative to the rootdir; where the project has none, the harness's own for OGX 1.5.0 and "
        "llama-stack 0.7.3; `none`: no declared deviations)",
    ),
    Option(
        "--match-rules",
        "HARNESS_MATCH_RULES",
        "match_rules",
        None,
        "the matching rule file (how requests are matched, stored and redacted; default: the bundled v1)",
    ),
    Option(
        "--deleted-status",
        "HARNESS_DELETED_STATUS",
        "deleted_status",
        "404",
        "the status a deleted resource must answer on GET and on a second DELETE",
    ),
    Option(
        "--harness-report-dir",
        "HARNESS_REPORT_DIR",
        "harness_report_dir",
        "reports",
        "where the Markdown report (harness-<mode>.md) and JUnit XML (junit-<mode>.xml) go",
    ),
    Option(
        "--missing-event-field",
        "HARNESS_MISSING_EVENT_FIELD",
        "missing_event_field",
        "warning",
        "how an SSE event without an `event:` line is reported: warning, error or off",
    ),
    Option(
        "--reference",
        "HARNESS_REFERENCE",
        "reference",
        "openai",
        "the reference oracle every exchange on a route it defines is also checked against: openai, "
        "openresponses, none, or a path to an OpenAPI 3.x file",
    ),
)
BY_FLAG = {option.flag: option for option in OPTIONS}


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup(GROUP, "router harness: the app under test")
    for option in OPTIONS:
        group.addoption(
            option.flag,
            dest=option.dest,
            default=None,
            help=f"{option.help} [env {option.env}; ini {option.ini}; default {option.default!r}]",
        )
        parser.addini(option.ini, help=option.help, default=None)


def clashing_flags(parser: pytest.Parser) -> list[str]:
    """Our flags that another plugin or a conftest added too (reads pytest's parser internals: pytest has
    no public way to ask which options exist)."""
    ours = {option.flag for option in OPTIONS}
    theirs = set()
    for group in [getattr(parser, "_anonymous", None), *getattr(parser, "_groups", [])]:
        if group is None or getattr(group, "name", None) == GROUP:
            continue
        for argument in getattr(group, "options", []):
            theirs.update(argument.names())
    return sorted(ours & theirs)


def given(config: pytest.Config, option: Option) -> bool:
    """Whether the user set the option (command line, environment or ini), rather than its default."""
    return (
        config.getoption(option.dest) is not None
        or bool(os.environ.get(option.env))
        or bool(config.getini(option.ini))
    )


def resolve(config: pytest.Config, option: Option) -> str | None:
    value = config.getoption(option.dest)
    if value is None:
        value = os.environ.get(option.env) or None
    if value is None:
        value = config.getini(option.ini) or None
    return value if value is not None else option.default


def resolve_float(config: pytest.Config, option: Option) -> float:
    raw = resolve(config, option)
    try:
        value = float(raw)  # type: ignore[arg-type]  # a bad value (None too) is caught below
        if value <= 0:
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise UsageError(
            f"{option.flag} must be a positive number of seconds",
            value=raw,
            allowed="a number > 0",
            fix=f"e.g. {option.flag}=180",
        ) from None


def resolve_int(config: pytest.Config, option: Option) -> int:
    raw = resolve(config, option)
    try:
        return int(raw)  # type: ignore[arg-type]  # a bad value (None too) is caught below
    except (TypeError, ValueError):
        raise UsageError(
            f"{option.flag} must be a whole number",
            value=raw,
            allowed="an integer",
            fix=f"e.g. {option.flag}={option.default}",
        ) from None


def resolve_rooted(config: pytest.Config, option: Option) -> Path:
    """A path that may not exist yet; relative values are taken from the rootdir."""
    path = Path(resolve(config, option) or "").expanduser()
    return path if path.is_absolute() else Path(config.rootpath) / path


def resolve_path(config: pytest.Config, option: Option) -> Path | None:
    raw = resolve(config, option)
    if raw is None:
        return None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = Path(config.invocation_params.dir) / path
    if not path.is_file():
        raise UsageError(
            f"{option.flag}: no such file",
            value=raw,
            allowed="a path to an OpenAPI JSON or YAML file",
            fix=f"check the path, or drop {option.flag} to use the stack's own /openapi.json",
        )
    return path
