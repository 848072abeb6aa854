"""Fixtures for the fault tests: the loopback fake provider of fault_upstream.py."""

from __future__ import annotations

import pytest
from fault_upstream import FaultUpstream


@pytest.fixture
def upstream():
    with FaultUpstream() as fake:
        yield fake
