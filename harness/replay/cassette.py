"""A cassette file: vcrpy's layout (``{"version": 1, "interactions": [...]}``), written as YAML.

Multi-line strings (pretty-printed request bodies, SSE streams) are written as YAML block literals, so a
re-recorded answer shows in a diff as the stream events that changed, one event per line. vcrpy's own
YAML and JSON serializers read these files; JSON cassettes (vcrpy's JSON serializer) are read too.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from harness.core.errors import CassetteError

from .interaction import Interaction

FORMAT_VERSION = 1
SUFFIXES = (".yaml", ".yml", ".json")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dumps(interactions: list[Interaction]) -> str:
    data = {"version": FORMAT_VERSION, "interactions": [i.to_vcr() for i in interactions]}
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 20, default_flow_style=None)


def loads(text: str, source: Path) -> list[Interaction]:
    data = _parse(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        got = type(data).__name__ if not isinstance(data, dict) else f"keys {sorted(data)}"
        raise _error(source, f"the top level must be a mapping with an 'interactions' list, got {got}")
    if data.get("version") != FORMAT_VERSION:
        raise _error(source, f"unsupported cassette version {data.get('version')!r} (this harness reads version {FORMAT_VERSION})")
    interactions = []
    for index, entry in enumerate(data["interactions"]):
        try:
            interactions.append(Interaction.from_vcr(entry))
        except ValueError as problem:
            raise _error(source, f"interaction {index} (0-based): {problem}") from None
    return interactions


def load(path: Path) -> list[Interaction]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise _error(path, f"not UTF-8 text (byte offset {error.start})") from None
    except OSError as error:
        raise _error(path, f"cannot be read: {error.strerror}") from None
    return loads(text, path)


def save(path: Path, interactions: list[Interaction]) -> None:
    write_atomic(path, dumps(interactions))


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename over it: readers and an interrupted run only
    ever see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), _mode_for(path))
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0644 (minus the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o644 & ~umask


def is_cassette_file(path: Path) -> bool:
    return path.suffix in SUFFIXES and not path.name.startswith(".")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _parse(text: str, source: Path) -> Any:
    if source.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise _error(source, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise _error(source, f"invalid YAML{where}: {problem}") from None


def _error(source: Path, what: str) -> CassetteError:
    return CassetteError(
        f"cassette {source} is unusable: {what}",
        value=str(source),
        allowed=f"a vcrpy cassette (version {FORMAT_VERSION}) as written by the harness",
        fix=(
            f"undo the hand edit (`git diff -- {source}` shows it, `git checkout -- {source}` restores it), "
            "or delete the broken entry and re-record it with --inference-mode=record-if-missing"
        ),
    )
