"""The pytest plugin (``pytest11`` entry point ``harness``): options, the stack fixtures, contract
checks on every response, and the run report. Submodules with fixtures and hooks are registered at
configure time, once the options are known to be good."""

from __future__ import annotations

import pytest

from harness.core.errors import HarnessError

from . import options as _options

pytest_plugins = [
    "harness.plugin.property_based.fixtures",  # property-based run: options, fixture `generated`
    "harness.plugin.property_based.reference_generation",
]  # fixture `reference_generated`

# The one stash key set before configure time: the flags of ours that the project's own conftest also
# defines (the plugin then steps aside). The session's state is one object: ``state.PluginState``.
STEPPED_ASIDE = pytest.StashKey[list[str]]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hooks

    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.register(_BeforeOtherPlugins(), "harness.before-other-plugins")


class _BeforeOtherPlugins:
    """Configuration other plugins read when they configure themselves (the JUnit XML path)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        if STEPPED_ASIDE in config.stash:
            return
        from .report import default_junit_path

        default_junit_path(config)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]):
    """Our options are added once the project's conftests have added theirs (still before pytest parses
    the command line). A project whose conftest defines one of them itself (OGX's defines --stack-config,
    --setup and --inference-mode) runs as if the plugin were not installed: nothing of ours is added or
    registered, where the two definitions would otherwise collide."""
    result = yield
    clashes = _options.clashing_flags(parser)
    if clashes:
        early_config.stash[STEPPED_ASIDE] = clashes
    else:
        _options.add_options(parser)
    return result


def pytest_report_header(config: pytest.Config) -> str | None:
    clashes = config.stash.get(STEPPED_ASIDE, None)
    if clashes:
        return (
            f"router harness: inactive, this project's conftest defines {', '.join(clashes)} itself "
            "(for OGX's own tests, run them with `harness ogx run`)"
        )
    return None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if STEPPED_ASIDE in config.stash:
        return
    config.addinivalue_line(
        "markers", "no_contract_checks: do not check this test's responses against the spec"
    )
    from .property_based.settings import resolve_settings as property_settings
    from .settings import configured_settings
    from .state import STATE, PluginState

    try:
        state = PluginState.configure(configured_settings(config), property_settings(config))
    except HarnessError as error:
        raise pytest.UsageError(error.render()) from None
    config.stash[STATE] = state
    config.pluginmanager.register(state.outcomes, "harness.outcomes")
    from . import checking, fixtures, inference, report, results, stack_death, workers

    for module in (fixtures, inference, checking, report, results, workers, stack_death):
        config.pluginmanager.register(module, module.__name__)


def pytest_unconfigure(config: pytest.Config) -> None:
    from .state import active_state

    state = active_state(config)
    if state is not None:
        state.stack.close()
