"""Root conftest: the suites need the harness plugin, which pip installs as a pytest11 entry point."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("harness"):
        raise pytest.UsageError(
            "the router harness plugin is not loaded (pytest11 entry point 'harness').\n"
            "  fix: install the project into the Python that runs pytest: pip install -e '.[ogx,dev]'"
        )
