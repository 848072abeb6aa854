"""Fixtures for the replay tests: a fake provider on loopback and small cassette builders."""

from __future__ import annotations

import pytest
from replay_fakes import FakeUpstream

from harness.replay import MatchRules


@pytest.fixture
def upstream():
    with FakeUpstream() as fake:
        yield fake


@pytest.fixture(scope="session")
def rules() -> MatchRules:
    return MatchRules.load()
