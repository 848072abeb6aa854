"""Finding or starting the docker engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.core.errors import TargetError
from harness.targets.docker_engine import DOCKERD_FLAGS, ensure_engine


def test_an_engine_that_does_not_answer_is_a_loud_target_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    with pytest.raises(TargetError) as caught:
        ensure_engine()
    rendered = caught.value.render()
    assert rendered.startswith("DOCKER MODE CANNOT RUN: DOCKER_HOST names an engine that does not answer")
    assert f"{tmp_path}/no-engine.sock" in rendered
    assert "fix:" in rendered


def test_not_allowed_to_start_is_a_loud_target_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    with pytest.raises(TargetError, match="DOCKER MODE CANNOT RUN: no docker engine answers and starting"):
        ensure_engine(start=False)


@pytest.mark.slow
def test_the_engine_answers_and_one_we_started_has_no_bridge(docker_client) -> None:  # type: ignore[no-untyped-def]
    assert ensure_engine().ping() is True
    pidfile = Path("/var/run/docker.pid")
    if not pidfile.exists():
        pytest.skip(
            "the engine was not started by the harness (no /var/run/docker.pid): bridge check not ours"
        )
    cmdline = Path(f"/proc/{pidfile.read_text().strip()}/cmdline").read_bytes().decode().split("\0")
    if "--bridge=none" not in cmdline:
        pytest.skip(
            f"the running engine was started by someone else ({' '.join(cmdline)}): bridge check not ours"
        )
    assert set(DOCKERD_FLAGS) <= set(cmdline)
    assert docker_client.networks.list(names=["bridge"]) == []
