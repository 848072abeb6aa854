"""The pytest plugin (``pytest11`` entry point ``harness``): options, the stack fixtures, contract
checks on every response, and the run report. Heavy imports happen lazily, inside hooks and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.core.errors import HarnessError

from . import options as _options

STASH_SESSION = pytest.StashKey["object"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    _options.add_options(parser)


def _stacks_dir(config: pytest.Config) -> Path:
    candidates = [Path(config.rootpath) / "suites" / "stacks", Path(__file__).resolve().parents[2] / "suites" / "stacks"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_contract_checks: do not check this test's responses against the spec")
    from harness.targets.profiles import get_profile
    from harness.targets.stack_config import parse_stack_config

    from .stack_session import StackSession

    try:
        selection = parse_stack_config(_options.resolve(config, _options.OPTIONS[0]) or "", stacks_dir=_stacks_dir(config))
        profile = get_profile(_options.resolve(config, _options.OPTIONS[1]) or "ogx")
        timeout = _options.resolve_float(config, _options.OPTIONS[3])
        spec_path = _options.resolve_path(config, _options.OPTIONS[2])
    except HarnessError as error:
        raise pytest.UsageError(error.render()) from None
    session = StackSession(selection, profile, startup_timeout=timeout)
    config.stash[STASH_SESSION] = session
    config.stash[_SPEC_PATH] = spec_path
    from . import fixtures

    config.pluginmanager.register(fixtures, "harness.fixtures")


_SPEC_PATH = pytest.StashKey["Path | None"]()


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(STASH_SESSION, None)
    if session is not None:
        session.close()
