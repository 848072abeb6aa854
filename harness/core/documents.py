"""Reading a JSON or YAML file that a person wrote or fetched, with one kind of clear error for every
way it can go wrong (missing, unreadable, bad syntax). Used for specs, deviations, setups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import HarnessError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_document(
    path: str | Path, *, what: str, allowed: str, fix: str, error: type[HarnessError] = HarnessError
) -> Any:
    """The parsed content of ``path`` (JSON for ``.json``, YAML otherwise).

    ``what`` names the document in messages ("the OpenAPI document", "the deviations file");
    ``allowed`` and ``fix`` go into the error raised (of type ``error``) on a syntax problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(
            f"cannot read {what} {path}: {problem.strerror or problem}",
            value=str(path),
            allowed=f"a readable {'JSON' if path.suffix.lower() == '.json' else 'YAML'} file",
            fix="check the path (relative paths are taken from the current directory)",
        ) from None
    syntax = "JSON" if path.suffix.lower() == ".json" else "YAML"
    try:
        return json.loads(text) if syntax == "JSON" else yaml.load(text, Loader=_LOADER)
    except (ValueError, yaml.YAMLError) as problem:
        raise error(
            f"{path} is not valid {syntax}: {problem}", value=str(path), allowed=allowed, fix=fix
        ) from None
