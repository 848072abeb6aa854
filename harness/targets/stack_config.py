"""Parsing ``--stack-config``: which app to run and how.

Forms (the order they are tried in):
  http://host:port, https://host:port   an already running stack (url mode)
  server:<config>[:port]                a subprocess on a loopback port (server mode)
  docker:<image>[?config=<config>]      a container on the host network (docker mode)
  <config>                              the app in the pytest process (library mode)
where <config> is a stack config path or the name of a bundled config under suites/stacks/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from harness.core.errors import UsageError

OPTION = "--stack-config"
ALLOWED_FORMS = (
    "<config> (library mode: a stack config path or a bundled name such as 'replay'), "
    "server:<config>[:port], http(s)://host:port, docker:<image>[?config=<config>]"
)
BUNDLED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
KNOWN_PREFIXES = ("server", "docker", "http", "https")


@dataclass(frozen=True)
class StackSelection:
    mode: str  # "library" | "server" | "url" | "docker"
    raw: str
    config: Path | None = None
    port: int | None = None
    url: str | None = None
    image: str | None = None


def _bad(value: str, why: str, fix: str) -> UsageError:
    return UsageError(f"{OPTION}: {why}", value=value, allowed=ALLOWED_FORMS, fix=fix)


def resolve_config(name_or_path: str, stacks_dir: Path, raw: str) -> Path:
    """A path to an existing file, or a bundled name (``replay`` → ``suites/stacks/replay.yaml``)."""
    path = Path(name_or_path).expanduser()
    if path.suffix in {".yaml", ".yml"} or "/" in name_or_path or path.is_file():
        if path.is_file():
            return path.resolve()
        raise _bad(raw, f"the stack config file {name_or_path!r} does not exist",
                   f"give an existing stack config path, or a bundled name: {_bundled_names(stacks_dir)}")
    if BUNDLED_NAME.match(name_or_path):
        for suffix in (".yaml", ".yml"):
            candidate = stacks_dir / f"{name_or_path}{suffix}"
            if candidate.is_file():
                return candidate.resolve()
        raise _bad(raw, f"no bundled stack config named {name_or_path!r} in {stacks_dir}",
                   f"use one of the bundled names ({_bundled_names(stacks_dir)}) or a path to a stack config file")
    raise _bad(raw, f"{name_or_path!r} is neither a file nor a bundled config name",
               f"bundled names: {_bundled_names(stacks_dir)}")


def _bundled_names(stacks_dir: Path) -> str:
    names = sorted(p.stem for p in stacks_dir.glob("*.y*ml")) if stacks_dir.is_dir() else []
    return ", ".join(names) or "(none found)"


def parse_stack_config(value: str, *, stacks_dir: Path) -> StackSelection:
    raw = value
    value = value.strip()
    if not value:
        raise _bad(raw, "the value is empty", "pass --stack-config=replay to run the bundled replay stack in-process")
    prefix, sep, rest = value.partition(":")
    if sep and prefix in {"http", "https"}:
        return _parse_url(raw)
    if sep and prefix == "server":
        return _parse_server(raw, rest, stacks_dir)
    if sep and prefix == "docker":
        if not rest:
            raise _bad(raw, "docker: needs an image name", "e.g. --stack-config=docker:router-harness/ogx:1.5.0")
        return StackSelection(mode="docker", raw=raw, image=rest)
    if sep and not Path(value).exists() and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", prefix) and len(prefix) > 1:
        raise _bad(raw, f"unknown form {prefix + ':'!r}",
                   "use one of the allowed forms, e.g. --stack-config=replay or --stack-config=server:replay")
    return StackSelection(mode="library", raw=raw, config=resolve_config(value, stacks_dir, raw))


def _parse_url(raw: str) -> StackSelection:
    parts = urlsplit(raw.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1 or parts.path not in {"", "/"} or parts.query:
        raise _bad(raw, "not a usable base URL of a running stack",
                   "give scheme, host and optional port only, e.g. --stack-config=http://127.0.0.1:8321")
    return StackSelection(mode="url", raw=raw, url=f"{parts.scheme}://{parts.netloc}")


def _parse_server(raw: str, rest: str, stacks_dir: Path) -> StackSelection:
    config, port = rest, None
    head, sep, tail = rest.rpartition(":")
    if sep and tail.isdigit():
        config, port = head, int(tail)
        if not 1 <= port <= 65535:
            raise _bad(raw, f"port {port} is out of range 1-65535",
                       "omit the port to get a free one, e.g. --stack-config=server:replay")
    elif sep and not Path(rest).exists():
        raise _bad(raw, f"{tail!r} is not a port number", "write server:<config>[:port], e.g. server:replay:8321")
    if not config:
        raise _bad(raw, "server: needs a stack config", "e.g. --stack-config=server:replay")
    return StackSelection(mode="server", raw=raw, config=resolve_config(config, stacks_dir, raw), port=port)
