"""Docker mode: the router app in a container on the host network.

``--stack-config=docker:<image>[?config=<name-or-path>][&port=N]`` names the image. The harness's own
image is named ``router-harness/<profile>:<version>`` (e.g. ``router-harness/ogx:1.5.0``): it is built
on first use (see docker_image.py) and found in the cache afterwards. Any other image must already be
in the local engine: nothing is ever pulled.

The container runs with ``--network host`` and the app bound to 127.0.0.1 (the stack config's
``server.host`` is overridden), so every byte stays on loopback; its inference provider points at the
harness's record/replay endpoint through ``UPSTREAM_BASE_URL``. It is labelled with this process's id
and always removed on exit, failure or Ctrl-C; ``reap_stale_containers()`` removes the ones a killed
earlier run left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from harness.core.errors import TargetError, UsageError
from harness.targets.base import AppEnvironment, RunningStack
from harness.targets.docker_engine import ensure_engine
from harness.targets.exit_status import container_ended
from harness.targets.health import wait_healthy
from harness.targets.ports import accepts_connections, free_port, require_free
from harness.targets.registry import OpenContext, register
from harness.targets.server import loopback_config
from harness.targets.stack_config import ConfigFinder, StackSelection

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container

SCHEME = "docker:"
SPEC_FORMS = (
    "docker:<image>[?config=<name-or-path>][&port=N], e.g. docker:router-harness/ogx:1.5.0?config=replay"
)
SPEC_KEYS = ("config", "port")
IMAGE_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:@-]*$")
OWN_IMAGE = re.compile(r"^router-harness/(?P<profile>[a-z][a-z0-9-]*):(?P<version>\d[0-9A-Za-z.]*)$")

LABEL_SESSION = "router-harness.session"
LABEL_PID = "router-harness.pid"
LABEL_PID_START = "router-harness.pid-start"
LABEL_HOST = "router-harness.host"
SESSION_ID = uuid.uuid4().hex  # one per test process: every container it starts carries it

CONFIG_DIR_IN_CONTAINER = "/stack"
LOOPBACK = "127.0.0.1"
LOG_LINES_KEPT = 400


# -- the --stack-config value ----------------------------------------------------------------------


@dataclass(frozen=True)
class DockerSpec:
    """A parsed ``docker:`` stack-config value."""

    image: str
    config: str | None = None  # a bundled config's name or a path; the plugin resolves it
    port: int | None = None


def parse_docker_spec(value: str) -> DockerSpec:
    """Parse ``docker:<image>[?config=<name-or-path>][&port=N]``; anything else is a UsageError."""
    if not isinstance(value, str) or not value.startswith(SCHEME):
        raise _bad_spec(value, "it does not start with 'docker:'")
    image, _, query = value[len(SCHEME) :].partition("?")
    if not image:
        raise _bad_spec(value, "the image is missing after 'docker:'")
    if not IMAGE_REFERENCE.match(image):
        raise _bad_spec(value, f"{image!r} is not an image reference (letters, digits and ._/:@- only)")
    options = _parse_query(value, query)
    return DockerSpec(image=image, config=options.get("config"), port=_parse_port(value, options.get("port")))


def _parse_query(value: str, query: str) -> dict[str, str]:
    if not query:
        return {}
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise _bad_spec(value, f"{query!r} is not a list of key=value pairs joined by '&'") from None
    options: dict[str, str] = {}
    for key, item in pairs:
        if key not in SPEC_KEYS:
            raise _bad_spec(value, f"unknown option {key!r} (known: {', '.join(SPEC_KEYS)})")
        if key in options:
            raise _bad_spec(value, f"the option {key!r} is given twice")
        if not item:
            raise _bad_spec(value, f"the option {key!r} has no value")
        options[key] = item
    return options


def _parse_port(value: str, port: str | None) -> int | None:
    if port is None:
        return None
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise _bad_spec(value, f"port={port!r} is not a port number between 1 and 65535")
    return int(port)


def _bad_spec(value: object, reason: str) -> UsageError:
    return UsageError(
        f"--stack-config: {reason}",
        value=value,
        allowed=SPEC_FORMS,
        fix="pass --stack-config=docker:<image>, optionally with ?config=<name-or-path> and &port=N",
    )


def resolve_image(image: str) -> str:
    """The local image to run: the harness's own image is built on first use, others must exist."""
    import docker

    own = OWN_IMAGE.match(image)
    if own:
        from harness.targets.docker_image import ensure_image

        return ensure_image(own["profile"], own["version"])
    client = ensure_engine()
    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        raise TargetError(
            f"the docker image {image!r} is not in the local engine, and nothing is pulled from a registry",
            value=image,
            allowed="an image in `docker images`, or router-harness/<profile>:<version> (built on first use)",
            fix="build or load the image first, or use --stack-config=docker:router-harness/ogx:1.5.0",
        ) from None
    return image


# -- containers left by killed runs ----------------------------------------------------------------


def reap_stale_containers(client: docker.DockerClient | None = None) -> list[str]:
    """Remove containers a killed earlier run left behind (its process is gone); return their names."""
    import docker

    client = client or ensure_engine()
    removed = []
    for container in client.containers.list(all=True, filters={"label": LABEL_PID}):
        labels = container.labels
        if labels.get(LABEL_HOST) != socket.gethostname():
            continue
        if _owner_alive(labels.get(LABEL_PID, ""), labels.get(LABEL_PID_START, "")):
            continue
        _remove_stale(container, docker)
        removed.append(container.name)
    return removed


def _remove_stale(container: Any, docker: Any, *, timeout: float = 30.0) -> None:
    """Remove a stale container; another session reaping it at the same moment is not an error.

    docker answers 404 when the other session finished first and 409 ("removal … already in progress")
    while it is still removing; then wait until the container is gone, so callers see it gone."""
    try:
        container.remove(force=True)
        return
    except docker.errors.NotFound:
        return
    except docker.errors.APIError as error:
        if error.status_code != 409:
            raise
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            container.reload()
        except docker.errors.NotFound:
            return
        time.sleep(0.2)
    raise TargetError(
        f"stale container {container.name} is still being removed after {timeout:.0f} s",
        value=container.name,
        allowed="a container the docker engine can remove",
        fix=f"remove it by hand: docker rm -f {container.name}",
    )


def _owner_alive(pid_label: str, start_label: str) -> bool:
    if not pid_label.isdigit():
        return False
    pid = int(pid_label)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by someone else
    start = _process_start(pid)
    # A live pid with another start time is a new process that reused the number.
    return not (start and start_label and start != start_label)


def _process_start(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22, counted after the command name


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block ends, then raise it (only the main thread can; elsewhere, no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if caught:
        raise KeyboardInterrupt


def _owner_labels() -> dict[str, str]:
    return {
        LABEL_SESSION: SESSION_ID,
        LABEL_PID: str(os.getpid()),
        LABEL_PID_START: _process_start(os.getpid()),
        LABEL_HOST: socket.gethostname(),
    }


# -- the target ------------------------------------------------------------------------------------


class DockerTarget:
    """Run the app's image with a stack config; yields a RunningStack with mode="docker"."""

    def __init__(
        self,
        image: str,
        config: Path,
        env: AppEnvironment,
        port: int | None = None,
        health_timeout: float = 120,
    ) -> None:
        self.image = image
        self.config = Path(config)
        self.env = env
        self.port = port
        self.health_timeout = health_timeout
        self.container: Container | None = None
        self._name: str | None = None
        self._config_dir: Path | None = None
        self._kept_log = ""
        self._port = 0

    def __enter__(self) -> RunningStack:
        client = ensure_engine()
        reap_stale_containers(client)
        if self.port is not None:
            require_free(self.port, f"docker:{self.image}?port={self.port}")
        port = self._port = self.port or free_port()
        base_url = f"http://{LOOPBACK}:{port}"
        try:
            self._config_dir = Path(tempfile.mkdtemp(prefix="router-harness-docker-"))
            loopback_config(self.config, self._config_dir / "config.yaml", port).chmod(0o644)
            with _sigint_deferred():  # a container created but not yet known here could not be removed
                self.container = self._start(client, port)
            problem = wait_healthy(base_url, deadline_s=self.health_timeout, still_starting=self._exited)
            if problem:
                raise self._failure(problem)
        except BaseException:  # also Ctrl-C while waiting: nothing may be left running
            self._cleanup()
            raise
        return RunningStack(
            base_url=base_url,
            mode="docker",
            profile=self._profile(client),
            config=self.config,
            log_tail=self.log_tail,
            describe=f"{self.image}, docker mode on {base_url}, {self.config}",
            gone=self.gone,
        )

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._cleanup()

    def log_tail(self, n: int = 50) -> str:
        """The last ``n`` lines of the container's log (kept after the container is removed)."""
        import docker

        if self.container is not None:
            with contextlib.suppress(docker.errors.APIError):
                return self.container.logs(tail=n).decode("utf-8", "replace")
        return "\n".join(self._kept_log.splitlines()[-n:])

    def _start(self, client: docker.DockerClient, port: int) -> Container:
        state_dir = str(self.env.state_dir)
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        from harness.targets.docker_image import image_app
        from harness.targets.profiles import PROFILES

        profile = self._profile(client)
        # the harness's own images say which app they hold; any other image is taken to serve like OGX's
        command = image_app(profile).command(f"{CONFIG_DIR_IN_CONTAINER}/config.yaml", port)
        app_env = dict(PROFILES[profile].server_env) if profile in PROFILES else {}
        self._name = f"router-harness-{SESSION_ID[:8]}-{port}"
        return client.containers.run(
            self.image,
            command=command,
            detach=True,
            network_mode="host",
            init=True,
            user=f"{os.getuid()}:{os.getgid()}",
            environment={
                **self.env.variables(),
                **app_env,
                "OTEL_SDK_DISABLED": "true",
                "OGX_PORT": str(port),
            },
            volumes={
                str(self._config_dir): {"bind": CONFIG_DIR_IN_CONTAINER, "mode": "ro"},
                # the same path inside, so paths in the config and in reports mean the same file
                state_dir: {"bind": state_dir, "mode": "rw"},
            },
            labels=_owner_labels(),
            name=self._name,
        )

    def _exited(self) -> str | None:
        import docker

        assert self.container is not None
        try:
            self.container.reload()
        except docker.errors.NotFound:
            return "the container disappeared during start-up"
        if self.container.status in ("exited", "dead"):
            code = self.container.attrs.get("State", {}).get("ExitCode")
            return f"the container exited with code {code} during start-up"
        return None

    def gone(self, settle: float = 0) -> str | None:
        """How the container ended (its state: exit code, signal, OOMKilled), or None while it runs; see
        ``RunningStack.gone``. An engine that does not answer says nothing about the container: None."""
        import docker
        import requests

        container = self.container
        if container is None:
            return None
        deadline = time.monotonic() + settle
        while True:
            try:
                container.reload()
            except docker.errors.NotFound:
                return f"the container {container.name} is gone: something removed it while the tests ran"
            except (docker.errors.DockerException, requests.exceptions.RequestException):
                return None
            if container.status in ("exited", "dead"):
                return f"the container {container.name} {container_ended(container.attrs.get('State', {}))}"
            if not settle or accepts_connections(LOOPBACK, self._port):
                return None
            if time.monotonic() >= deadline:
                return (
                    f"the container {container.name} is {container.status}, but nothing accepts connections "
                    f"on {LOOPBACK}:{self._port} after {settle:.0f} s (its app is shutting down, or hung)"
                )
            time.sleep(0.1)

    def _failure(self, problem: str) -> TargetError:
        return TargetError(
            f"docker mode: the container did not become healthy: {problem}",
            value=f"image {self.image}, config {self.config}",
            allowed="an image whose app (`ogx run`, or `llama stack run` for a llama-stack image) serves the config",
            fix="read the container log below; check the stack config, or raise the deadline with "
            "--stack-startup-timeout",
            log_tail=self.log_tail(60) or "(the container printed nothing)",
        )

    def _profile(self, client: docker.DockerClient) -> str:
        labels = client.images.get(self.image).labels or {}
        return labels.get("router-harness.profile", "unknown")

    def _cleanup(self) -> None:
        import docker

        container, self.container = self.container, None
        if container is None and self._name is not None:  # started, but the start call did not return
            with contextlib.suppress(docker.errors.APIError):
                container = ensure_engine().containers.get(self._name)
        self._name = None
        if container is not None:
            with contextlib.suppress(docker.errors.APIError):
                self._kept_log = container.logs(tail=LOG_LINES_KEPT).decode("utf-8", "replace")
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True)
        if self._config_dir is not None:
            shutil.rmtree(self._config_dir, ignore_errors=True)
            self._config_dir = None


class _Docker:
    """``docker:<image>[?config=<name-or-path>][&port=N]``: the app in a container on the host network."""

    mode = "docker"

    def claims(self, value: str) -> bool:
        return value.startswith(SCHEME)

    def parse(self, value: str, finder: ConfigFinder) -> StackSelection:
        spec = parse_docker_spec(value.strip())
        config = finder.resolve(spec.config or "replay", value)
        if spec.port is not None:
            require_free(spec.port, value)
        return StackSelection(
            mode=self.mode, raw=value, config=config, port=spec.port, image=spec.image, target=self, spec=spec
        )

    def open(self, selection: StackSelection, context: OpenContext) -> DockerTarget:
        assert selection.config is not None and selection.image is not None
        # the image carries its own tiktoken cache (docker_image.py): no profile preparation here
        return DockerTarget(
            resolve_image(selection.image),
            selection.config,
            context.env,
            port=selection.port,
            health_timeout=context.startup_timeout,
        )


TARGET = register(_Docker())
