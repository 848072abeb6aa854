"""Hooks a project (its conftest.py) or another plugin implements to customise the harness, in the spirit
of pytest-recording's ``pytest_recording_configure``."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookspec(firstresult=True)
def pytest_harness_setup(config: pytest.Config, name: str) -> Any:
    """Return the :class:`harness.targets.setup.Setup` that ``--setup=<name>`` means, or None to let the
    next implementation (finally: the setups directories) answer. The OGX layer maps OGX's setups here."""


@pytest.hookspec
def pytest_harness_configure(config: pytest.Config, settings: Any) -> Any:
    """Called once with the resolved settings (``harness.plugin.settings.Settings``, frozen) before anything
    starts. Return a changed copy (``dataclasses.replace(settings, …)``) to change them, or None. Each
    implementation sees the previous one's result."""
