"""The parsed ``--stack-config`` value, and where stack config names are looked up.

Forms (each one a target: see registry.py):
  http://host:port, https://host:port   an already running stack (url mode)
  server:<config>[:port]                a subprocess on a loopback port (server mode)
  docker:<image>[?config=<config>]      a container on the host network (docker mode)
  <config>                              the app in the pytest process (library mode)
where <config> is a stack config path or a name looked up in the project's stacks directory, then among
the configs the harness ships (``harness/bundled/stacks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.core.bundled import STACKS
from harness.core.errors import UsageError

OPTION = "--stack-config"
ALLOWED_FORMS = (
    "<config> (library mode: a stack config path or a bundled name such as 'replay'), "
    "server:<config>[:port], http(s)://host:port, docker:<image>[?config=<config>][&port=N]"
)
CONFIG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class StackSelection:
    mode: str  # the target's mode: "library" | "server" | "url" | "docker" | …
    raw: str
    config: Path | None = None
    port: int | None = None
    url: str | None = None
    image: str | None = None
    target: Any = None  # the registry's Target that parsed it and opens it
    spec: Any = None  # anything else the target parsed (e.g. docker's image options)


def bad_value(value: str, why: str, fix: str) -> UsageError:
    return UsageError(f"{OPTION}: {why}", value=value, allowed=ALLOWED_FORMS, fix=fix)


@dataclass(frozen=True)
class ConfigFinder:
    """Stack config names, looked up in each directory in turn (the project's, then the bundled one)."""

    search: tuple[Path, ...] = ()

    @property
    def directories(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys([*self.search, STACKS]))

    def names(self) -> str:
        found = sorted({p.stem for d in self.directories if d.is_dir() for p in d.glob("*.y*ml")})
        return ", ".join(found) or "(none found)"

    def resolve(self, name_or_path: str, raw: str) -> Path:
        """A path to an existing file, or a config name (``replay`` → ``<stacks dir>/replay.yaml``)."""
        path = Path(name_or_path).expanduser()
        if path.is_dir():
            raise bad_value(
                raw,
                f"{name_or_path!r} is a directory, not a stack config file",
                f"name a stack config YAML file in it, or a bundled name: {self.names()}",
            )
        if path.suffix in {".yaml", ".yml"} or "/" in name_or_path or path.is_file():
            if path.is_file():
                return path.resolve()
            raise bad_value(
                raw,
                f"the stack config file {name_or_path!r} does not exist",
                f"give an existing stack config path, or a bundled name: {self.names()}",
            )
        if CONFIG_NAME.match(name_or_path):
            for directory in self.directories:
                for suffix in (".yaml", ".yml"):
                    candidate = directory / f"{name_or_path}{suffix}"
                    if candidate.is_file():
                        return candidate.resolve()
            raise bad_value(
                raw,
                f"no stack config named {name_or_path!r} (looked in "
                f"{', '.join(str(d) for d in self.directories)})",
                f"use one of the names ({self.names()}) or a path to a stack config file",
            )
        raise bad_value(
            raw, f"{name_or_path!r} is neither a file nor a stack config name", f"names: {self.names()}"
        )
