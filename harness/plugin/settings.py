"""Everything the plugin was told, resolved and validated once at configure time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import pytest

from harness.contract import CheckOptions
from harness.replay import InferenceMode
from harness.targets.profiles import StackProfile, get_profile
from harness.targets.registry import select
from harness.targets.setup import Setup, load_setup
from harness.targets.stack_config import StackSelection

from . import options as o

SPEEDS = ("instant", "recorded")


Speed = Literal["instant", "recorded"]


@dataclass(frozen=True)
class Settings:
    selection: StackSelection
    profile: StackProfile
    setup: Setup
    startup_timeout: float
    spec_path: Path | None
    inference_mode: InferenceMode
    cassette_dir: Path
    replay_speed: Speed
    deviations_path: Path | None
    check_options: CheckOptions  # target is filled in once the app's version is known
    report_dir: Path = Path("reports")
    cassette_dir_required: bool = True  # False for the default directory, which a project need not have
    match_rules: Path | None = None  # None: the bundled rules
    ogx_recordings: tuple[Path, ...] = ()  # OGX's tests/integration folders whose recordings replay in place
    reference: str | None = (
        None  # --reference: a shipped reference's name or a file's absolute path; None: off
    )


def stacks_search(config: pytest.Config) -> tuple[Path, ...]:
    """Where stack config names are looked up before the bundled configs."""
    return (o.resolve_rooted(config, o.BY_FLAG["--stacks-dir"]),)


def _cassette_dir(config: pytest.Config, mode: InferenceMode) -> tuple[Path, bool]:
    """The cassette directory, and whether it must exist. A given directory must, when replaying; the
    default (``cassettes/`` under the rootdir) need not: a project without cassettes replays nothing."""
    from harness.core.errors import UsageError

    option = o.BY_FLAG["--cassette-dir"]
    path = o.resolve_rooted(config, option)
    required = o.given(config, option) and mode is InferenceMode.REPLAY
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"{option.flag}: {path} is not a directory",
            value=str(path),
            allowed="a directory of cassettes (YAML files)",
            fix=f"point {option.flag} at a directory",
        )
    if required and not path.is_dir():
        raise UsageError(
            f"{option.flag}: the cassette directory {path} does not exist, so nothing can be replayed",
            value=str(path),
            allowed=f"an existing directory of cassettes ({option.flag}, {option.env} "
            f"or ini {option.ini}; default cassettes/ under the rootdir)",
            fix="check the path, or record with --inference-mode=record-if-missing",
        )
    return path, required


def _deviations(config: pytest.Config) -> Path | None:
    """The project's deviations file; without one, the harness's own (for the targets it knows)."""
    from harness.core.bundled import DEVIATIONS
    from harness.core.errors import UsageError

    option = o.BY_FLAG["--deviations"]
    if o.resolve(config, option) == "none":
        return None  # run without declared deviations
    path = o.resolve_rooted(config, option)
    if path.is_file():
        from harness.contract.deviations import Deviations

        Deviations.load(path)  # a bad file is reported now, not after the stack started
        return path
    if not o.given(config, option):
        return DEVIATIONS if DEVIATIONS.is_file() else None
    raise UsageError(
        f"{option.flag}: no such file",
        value=str(path),
        allowed="a YAML list of {check, operation, reason}, or none (no declared deviations)",
        fix=f"check the path, or drop {option.flag} to use the project's suites/deviations.yaml "
        "(or the harness's own)",
    )


def _spec(config: pytest.Config) -> Path | None:
    """``--spec``: an existing OpenAPI 3.x document, checked now (reading it is cheap), not after the stack
    has started."""
    from harness.core.documents import read_document
    from harness.core.errors import UsageError, kind_of

    option = o.BY_FLAG["--spec"]
    path = o.resolve_path(config, option)
    if path is None:
        return None
    allowed = "an OpenAPI 3.x document (JSON or YAML) with an `openapi: 3.x` field"
    fix = f"check the file, or drop {option.flag} to use the stack's own /openapi.json"
    try:
        data = read_document(
            path, what=f"the {option.flag} document", error=UsageError, allowed=allowed, fix=fix
        )
    except UsageError as error:
        raise UsageError(
            f"{option.flag}: {error.message}", value=error.value, allowed=allowed, fix=fix
        ) from None
    version = data.get("openapi") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith("3."):
        found = (
            f"openapi: {version!r}"
            if isinstance(data, dict) and "openapi" in data
            else (
                f"a mapping without `openapi` (keys: {', '.join(sorted(map(str, data))[:8])})"
                if isinstance(data, dict)
                else kind_of(data)
            )
        )
        raise UsageError(
            f"{option.flag}: {path} is not an OpenAPI 3.x document ({found})",
            value=str(path),
            allowed=allowed,
            fix=fix,
        )
    return path


def _match_rules(config: pytest.Config) -> Path | None:
    from harness.core.errors import UsageError

    option = o.BY_FLAG["--match-rules"]
    raw = o.resolve(config, option)
    if raw is None:
        return None
    path = o.resolve_rooted(config, option)
    if not path.is_file():
        raise UsageError(
            f"{option.flag}: no such file",
            value=str(path),
            allowed="a matching rule file (YAML, version 1)",
            fix=f"check the path, or drop {option.flag} to use the bundled harness/replay/rules/v1.yaml",
        )
    from harness.replay.rules import MatchRules

    MatchRules.load(path)  # a bad rule file is reported now, not after the stack started
    return path


def resolve_settings(config: pytest.Config) -> Settings:
    from harness.core.errors import UsageError

    speed = o.resolve(config, o.BY_FLAG["--replay-speed"])
    if speed not in SPEEDS:
        raise UsageError(
            "--replay-speed: unknown speed",
            value=speed,
            allowed=", ".join(SPEEDS),
            fix="use --replay-speed=instant (default) or --replay-speed=recorded",
        )
    reference = _reference(config)
    selection = select(o.resolve(config, o.BY_FLAG["--stack-config"]) or "", search=stacks_search(config))
    inference_mode = InferenceMode.parse(o.resolve(config, o.BY_FLAG["--inference-mode"]) or "replay")
    cassette_dir, cassette_dir_required = _cassette_dir(config, inference_mode)
    return Settings(
        selection=selection,
        profile=get_profile(o.resolve(config, o.BY_FLAG["--stack-profile"]) or "ogx"),
        setup=_setup(config),
        startup_timeout=o.resolve_float(config, o.BY_FLAG["--stack-startup-timeout"]),
        spec_path=_spec(config),
        inference_mode=inference_mode,
        cassette_dir=cassette_dir,
        cassette_dir_required=cassette_dir_required,
        match_rules=_match_rules(config),
        replay_speed=cast(Speed, speed),  # one of SPEEDS, checked above
        deviations_path=_deviations(config),
        check_options=dataclasses.replace(_check_options(config), reference=reference),
        report_dir=o.resolve_rooted(config, o.BY_FLAG["--harness-report-dir"]),
        reference=reference,
    )


def configured_settings(config: pytest.Config) -> Settings:
    """The settings, then each ``pytest_harness_configure`` implementation's changes, in turn."""
    settings = resolve_settings(config)
    for implementation in reversed(config.pluginmanager.hook.pytest_harness_configure.get_hookimpls()):
        arguments = {"config": config, "settings": settings}
        changed: Any = implementation.function(**{name: arguments[name] for name in implementation.argnames})
        if changed is not None:
            settings = changed
    return settings


def _setup(config: pytest.Config) -> Setup:
    name = o.resolve(config, o.BY_FLAG["--setup"]) or ""
    provided = config.pluginmanager.hook.pytest_harness_setup(config=config, name=name)
    return (
        provided
        if provided is not None
        else load_setup(name, (o.resolve_rooted(config, o.BY_FLAG["--setups-dir"]),))
    )


def _reference(config: pytest.Config) -> str | None:
    """--reference, read (and so validated) now; a relative path is taken from the invocation directory."""
    from harness.contract.reference import PROFILES, check_reference_option

    raw = (o.resolve(config, o.BY_FLAG["--reference"]) or "").strip()
    if raw and raw not in PROFILES and raw.lower() != "none" and not Path(raw).expanduser().is_absolute():
        candidate = Path(config.invocation_params.dir) / raw
        raw = str(candidate) if candidate.exists() else raw
    return check_reference_option(raw or None)


def _check_options(config: pytest.Config) -> CheckOptions:
    """CheckOptions from the command line; a bad value is reported under the option's name, not the field's."""
    from harness.core.errors import UsageError

    flags = {"deleted_status": "--deleted-status", "missing_event_field": "--missing-event-field"}
    try:
        return CheckOptions(
            deleted_status=o.resolve_int(config, o.BY_FLAG["--deleted-status"]),
            missing_event_field=o.resolve(config, o.BY_FLAG["--missing-event-field"]) or "warning",
        )
    except UsageError as error:
        field = error.option
        if field is None or field not in flags:
            raise
        option = o.BY_FLAG[flags[field]]
        raise UsageError(
            f"{flags[field]} (or {option.env}): bad value",
            value=error.value,
            allowed=error.allowed,
            fix=f"pass e.g. {flags[field]}={option.default}",
        ) from None
