"""The pytest plugin (``pytest11`` entry point ``harness``): options, the stack fixtures, contract
checks on every response, and the run report. Submodules with fixtures and hooks are registered at
configure time, once the options are known to be good."""

from __future__ import annotations

import pytest

from harness.core.errors import HarnessError

from . import options as _options

pytest_plugins = ["harness.plugin.property_based"]  # property-based run: options, fixture `generated`

SETTINGS = pytest.StashKey["object"]()
STACK_SESSION = pytest.StashKey["object"]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hooks

    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    _options.add_options(parser)
    pluginmanager.register(_BeforeOtherPlugins(), "harness.before-other-plugins")


class _BeforeOtherPlugins:
    """Configuration other plugins read when they configure themselves (the JUnit XML path)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        from .report import default_junit_path

        default_junit_path(config)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_contract_checks: do not check this test's responses against the spec")
    from .settings import configured_settings
    from .stack_session import StackSession

    try:
        settings = configured_settings(config)
    except HarnessError as error:
        raise pytest.UsageError(error.render()) from None
    config.stash[SETTINGS] = settings
    config.stash[STACK_SESSION] = StackSession(settings.selection, settings.profile,
                                               startup_timeout=settings.startup_timeout)
    from . import checking, fixtures, inference, report, results, workers

    for module in (fixtures, inference, checking, report, results, workers):
        config.pluginmanager.register(module, module.__name__)


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(STACK_SESSION, None)
    if session is not None:
        session.close()
