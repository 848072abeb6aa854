"""The results file: what one pytest run (one CI job) found, as data. Written by the plugin next to its
JUnit XML and Markdown report; read back (and checked against the shipped JSON schema) by the views and
by ``harness report merge``, which reads nothing else."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness.core.errors import UsageError

FORMAT = "router-harness-results"
VERSION = 1
FILE_GLOB = "results-*.json"
ALLOWED = f"a results-<mode>.json file written by the harness's pytest plugin (format {FORMAT!r}, version {VERSION})"


def file_name(mode: str) -> str:
    return f"results-{mode}.json"


def harness_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("router-harness")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


@cache
def schema() -> dict[str, Any]:
    return json.loads(
        resources.files(__package__).joinpath("results.schema.json").read_text(encoding="utf-8")
    )


def dumps(results: dict[str, Any]) -> str:
    """Compact but diff-able: one key order, no indentation (the property suite's file stays small)."""
    return json.dumps(results, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def write(path: Path, results: dict[str, Any]) -> Path:
    problems = validation_problems(results)
    if problems:  # a harness bug: say so rather than write a file the merge would refuse
        raise ValueError(f"the results about to be written to {path} do not match the schema: {problems[0]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(dumps(results), encoding="utf-8")
    temporary.replace(path)  # never a half-written results file for a merge to find
    return path


def validation_problems(document: Any) -> list[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"at {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors]


def load(path: Path) -> dict[str, Any]:
    """One results file, checked: complete JSON, this format and version, valid under the schema."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(
            f"results file {path} cannot be read: {error.strerror or error}",
            value=str(path),
            allowed=ALLOWED,
            fix="check the path",
        ) from None
    try:
        document = json.loads(text)
    except ValueError as error:
        cut = " (it ends mid-document: truncated)" if text.strip() and not text.rstrip().endswith("}") else ""
        raise UsageError(
            f"results file {path} is not complete JSON{cut}: {error}",
            value=str(path),
            allowed=ALLOWED,
            fix="the job that wrote it was probably cut off or its upload failed: re-run that job, "
            "or leave the file out of the merge",
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise UsageError(
            f"{path} is not a router-harness results file (format {found!r})",
            value=str(path),
            allowed=ALLOWED,
            fix="pass the directories the jobs wrote their reports to (reports/), "
            "or the results-<mode>.json files themselves",
        )
    if document.get("version") != VERSION:
        wrote = document.get("harness_version", "an unknown router-harness version")
        raise UsageError(
            f"results file {path} has version {document.get('version')!r}, written by router-harness {wrote}",
            value=document.get("version"),
            allowed=f"version {VERSION} (what router-harness {harness_version()} reads)",
            fix=f"merge it with the router-harness that wrote it (pip install 'router-harness=={wrote}'), "
            "or re-run that job with this one",
        )
    problems = validation_problems(document)
    if problems:
        raise UsageError(
            f"results file {path} does not match the results schema {problems[0]}"
            + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""),
            value=str(path),
            allowed=ALLOWED + ", valid under harness/report/results.schema.json",
            fix="re-run the job that wrote it; do not edit results files by hand",
        )
    return document


def find(paths: list[Path]) -> list[Path]:
    """Every results file under the given directories (searched recursively, as CI artifacts nest them)
    or given directly; a directory holding none is an error naming it."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            inside = sorted(p for p in path.rglob(FILE_GLOB) if p.is_file())
            if not inside:
                raise UsageError(
                    f"no results file under {path}",
                    value=str(path),
                    allowed=f"directories holding {FILE_GLOB} (the plugin writes one next to each "
                    "junit-<mode>.xml), or such files",
                    fix="run the suites there first (pytest suites/… writes reports/results-<mode>.json), "
                    "or check the artifact download path",
                )
            found += inside
        else:
            raise UsageError(
                f"{path} does not exist",
                value=str(path),
                allowed=f"directories holding {FILE_GLOB}, or such files",
                fix="check the path",
            )
    unique: list[Path] = []
    for path in found:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique
