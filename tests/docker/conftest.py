"""Fixtures for the docker tests. They use a real engine (started if none runs and we may), build the
real image (cached after the first build) and run real containers on the host network.

Where no engine can run, the tests that need one are skipped with the engine's own loud reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.core.errors import TargetError

ROOT = Path(__file__).resolve().parents[2]
REPLAY_STACK = ROOT / "harness" / "bundled" / "stacks" / "replay.yaml"


@pytest.fixture(scope="session")
def docker_client():  # type: ignore[no-untyped-def]
    from harness.targets.docker_engine import ensure_engine

    try:
        return ensure_engine()
    except TargetError as error:
        pytest.skip(f"SKIPPED LOUDLY: {error.render()}")


@pytest.fixture(scope="session")
def ogx_image(docker_client) -> str:  # type: ignore[no-untyped-def]
    from harness.targets.docker_image import ensure_image

    return ensure_image("ogx", "1.5.0")


@pytest.fixture
def any_interface_config(tmp_path: Path) -> Path:
    """The bundled replay stack, but asking to listen on every interface (OGX's own default)."""
    config = yaml.safe_load(REPLAY_STACK.read_text())
    config["server"] = {"host": "::", "port": 8321}
    path = tmp_path / "any-interface.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture
def no_harness_containers(docker_client) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Each test leaves no container of this process behind."""
    from harness.targets.docker import LABEL_SESSION, SESSION_ID

    yield
    left = docker_client.containers.list(all=True, filters={"label": f"{LABEL_SESSION}={SESSION_ID}"})
    assert [c.name for c in left] == []
