"""Stack profiles: what differs between router apps that share the harness (OGX, llama-stack)."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.core.errors import UsageError


@dataclass(frozen=True)
class StackProfile:
    name: str  # "ogx" | "llama-stack"
    distribution: str  # the PyPI distribution that provides it
    app_factory: str  # "module:function" returning the FastAPI app
    config_env: str  # the environment variable the factory reads the stack config path from
    cli_module: str  # ``python -m <cli_module> stack run CONFIG --port N`` starts the server
    server_args: tuple[str, ...] = ()  # e.g. OGX refuses to serve without TLS unless told it is local
    # In library mode the app logs into the test output: keep it to warnings unless the user set it.
    library_env: tuple[tuple[str, str], ...] = ()
    # In server mode: OGX's rich console tracebacks take seconds per logged error; JSON lines do not.
    server_env: tuple[tuple[str, str], ...] = ()

    def create_app(self):
        module_name, func_name = self.app_factory.split(":")
        return getattr(importlib.import_module(module_name), func_name)()

    def server_command(self, config: str, port: int) -> list[str]:
        return [sys.executable, "-m", self.cli_module, "stack", "run", config, "--port", str(port), *self.server_args]

    def server_hint(self, config: str, port: int = 8321) -> str:
        """The command a person types to serve ``config`` (for messages)."""
        program = {"ogx": "ogx", "llama-stack": "llama"}.get(self.name, self.name)
        return " ".join([program, "stack", "run", config, "--port", str(port), *self.server_args])

    def prepare(self, state_dir: Path) -> dict[str, str]:
        """Steps before the app starts on this machine (library and server mode): the environment they
        produce. Both apps' vector_io providers load tiktoken's cl100k_base at start-up, offline."""
        from .tiktoken_cache import prepare_tiktoken_cache

        return {"TIKTOKEN_CACHE_DIR": str(prepare_tiktoken_cache(state_dir / "tiktoken"))}

    def installed_version(self) -> str | None:
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return None

    def require_installed(self) -> str:
        version = self.installed_version()
        if version is None:
            raise UsageError(
                f"the router app for profile {self.name!r} is not installed",
                value=self.distribution,
                allowed=", ".join(f"{p.name} ({p.distribution})" for p in PROFILES.values()),
                fix=f"pip install -e '.[{self.name}]'  (or pick another profile with --stack-profile)",
            )
        return version


PROFILES: dict[str, StackProfile] = {
    "ogx": StackProfile(
        name="ogx",
        distribution="ogx",
        app_factory="ogx.core.server.server:create_app",
        config_env="OGX_CONFIG",
        cli_module="ogx.cli.ogx",
        server_args=("--insecure",),  # the harness binds 127.0.0.1 only
        library_env=(("OGX_LOGGING", "all=warning"),),
        server_env=(("OGX_LOG_FORMAT", "json"),),
    ),
    "llama-stack": StackProfile(
        name="llama-stack",
        distribution="llama-stack",
        app_factory="llama_stack.core.server.server:create_app",
        config_env="LLAMA_STACK_CONFIG",
        cli_module="llama_stack.cli.llama",
        library_env=(("LLAMA_STACK_LOGGING", "all=warning"),),
        # Its default console log renders each traceback with rich, which blocks the server ~5 s a time.
        server_env=(("LLAMA_STACK_LOG_FORMAT", "json"),),
    ),
}


def get_profile(name: str) -> StackProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(
            "unknown stack profile",
            value=name,
            allowed=", ".join(PROFILES),
            fix="pass --stack-profile=ogx (the default) or --stack-profile=llama-stack",
        ) from None
