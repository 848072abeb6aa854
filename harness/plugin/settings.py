"""Everything the plugin was told, resolved and validated once at configure time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.contract import CheckOptions
from harness.replay import InferenceMode
from harness.targets.ports import require_free
from harness.targets.profiles import StackProfile, get_profile
from harness.targets.setup import Setup, load_setup
from harness.targets.stack_config import StackSelection, parse_stack_config

from . import options as o

SPEEDS = ("instant", "recorded")


@dataclass(frozen=True)
class Settings:
    selection: StackSelection
    profile: StackProfile
    setup: Setup
    startup_timeout: float
    spec_path: Path | None
    inference_mode: InferenceMode
    cassette_dir: Path
    replay_speed: str
    deviations_path: Path | None
    check_options: CheckOptions  # target is filled in once the app's version is known
    report_dir: Path = Path("reports")
    ogx_recordings: tuple[Path, ...] = ()  # OGX's tests/integration folders whose recordings replay in place
    reference: str | None = None  # --reference: a shipped reference's name or a file's absolute path; None: off


def stacks_dir(config: pytest.Config) -> Path:
    candidates = [Path(config.rootpath) / "suites" / "stacks", Path(__file__).resolve().parents[2] / "suites" / "stacks"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def _cassette_dir(config: pytest.Config) -> Path:
    """The given directory; by default ``cassettes/`` under the rootdir, else the harness's own."""
    option = o.BY_FLAG["--cassette-dir"]
    path = o.resolve_rooted(config, option)
    if o.resolve(config, option) == option.default and not path.is_dir():
        bundled = Path(__file__).resolve().parents[2] / "cassettes"
        if bundled.is_dir():
            return bundled
    return path


def _deviations(config: pytest.Config) -> Path | None:
    option = o.BY_FLAG["--deviations"]
    path = o.resolve_rooted(config, option)
    if path.is_file():
        return path
    if o.resolve(config, option) == option.default:
        bundled = Path(__file__).resolve().parents[2] / "suites" / "deviations.yaml"
        return bundled if bundled.is_file() else None  # the project has none: the harness's own for its targets
    from harness.core.errors import UsageError

    raise UsageError("--deviations: no such file", value=str(path), allowed="a YAML list of {check, operation, reason}",
                     fix="check the path, or drop --deviations to use suites/deviations.yaml")


def resolve_settings(config: pytest.Config) -> Settings:
    from harness.core.errors import UsageError

    speed = o.resolve(config, o.BY_FLAG["--replay-speed"])
    if speed not in SPEEDS:
        raise UsageError("--replay-speed: unknown speed", value=speed, allowed=", ".join(SPEEDS),
                         fix="use --replay-speed=instant (default) or --replay-speed=recorded")
    reference = _reference(config)
    selection = parse_stack_config(o.resolve(config, o.BY_FLAG["--stack-config"]) or "", stacks_dir=stacks_dir(config))
    if selection.mode == "server" and selection.port is not None:
        require_free(selection.port, selection.raw)  # before anything starts; the target checks again
    return Settings(
        selection=selection,
        profile=get_profile(o.resolve(config, o.BY_FLAG["--stack-profile"]) or "ogx"),
        setup=_setup(config),
        startup_timeout=o.resolve_float(config, o.BY_FLAG["--stack-startup-timeout"]),
        spec_path=o.resolve_path(config, o.BY_FLAG["--spec"]),
        inference_mode=InferenceMode.parse(o.resolve(config, o.BY_FLAG["--inference-mode"]) or "replay"),
        cassette_dir=_cassette_dir(config),
        replay_speed=speed,
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
        changed = implementation.function(**{name: arguments[name] for name in implementation.argnames})
        if changed is not None:
            settings = changed
    return settings


def _setup(config: pytest.Config) -> Setup:
    name = o.resolve(config, o.BY_FLAG["--setup"]) or ""
    provided = config.pluginmanager.hook.pytest_harness_setup(config=config, name=name)
    return provided if provided is not None else load_setup(name, stacks_dir(config).parent / "setups")


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
        field = next((name for name in flags if name in error.message), None)
        if field is None:
            raise
        option = o.BY_FLAG[flags[field]]
        raise UsageError(f"{flags[field]} (or {option.env}): bad value", value=error.value, allowed=error.allowed,
                         fix=f"pass e.g. {flags[field]}={option.default}") from None
