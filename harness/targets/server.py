"""Server mode: the stack as a subprocess on a loopback port, always stopped."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
from pathlib import Path

import yaml

from harness.core.errors import TargetError, UsageError

from .base import AppEnvironment, RunningStack
from .exit_status import process_ended
from .health import wait_healthy
from .log_tail import file_tail, last_exception
from .ports import accepts_connections, free_port, require_free
from .profiles import StackProfile
from .registry import OpenContext, register
from .stack_config import ConfigFinder, StackSelection, bad_value

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child: SIGTERM it if pytest dies without tearing down (e.g. SIGKILL)."""
    os.setsid()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def loopback_config(config: Path, dest: Path, port: int) -> Path:
    """A copy of the stack config that listens on 127.0.0.1 only (OGX's default host is ``::``)."""
    try:
        data = yaml.safe_load(config.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(
            f"the stack config {config} cannot be read: {error}",
            value=str(config),
            fix="give a readable YAML stack config",
        ) from None
    if not isinstance(data, dict):
        raise UsageError(
            f"the stack config {config} is not a YAML mapping",
            value=str(config),
            fix="give a stack config (a mapping with version, apis, providers, ...)",
        )
    data.setdefault("server", {})
    data["server"] = {**(data["server"] or {}), "host": "127.0.0.1", "port": port}
    dest.write_text(yaml.safe_dump(data, sort_keys=False))
    return dest


class ServerTarget:
    def __init__(
        self,
        profile: StackProfile,
        config: Path,
        env: AppEnvironment,
        *,
        port: int | None = None,
        startup_timeout: float = 120,
        option_value: str = "",
    ) -> None:
        self.profile = profile
        self.config = config
        self.env = env
        self.port = port
        self.startup_timeout = startup_timeout
        self.option_value = option_value or f"server:{config}"
        self.log_path = env.state_dir / "server.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._port = 0

    def log_tail(self, n: int = 30) -> str:
        return file_tail(self.log_path, n)

    def __enter__(self) -> RunningStack:
        version = self.profile.require_installed()
        if self.port is not None:
            require_free(self.port, self.option_value)
        port = self._port = self.port or free_port()
        config = loopback_config(self.config, self.env.state_dir / "stack-config.yaml", port)
        defaults = {name: value for name, value in self.profile.server_env if name not in os.environ}
        # the app's own temporary files (OGX's CLI writes the resolved config, secrets included, as
        # ogx-run-*.yaml in the system's temporary directory and leaves it) go under the session's state
        # directory, removed with it
        scratch = self.env.state_dir / "tmp"
        scratch.mkdir(exist_ok=True)
        env = {
            **os.environ,
            **defaults,
            **self.env.variables(),
            **self.profile.prepare(self.env.state_dir),
            self.profile.config_env: str(config),
            "TMPDIR": str(scratch),
        }
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                self.profile.server_command(str(config), port),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.env.state_dir,
                preexec_fn=_die_with_parent,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            problem = wait_healthy(base_url, deadline_s=self.startup_timeout, still_starting=self._exited)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if problem:
            tail = self.log_tail(40)
            cause = last_exception(file_tail(self.log_path, 400))
            self.__exit__(None, None, None)
            raise TargetError(
                f"the {self.profile.name} server did not become healthy: {problem}"
                + (f"; the app's last error: {cause}" if cause else ""),
                value=self.option_value,
                fix=f"read the log ({self.log_path}); check the stack config, or raise the deadline with "
                "--stack-startup-timeout",
                log_tail=tail,
            )
        return RunningStack(
            base_url=base_url,
            mode="server",
            profile=self.profile.name,
            config=self.config,
            log_tail=self.log_tail,
            describe=f"{self.profile.name} {version}, server mode on {base_url}, {self.config}",
            gone=self.gone,
        )

    def gone(self, settle: float = 0) -> str | None:
        """How the server ended, or None while it runs; see ``RunningStack.gone``."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            if not settle or accepts_connections("127.0.0.1", self._port):
                return None
            try:
                proc.wait(timeout=settle)
            except subprocess.TimeoutExpired:
                return (
                    f"the {self.profile.name} server (pid {proc.pid}) no longer accepts connections on "
                    f"127.0.0.1:{self._port}, and it has not exited after {settle:.0f} s (shutting down, or hung)"
                )
        return f"the {self.profile.name} server (pid {proc.pid}) {process_ended(proc.returncode)}"

    def _exited(self) -> str | None:
        if self._proc is not None and self._proc.poll() is not None:
            return f"the server process exited with code {self._proc.returncode} during start-up"
        return None

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is not None:
            # a server that died (killed, crashed) leaves its own children (OGX's job workers) running
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass


class _Server:
    """``server:<config>[:port]``: the app as a subprocess on a loopback port."""

    mode = "server"

    def claims(self, value: str) -> bool:
        return value.startswith("server:")

    def parse(self, value: str, finder: ConfigFinder) -> StackSelection:
        rest = value.strip()[len("server:") :]
        config, port = rest, None
        head, sep, tail = rest.rpartition(":")
        if sep and tail.isdigit():
            config, port = head, int(tail)
            if not 1 <= port <= 65535:
                raise bad_value(
                    value,
                    f"port {port} is out of range 1-65535",
                    "omit the port to get a free one, e.g. --stack-config=server:replay",
                )
        elif sep and not Path(rest).exists():
            raise bad_value(
                value,
                f"{tail!r} is not a port number",
                "write server:<config>[:port], e.g. server:replay:8321",
            )
        if not config:
            raise bad_value(value, "server: needs a stack config", "e.g. --stack-config=server:replay")
        if port is not None:
            require_free(port, value)  # before anything starts; checked again when the server starts
        return StackSelection(
            mode=self.mode, raw=value, config=finder.resolve(config, value), port=port, target=self
        )

    def open(self, selection: StackSelection, context: OpenContext) -> ServerTarget:
        assert selection.config is not None
        return ServerTarget(
            context.profile,
            selection.config,
            context.env,
            port=selection.port,
            startup_timeout=context.startup_timeout,
            option_value=selection.raw,
        )


TARGET = register(_Server())
