"""Which cassette entries the last full replay run used, and pruning the ones it did not.

The usage file lists the keys that run *knew* (every entry loaded) and the keys it *used*. Prune removes
known-but-unused entries only, so an entry recorded after that run is never pruned by mistake. Keys
depend on the matching rules, so the file also holds the rules' digest and prune refuses on a mismatch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.core.errors import UsageError

from . import cassette
from .library import CassetteLibrary, display_path
from .locking import file_lock
from .rules import MatchRules

USAGE_FILE = ".usage.json"
USAGE_VERSION = 1


def usage_path(cassette_dir: Path) -> Path:
    return Path(cassette_dir) / USAGE_FILE


def write_usage(
    cassette_dir: Path,
    rules: MatchRules | str,
    *,
    known: Iterable[str],
    used: Iterable[str],
    path: Path | None = None,
    run_id: str | None = None,
) -> Path:
    """Write the usage file (``rules``: the matching rules, or their digest). Parts of one run (same
    ``run_id``) merge their sets; a different run replaces the file."""
    target = Path(path) if path is not None else usage_path(cassette_dir)
    digest = rules if isinstance(rules, str) else rules.digest
    known, used = set(known), set(used)
    with file_lock(target):
        if run_id is not None and target.exists():
            try:
                previous = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                previous = {}
            if previous.get("run_id") == run_id and previous.get("rules_digest") == digest:
                known |= set(previous.get("known", []))
                used |= set(previous.get("used", []))
        document = {
            "version": USAGE_VERSION,
            "rules_digest": digest,
            "run_id": run_id,
            "known": sorted(known),
            "used": sorted(used),
        }
        cassette.write_atomic(target, json.dumps(document, indent=1) + "\n")
    return target


@dataclass(frozen=True)
class Usage:
    known: frozenset[str]
    used: frozenset[str]
    rules_digest: str


def read_usage(path: Path) -> Usage:
    if not path.exists():
        raise UsageError(
            f"there is no usage file at {display_path(path)}, so it is unknown which entries the tests use",
            value=str(path),
            fix="run the whole suite once in replay mode (pytest, --inference-mode=replay, no -k/-m selection) "
            "so it writes the usage file, then run `harness cassettes prune` again",
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("version") != USAGE_VERSION:
            raise ValueError(f"unsupported version {document.get('version')!r}")
        return Usage(frozenset(document["known"]), frozenset(document["used"]), str(document["rules_digest"]))
    except (ValueError, KeyError, TypeError, AttributeError) as problem:
        raise UsageError(
            f"the usage file {display_path(path)} is unreadable: {problem}",
            value=str(path),
            fix="delete it and run the whole suite once in replay mode to write a fresh one",
        ) from None


@dataclass
class PruneResult:
    removed: list[tuple[Path, int, str]] = field(default_factory=list)  # (file, index, key)
    kept: int = 0
    files_changed: list[Path] = field(default_factory=list)


def prune(
    cassette_dir: Path,
    *,
    rules: MatchRules | None = None,
    usage_file: Path | None = None,
    dry_run: bool = False,
) -> PruneResult:
    """Remove entries that the last full replay run loaded but never used (and duplicate entries)."""
    cassette_dir = Path(cassette_dir)
    rules = rules or MatchRules.load()
    usage = read_usage(Path(usage_file) if usage_file else usage_path(cassette_dir))
    if usage.rules_digest != rules.digest:
        raise UsageError(
            "the usage file was written under different matching rules, so its keys do not match today's",
            value=usage.rules_digest[:16],
            allowed=f"a usage file written with rules {rules.source.name} (digest {rules.digest[:16]})",
            fix="run the whole suite once in replay mode with the current rules, then prune",
        )
    result = PruneResult()
    library = CassetteLibrary(cassette_dir, rules)
    seen: set[str] = set()
    for path in library.files():
        with file_lock(path):
            interactions = cassette.load(path)
            kept = []
            for index, interaction in enumerate(interactions):
                key = library.key_of(interaction)
                unused = key in usage.known and key not in usage.used
                if unused or key in seen:
                    result.removed.append((path, index, key))
                else:
                    kept.append(interaction)
                seen.add(key)
            result.kept += len(kept)
            if len(kept) != len(interactions):
                result.files_changed.append(path)
                if not dry_run:
                    if kept:
                        cassette.save(path, kept)
                    else:
                        path.unlink()
    return result
