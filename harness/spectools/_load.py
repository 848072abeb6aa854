"""Reading an OpenAPI document from a file, a git revision (``git:REF:PATH``) or a dict."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.core.errors import SpecError, kind_of

ALLOWED = "an OpenAPI 3.0.x or 3.1.x document (YAML or JSON) with a top-level `openapi: 3.x.y` key"
GIT_PREFIX = "git:"

try:  # the C loader reads the ~450 KB specs about five times faster
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader


@dataclass(frozen=True)
class Spec:
    doc: dict[str, Any]
    source: str  # file path, git:REF:PATH, or "<dict>"
    openapi: str  # the document's own `openapi` value, e.g. "3.1.0"

    @property
    def is_30(self) -> bool:
        """OpenAPI 3.0 schemas are not JSON Schema 2020-12: `nullable`, boolean exclusive bounds, $ref siblings ignored."""
        return self.openapi.startswith("3.0")


def load_spec(source: Spec | dict | str | Path) -> Spec:
    """Read and check an OpenAPI 3.x document. Raises :class:`SpecError` naming the file and the fix."""
    if isinstance(source, Spec):
        return source
    if isinstance(source, dict):
        return _checked(_str_keys(source) if _has_other_keys(source) else source, "<dict>")
    if isinstance(source, (str, Path)):
        name = str(source)
        text = _read_git(name) if name.startswith(GIT_PREFIX) else _read_file(Path(name))
        return _checked(_parse(text, name), name)
    raise SpecError(
        f"cannot load a spec from a {type(source).__name__}",
        value=source,
        allowed="a file path, git:REF:PATH, or an already parsed dict",
        fix="pass the path of the spec file",
    )


def _read_file(path: Path) -> str:
    if not path.exists():
        raise SpecError(
            f"spec file not found: {path}",
            value=str(path),
            allowed=ALLOWED,
            fix="check the path (it is relative to the current directory)",
        )
    if path.is_dir():
        raise SpecError(
            f"spec path is a directory: {path}",
            value=str(path),
            allowed=ALLOWED,
            fix="name the spec file inside it",
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(
            f"spec file is not UTF-8 text: {path} ({error.reason} at byte {error.start})",
            value=str(path),
            allowed=ALLOWED,
            fix="save the spec as UTF-8 YAML or JSON",
        ) from None
    except OSError as error:
        raise SpecError(
            f"cannot read spec file {path}: {error.strerror}",
            value=str(path),
            allowed=ALLOWED,
            fix="check the file's permissions",
        ) from None


def _read_git(name: str) -> str:
    ref, sep, path = name[len(GIT_PREFIX) :].partition(":")
    if not sep or not ref or not path:
        raise SpecError(
            f"malformed git spec reference: {name}",
            value=name,
            allowed="git:REF:PATH, e.g. git:origin/main:docs/openapi.yaml",
            fix="give a revision and a path relative to the repository root, separated by ':'",
        )
    try:
        done = subprocess.run(["git", "show", f"{ref}:{path}"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise SpecError(
            "git is not installed, so git:REF:PATH cannot be read",
            value=name,
            fix="install git or check the old spec out to a file and pass its path",
        ) from None
    if done.returncode != 0:
        raise SpecError(
            f"git could not read {path} at {ref}: {done.stderr.strip()}",
            value=name,
            allowed="git:REF:PATH with a revision git knows and a path relative to the repository root",
            fix="check the revision (git log) and the path (git ls-tree -r REF --name-only)",
        )
    return done.stdout


def _parse(text: str, name: str) -> Any:
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass  # YAML flow style also starts with "{"; let the YAML parser report
    try:
        return _str_keys(yaml.load(text, Loader=_YamlLoader))
    except RecursionError:
        raise SpecError(
            f"{name} nests too deeply (a YAML alias that contains itself?)",
            value=name,
            allowed=ALLOWED,
            fix="remove the self-referencing YAML anchor",
        ) from None
    except yaml.YAMLError as error:
        where = ""
        mark = getattr(error, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SpecError(
            f"{name} is neither JSON nor YAML{where}: {problem}",
            value=name,
            allowed=ALLOWED,
            fix="fix the syntax at that line (a YAML linter shows it)",
        ) from None


def _str_keys(node: Any) -> Any:
    """YAML reads `200:` as an int key; OpenAPI keys are strings."""
    if isinstance(node, dict):
        return {k if isinstance(k, str) else str(k): _str_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_str_keys(v) for v in node]
    return node


def _has_other_keys(node: Any) -> bool:
    """A dict from ``yaml.safe_load`` may hold int keys (`200:`); JSON-loaded dicts never do."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if not all(isinstance(k, str) for k in current):
                return True
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    return False


def _checked(doc: Any, name: str) -> Spec:
    if doc is None:
        raise SpecError(
            f"{name} is empty",
            value=name,
            allowed=ALLOWED,
            fix="pass the spec file itself (YAML or JSON, starting with `openapi: 3.x.y`)",
        )
    if not isinstance(doc, dict):
        raise SpecError(
            f"{name} is not an OpenAPI document: its top level is {kind_of(doc)}, not a mapping",
            value=name,
            allowed=ALLOWED,
            fix="pass the spec file itself",
        )
    version = doc.get("openapi")
    if version is None:
        if "swagger" in doc:
            raise SpecError(
                f"{name} is Swagger {doc['swagger']}, not OpenAPI 3",
                value=name,
                allowed=ALLOWED,
                fix="convert it to OpenAPI 3 first (e.g. with swagger2openapi)",
            )
        raise SpecError(
            f"{name} is not an OpenAPI document: no top-level `openapi` key",
            value=name,
            allowed=ALLOWED,
            fix="pass an OpenAPI spec (its first line is usually `openapi: 3.1.0`)",
        )
    version = str(version)
    if not version.startswith("3."):
        raise SpecError(
            f"{name} declares openapi {version!r}, which these tools do not read",
            value=version,
            allowed=ALLOWED,
            fix="use an OpenAPI 3.0 or 3.1 document",
        )
    for key in ("paths", "components"):
        if doc.get(key) is not None and not isinstance(doc[key], dict):
            raise SpecError(
                f"{name}: `{key}` is {kind_of(doc[key])}, not a mapping",
                value=key,
                allowed=ALLOWED,
                fix=f"make `{key}` a mapping",
            )
    return Spec(doc=doc, source=name, openapi=version)
