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
    cli_module: str  # ``python -m <cli_module> <serve…>`` starts the server (what ``program`` runs)
    program: str  # the console command a person types (``ogx``, ``llama``)
    # How the app serves a stack config: "{config}" and "{port}" are filled in. The one command for server
    # mode, the docker image and the hints in messages, so they cannot disagree.
    serve: tuple[str, ...] = ("run", "{config}", "--port", "{port}")
    # In library mode the app logs into the test output: keep it to warnings unless the user set it.
    library_env: tuple[tuple[str, str], ...] = ()
    # In server mode: OGX's rich console tracebacks take seconds per logged error; JSON lines do not.
    server_env: tuple[tuple[str, str], ...] = ()

    def create_app(self):
        module_name, func_name = self.app_factory.split(":")
        return getattr(importlib.import_module(module_name), func_name)()

    def serve_args(self, config: str, port: int) -> list[str]:
        return [part.format(config=config, port=port) for part in self.serve]

    def server_command(self, config: str, port: int) -> list[str]:
        return [sys.executable, "-m", self.cli_module, *self.serve_args(config, port)]

    def server_hint(self, config: str, port: int = 8321) -> str:
        """The command a person types to serve ``config`` (for messages)."""
        return " ".join([self.program, *self.serve_args(config, port)])

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
        program="ogx",
        # `ogx run` (`ogx stack run` is its deprecated alias); OGX refuses to serve without TLS unless told
        # the address is local, and the harness binds 127.0.0.1 only
        serve=("run", "{config}", "--port", "{port}", "--insecure"),
        library_env=(("OGX_LOGGING", "all=warning"),),
        server_env=(("OGX_LOG_FORMAT", "json"),),
    ),
    "llama-stack": StackProfile(
        name="llama-stack",
        distribution="llama-stack",
        app_factory="llama_stack.core.server.server:create_app",
        config_env="LLAMA_STACK_CONFIG",
        cli_module="llama_stack.cli.llama",
        program="llama",
        serve=("stack", "run", "{config}", "--port", "{port}"),
        library_env=(("LLAMA_STACK_LOGGING", "all=warning"),),
        # Its default console log renders each traceback with rich, which blocks the server ~5 s a time.
        server_env=(("LLAMA_STACK_LOG_FORMAT", "json"),),
    ),
}


ENTRY_POINT_GROUP = "harness.profiles"  # a router app ships its own: name = "module:PROFILE"


def _shipped_elsewhere() -> dict[str, StackProfile]:
    found = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name not in PROFILES:
            profile = entry_point.load()
            if isinstance(profile, StackProfile):
                found[entry_point.name] = profile
    return found


def get_profile(name: str) -> StackProfile:
    if name in PROFILES:
        return PROFILES[name]
    others = _shipped_elsewhere()
    if name in others:
        return others[name]
    raise UsageError(
        "unknown stack profile",
        value=name,
        allowed=", ".join([*PROFILES, *others]),
        fix="pass --stack-profile=ogx (the default) or --stack-profile=llama-stack, or install the package "
        f"that registers the profile in the {ENTRY_POINT_GROUP!r} entry-point group",
    )
