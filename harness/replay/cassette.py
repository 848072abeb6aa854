"""A cassette file: vcrpy's layout (``{"version": ..., "interactions": [...]}``), written as YAML.

Multi-line strings (pretty-printed request bodies, SSE streams) are written as YAML block literals, so a
re-recorded answer shows in a diff as the stream events that changed, one event per line. vcrpy's own
YAML and JSON serializers read these files (vcrpy ignores the version number and the extra keys); JSON
cassettes (vcrpy's JSON serializer) are read too.

Completeness: a file cut short at an entry boundary is still valid YAML, so version 2 (what the harness
writes) ends with ``entries: N``, the number of interactions, written last. A version-2 file without it,
or with a different count, was cut short (an interrupted copy, a bad merge, a full disk) and is refused.
Version 1 (vcrpy's own, and cassettes written before the count existed) is still read, without that
check: nothing in such a file can tell a whole one from a cut one. The harness writes version 2
whenever it rewrites a cassette (recording, prune, import), and the committed cassettes are version 2.

Every entry's bodies are checked at load (``body_check``): errors name the file, the entry and its line.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from harness.core.errors import CassetteError

from .body_check import check_bodies
from .interaction import Interaction

FORMAT_VERSION = 2
LEGACY_VERSION = 1  # no entry count: read without the completeness check
COUNT_KEY = "entries"
SUFFIXES = (".yaml", ".yml", ".json")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]  # the C dumper when PyYAML has it
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dumps(interactions: list[Interaction]) -> str:
    entries = [i.to_vcr() for i in interactions]
    data = {"version": FORMAT_VERSION, "interactions": entries, COUNT_KEY: len(entries)}  # the count last
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 20, default_flow_style=None
    )


def loads(text: str, source: Path) -> list[Interaction]:
    data, lines = _parse(text, source)
    if data is None:
        raise _incomplete(source, "it is empty")
    if isinstance(data, dict) and data.get("version") == FORMAT_VERSION and COUNT_KEY not in data:
        raise _incomplete(source, f"it ends without its '{COUNT_KEY}: N' line, which the harness writes last")
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        got = type(data).__name__ if not isinstance(data, dict) else f"keys {sorted(data)}"
        raise _error(source, f"the top level must be a mapping with an 'interactions' list, got {got}")
    version = data.get("version")
    if version not in (FORMAT_VERSION, LEGACY_VERSION):
        raise _error(
            source,
            f"unsupported cassette version {version!r} (this harness reads versions {LEGACY_VERSION} and {FORMAT_VERSION})",
        )
    if version == FORMAT_VERSION:
        _check_complete(data, source)
    interactions = []
    for index, entry in enumerate(data["interactions"]):
        where = f"interaction {index} (0-based{f', line {lines[index]}' if lines else ''})"
        try:
            interaction = Interaction.from_vcr(entry)
            check_bodies(interaction)
        except ValueError as problem:
            raise _error(source, f"{where}: {problem}") from None
        interactions.append(interaction)
    return interactions


def _check_complete(data: dict[str, Any], source: Path) -> None:
    count, found = data.get(COUNT_KEY), len(data["interactions"])
    if count == found and isinstance(count, int) and not isinstance(count, bool):
        return
    raise _incomplete(
        source, f"'{COUNT_KEY}: {count!r}' but {found} interaction{'s' if found != 1 else ''} remain"
    )


def _incomplete(source: Path, what: str) -> CassetteError:
    return CassetteError(
        f"cassette {source} is incomplete: {what}, so entries after the cut are missing",
        value=str(source),
        allowed=f"a version-{FORMAT_VERSION} cassette ending with '{COUNT_KEY}: N', N being the number of interactions",
        fix=(
            f"restore it from git (`git checkout -- {source}`), or re-record it with --inference-mode=record-if-missing; "
            f"if you removed entries by hand on purpose, set '{COUNT_KEY}:' to the number left"
        ),
    )


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
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by the `with` below; its name outlives it for the rename
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


def _parse(text: str, source: Path) -> tuple[Any, list[int] | None]:
    """The document, and the 1-based line each interaction starts on (YAML only; JSON has no positions)."""
    if source.suffix == ".json":
        try:
            return json.loads(text), None
        except json.JSONDecodeError as error:
            raise _error(
                source, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node), _entry_lines(node)) if node is not None else (None, None)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise _error(source, f"invalid YAML{where}: {problem}") from None
    finally:
        loader.dispose()


def _entry_lines(node: Any) -> list[int] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value == "interactions"
            and isinstance(value, yaml.SequenceNode)
        ):
            return [item.start_mark.line + 1 for item in value.value]
    return None


def _error(source: Path, what: str) -> CassetteError:
    return CassetteError(
        f"cassette {source} is unusable: {what}",
        value=str(source),
        allowed=f"a cassette in vcrpy's layout (version {FORMAT_VERSION}, or {LEGACY_VERSION} without the entry count) as the harness writes it",
        fix=(
            f"undo the hand edit (`git diff -- {source}` shows it, `git checkout -- {source}` restores it), "
            f"or delete the broken entry (and lower '{COUNT_KEY}:' by one) and re-record it with --inference-mode=record-if-missing"
        ),
    )
