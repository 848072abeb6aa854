"""A router-app profile: everything the harness knows about one app (its factory, the command that serves
a config, the environment of each mode, its docker image's packages, the steps before it starts). Each
app's profile is one module under ``harness/targets/apps/``; ``profiles.py`` is their registry."""

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
    # What docker mode's image installs from PyPI ("{version}" is the app's version): the profile's extra
    # in pyproject.toml, which a test keeps equal. Empty: no image recipe (name a prebuilt image instead).
    image_packages: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        """The app's top-level package (what the image's self-check imports)."""
        return self.app_factory.split(":")[0].split(".")[0]

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
                allowed=f"{self.distribution} installed in this environment",
                fix=f"pip install -e '.[{self.name}]'  (or pick another profile with --stack-profile)",
            )
        return version
