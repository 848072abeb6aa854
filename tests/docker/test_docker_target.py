"""DockerTarget: the app's container on the host network, always removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from harness.core.errors import TargetError
from harness.targets.base import AppEnvironment
from harness.targets.docker import (
    LABEL_PID,
    LABEL_PID_START,
    DockerTarget,
    _owner_labels,
    reap_stale_containers,
    resolve_image,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_harness_containers")]
ROOT = Path(__file__).resolve().parents[2]
REPLAY_STACK = ROOT / "harness" / "bundled" / "stacks" / "replay.yaml"
NOTHING_LISTENS = "http://127.0.0.1:9/v1"  # the discard port: the app's model listing fails, only a warning


def _env(tmp_path: Path) -> AppEnvironment:
    return AppEnvironment(state_dir=tmp_path / "state", upstream_base_url=NOTHING_LISTENS)


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of sockets listening on ``port`` in this network namespace (the container's too)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_container_serves_health_and_conversations_on_loopback_only(
    ogx_image: str, any_interface_config: Path, tmp_path: Path, docker_client
) -> None:  # type: ignore[no-untyped-def]
    with DockerTarget(ogx_image, any_interface_config, _env(tmp_path)) as stack:
        assert stack.mode == "docker"
        assert stack.profile == "ogx"
        port = int(stack.base_url.rsplit(":", 1)[1])
        assert stack.base_url == f"http://127.0.0.1:{port}"
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, although the config asked for "::"
        with httpx.Client(base_url=stack.base_url, trust_env=False, timeout=30) as client:
            assert client.get("/v1/health").json() == {"status": "OK"}
            created = client.post("/v1/conversations", json={"metadata": {"topic": "docker"}})
            assert created.status_code == 200, created.text
            fetched = client.get(f"/v1/conversations/{created.json()['id']}")
            assert fetched.status_code == 200
            assert fetched.json()["metadata"] == {"topic": "docker"}
        assert (tmp_path / "state" / "sql.db").is_file()  # the state dir is the host's, bind-mounted
        assert "Uvicorn running on http://127.0.0.1:" in stack.log_tail(400)
        containers = docker_client.containers.list(filters={"label": f"{LABEL_PID}={os.getpid()}"})
        names = [c.name for c in containers]
        assert len(names) == 1
        env = containers[0].attrs["Config"]["Env"]
        assert "OTEL_SDK_DISABLED=true" in env and "OGX_LOG_FORMAT=json" in env  # the profile's server env
        assert containers[0].attrs["Config"]["Cmd"][:2] == ["ogx", "run"]
    assert docker_client.containers.list(all=True, filters={"name": names[0]}) == []
    assert "/v1/conversations/conv_" in stack.log_tail(400)  # the log outlives the container


def test_a_container_whose_app_exits_is_removed_and_its_log_reported(ogx_image: str, tmp_path: Path) -> None:
    config = yaml.safe_load(REPLAY_STACK.read_text())
    config["providers"]["inference"][0]["provider_type"] = "remote::no-such-provider"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(config))
    with pytest.raises(TargetError) as caught:
        with DockerTarget(ogx_image, broken, _env(tmp_path), health_timeout=60):
            pytest.fail("a stack with an unknown provider must not become healthy")
    rendered = caught.value.render()
    assert "the container exited with code" in rendered
    assert "no-such-provider" in rendered  # the app's own reason, from the container log


def test_a_container_that_misses_the_health_deadline_is_removed(
    ogx_image: str, any_interface_config: Path, tmp_path: Path
) -> None:
    with pytest.raises(TargetError, match=r"not healthy after 1 s") as caught:
        with DockerTarget(ogx_image, any_interface_config, _env(tmp_path), health_timeout=1):
            pytest.fail("OGX does not boot in one second")
    assert "last lines of the log" in caught.value.render()


def test_an_image_that_is_not_local_is_not_pulled(docker_client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TargetError, match="nothing is pulled from a registry"):
        resolve_image("router-harness-test/not-built:0")


CHILD = """
import sys, time
from pathlib import Path
from harness.targets.base import AppEnvironment
from harness.targets.docker import DockerTarget
image, config, state = sys.argv[1:4]
with DockerTarget(image, Path(config), AppEnvironment(state_dir=Path(state), upstream_base_url="{upstream}")):
    print("healthy", flush=True)
    time.sleep(300)
""".replace("{upstream}", NOTHING_LISTENS)


def _child(ogx_image: str, config: Path, tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, ogx_image, str(config), str(tmp_path / "child-state")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _wait_for_container(docker_client, pid: int, deadline_s: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        found = docker_client.containers.list(all=True, filters={"label": f"{LABEL_PID}={pid}"})
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no container labelled {LABEL_PID}={pid} within {deadline_s} s")


def test_ctrl_c_while_waiting_for_health_removes_the_container(
    ogx_image: str, any_interface_config: Path, tmp_path: Path, docker_client
) -> None:  # type: ignore[no-untyped-def]
    child = _child(ogx_image, any_interface_config, tmp_path)
    try:
        _wait_for_container(docker_client, child.pid)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert "KeyboardInterrupt" in stderr
    assert docker_client.containers.list(all=True, filters={"label": f"{LABEL_PID}={child.pid}"}) == []


def test_a_killed_runs_container_is_reaped_and_a_live_ones_is_not(
    ogx_image: str, any_interface_config: Path, tmp_path: Path, docker_client
) -> None:  # type: ignore[no-untyped-def]
    child = _child(ogx_image, any_interface_config, tmp_path)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "healthy", child.stderr.read() if child.stderr else ""
        orphan = _wait_for_container(docker_client, child.pid)
        child.kill()  # SIGKILL: no cleanup runs, the container stays
        child.wait(timeout=30)
    finally:
        child.kill()
    orphan.reload()
    assert orphan.status == "running"
    ours = docker_client.containers.run(
        ogx_image, ["sleep", "120"], detach=True, network_mode="none", labels=_owner_labels()
    )
    try:
        removed = reap_stale_containers(docker_client)
        assert orphan.name in removed
        assert ours.name not in removed
        ours.reload()
        assert ours.status == "running"
    finally:
        ours.remove(force=True)
    assert docker_client.containers.list(all=True, filters={"label": f"{LABEL_PID}={child.pid}"}) == []


def test_two_sessions_reaping_the_same_stale_containers_at_once_both_succeed(
    ogx_image: str, docker_client
) -> None:  # type: ignore[no-untyped-def]
    """Two CI jobs on one engine start together and both find a killed run's containers: the one that is
    second to each container sees docker's 404 or 409 ("removal … already in progress"); neither fails,
    and every stale container is gone when either returns."""
    from concurrent.futures import ThreadPoolExecutor

    dead = {**_owner_labels(), LABEL_PID: "999999999", LABEL_PID_START: "1"}  # no such process
    try:
        for _ in range(3):  # the race is not certain on one round; it must never hurt
            stale = {
                docker_client.containers.run(
                    ogx_image, ["sleep", "120"], detach=True, network_mode="none", labels=dead
                ).name
                for _ in range(4)
            }
            with ThreadPoolExecutor(max_workers=3) as pool:
                runs = [pool.submit(reap_stale_containers, docker_client) for _ in range(3)]
                results = [set(run.result()) for run in runs]
            assert all(stale <= result for result in results), results
            assert docker_client.containers.list(all=True, filters={"label": f"{LABEL_PID}=999999999"}) == []
    finally:
        for container in docker_client.containers.list(all=True, filters={"label": f"{LABEL_PID}=999999999"}):
            container.remove(force=True)
