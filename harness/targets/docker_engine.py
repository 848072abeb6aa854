"""The docker engine the docker target talks to: find a running one, or start one.

When ``docker info`` would fail and we are root, the engine is installed from Debian's packages
(``apt-get install -y docker.io``) if missing, and ``dockerd`` is started in the background with
settings that keep all traffic local: no default bridge, no iptables rules, no masquerading, no
userland proxy. The harness's containers run with ``--network host``, so nothing needs a bridge.

The engine is left running when the tests end (a later run, and ``docker ps -a`` after it, reuse it).
Where no engine can run, ``ensure_engine()`` raises a TargetError that says why; the pytest plugin
turns it into a loud skip.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from harness.core.errors import TargetError

if TYPE_CHECKING:
    import docker

SOCKET = "/var/run/docker.sock"
# Flags that keep the engine off every network but the host's own: the containers the harness runs
# use ``--network host``, and builds use ``--network host`` too.
DOCKERD_FLAGS = (
    "--bridge=none",
    "--iptables=false",
    "--ip-masq=false",
    "--userland-proxy=false",
    f"--host=unix://{SOCKET}",
    "--pidfile=/var/run/docker.pid",
)
INSTALL_COMMAND = ("apt-get", "install", "-y", "--no-install-recommends", "docker.io")


def cache_dir() -> Path:
    """Where the harness keeps what survives a run: the engine log, rootfs tarballs, build contexts."""
    root = os.environ.get("ROUTER_HARNESS_CACHE")
    if root:
        path = Path(root)
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "router-harness"
    path.mkdir(parents=True, exist_ok=True)
    return path


def ensure_engine(*, start: bool = True, timeout: float = 60.0) -> docker.DockerClient:
    """A client for a docker engine that answers, starting one when allowed and possible."""
    client = _connect()
    if client is not None:
        return client
    if not start:
        raise _no_engine("no docker engine answers and starting one was not allowed", fix="start dockerd")
    _check_can_start()
    with _start_lock():
        client = _connect()  # another process may have started it while we waited for the lock
        if client is not None:
            return client
        _ensure_installed()
        process = _start_dockerd()
        return _wait_for_engine(process, timeout)


def _connect() -> docker.DockerClient | None:
    import docker

    try:
        client = docker.from_env(version="auto", timeout=120)
        client.ping()
    except docker.errors.DockerException:
        return None
    except OSError:
        return None
    return client


def _no_engine(reason: str, *, fix: str, log_tail: str | None = None) -> TargetError:
    return TargetError(
        f"DOCKER MODE CANNOT RUN: {reason}",
        value=os.environ.get("DOCKER_HOST", f"unix://{SOCKET}"),
        allowed="a docker engine that answers `docker info`, or root with `dockerd` installable (apt-get)",
        fix=fix,
        log_tail=log_tail,
    )


def _check_can_start() -> None:
    if os.environ.get("DOCKER_HOST"):
        raise _no_engine(
            "DOCKER_HOST names an engine that does not answer; the harness starts its own engine only "
            "on the default socket",
            fix="start the engine DOCKER_HOST names, or unset DOCKER_HOST",
        )
    if os.geteuid() != 0:
        raise _no_engine(
            f"no docker engine answers, and starting one needs root (we are uid {os.geteuid()})",
            fix="start dockerd (e.g. `sudo dockerd &`) or run the tests as root",
        )


@contextlib.contextmanager
def _start_lock() -> Iterator[None]:
    with open(cache_dir() / "dockerd.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_installed() -> None:
    if shutil.which("dockerd"):
        return
    if not shutil.which("apt-get"):
        raise _no_engine(
            "`dockerd` is not installed and there is no apt-get to install it",
            fix="install a docker engine (the `docker.io` package or docker-ce)",
        )
    log = cache_dir() / "docker-install.log"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open(log, "w") as out:
        result = subprocess.run(INSTALL_COMMAND, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
        if result.returncode != 0:  # the package lists may be missing or old: update once, then retry
            subprocess.run(("apt-get", "update"), stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
            result = subprocess.run(
                INSTALL_COMMAND, stdout=out, stderr=subprocess.STDOUT, env=env, check=False
            )
    if result.returncode != 0 or not shutil.which("dockerd"):
        raise _no_engine(
            f"`{' '.join(INSTALL_COMMAND)}` failed (exit {result.returncode}); full log in {log}",
            fix="install a docker engine by hand, then rerun",
            log_tail=_tail(log, 20),
        )


def _start_dockerd() -> subprocess.Popen[bytes]:
    log = cache_dir() / "dockerd.log"
    with open(log, "ab") as out:
        # A new session, so that Ctrl-C in the test run does not stop the engine its cleanup needs.
        return subprocess.Popen(
            ("dockerd", *DOCKERD_FLAGS),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for_engine(process: subprocess.Popen[bytes], timeout: float) -> docker.DockerClient:
    log = cache_dir() / "dockerd.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client = _connect()
        if client is not None:
            return client
        if process.poll() is not None:
            raise _no_engine(
                f"dockerd exited with status {process.returncode} while starting; log in {log}",
                fix="read the log; a machine without cgroups or overlayfs support cannot run containers",
                log_tail=_tail(log, 20),
            )
        time.sleep(0.25)
    raise _no_engine(
        f"dockerd (pid {process.pid}) did not answer within {timeout:.0f} s; log in {log}",
        fix="read the log, or start dockerd by hand and rerun",
        log_tail=_tail(log, 20),
    )


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
