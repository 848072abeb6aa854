"""Every cassette under one directory, indexed by the canonical request's key.

Lookup is one dict access. Only a miss scans, and only the entries with the same method and path, to
find the nearest recording for the error message. New recordings are kept in memory until ``flush()``:
under the file's lock it re-reads each target file, merges (another worker may have written it
meanwhile) and replaces it atomically (temporary file, then ``os.replace``). The recorder flushes after
every answer, so a stopped run keeps all it completed; the importer adds everything, then flushes once.
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import cassette
from .interaction import Interaction
from .locking import file_lock
from .rules import CanonicalRequest, MatchRules

UNATTRIBUTED = "unattributed.yaml"


@dataclass(frozen=True)
class Entry:
    key: str
    file: Path
    index: int | None  # position in the file (0-based); None until a new recording is flushed
    interaction: Interaction
    canonical: CanonicalRequest

    @property
    def ref(self) -> str:
        return f"{display_path(self.file)}#{self.index if self.index is not None else 'new'}"


class CassetteLibrary:
    def __init__(self, root: Path, rules: MatchRules) -> None:
        self.root = Path(root)
        self.rules = rules
        self._entries: dict[str, Entry] = {}
        self._by_route: dict[tuple[str, str], list[Entry]] = {}
        self._pending: dict[Path, dict[str, tuple[Interaction, bool]]] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: Path, rules: MatchRules) -> CassetteLibrary:
        library = cls(root, rules)
        for path in library.files():
            for index, interaction in enumerate(cassette.load(path)):
                canonical = library.canonical_of(interaction)
                library._index(Entry(canonical.key, path, index, interaction, canonical))
        return library

    def index_foreign(
        self,
        interactions: list[tuple[Path, Interaction]],
        canonical_of: Callable[[Interaction], CanonicalRequest] | None = None,
    ) -> int:
        """Entries read where they lie in another tool's format (OGX's recordings): served, never
        written. A cassette entry with the same key wins. Returns how many were added. ``canonical_of``
        gives canonical forms already computed under these rules (they are the costly part)."""
        canonical_of = canonical_of or self.canonical_of
        added = 0
        for file, interaction in interactions:
            canonical = canonical_of(interaction)
            if canonical.key in self._entries:
                continue
            self._index(Entry(canonical.key, file, 0, interaction, canonical))
            added += 1
        return added

    def files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        found = []
        for directory, subdirs, names in os.walk(self.root):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            found += [Path(directory) / n for n in names if cassette.is_cassette_file(Path(n))]
        return sorted(found, key=lambda p: p.relative_to(self.root).as_posix())

    def canonical_of(self, interaction: Interaction) -> CanonicalRequest:
        return self.rules.canonical(interaction.method, interaction.path, interaction.request_body)

    def key_of(self, interaction: Interaction) -> str:
        return self.canonical_of(interaction).key

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> set[str]:
        return set(self._entries)

    def entries(self) -> list[Entry]:
        return list(self._entries.values())

    def lookup(self, request: CanonicalRequest) -> Entry | None:
        return self._entries.get(request.key)

    def models(self) -> list[str]:
        return sorted({e.canonical.model for e in self._entries.values() if e.canonical.model})

    def target_for(self, nodeid: str | None) -> Path:
        """The cassette a new recording made by this test goes to: one file per test module."""
        if not nodeid:
            return self.root / UNATTRIBUTED
        module = nodeid.split("::", 1)[0]
        relative = Path(module).with_suffix(".yaml")
        parts = [p for p in relative.parts if p not in ("", ".", "..", "/")]
        return self.root.joinpath(*parts) if parts else self.root / UNATTRIBUTED

    def add(self, interaction: Interaction, *, target: Path, replace: bool = False) -> Entry:
        """Keep a new recording (written by ``flush``). An existing entry with the same key stays where
        it is; with ``replace`` its answer is updated in place."""
        canonical = self.canonical_of(interaction)
        with self._lock:
            existing = self._entries.get(canonical.key)
            if existing is not None and not replace:
                return existing
            file = existing.file if existing is not None else target
            entry = Entry(canonical.key, file, existing.index if existing else None, interaction, canonical)
            self._index(entry)
            self._pending.setdefault(file, {})[canonical.key] = (interaction, replace)
            return entry

    def flush(self) -> list[Path]:
        """Write pending recordings; returns the files that changed."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return []
        written = []
        for file, items in sorted(pending.items()):
            with file_lock(file):
                if self._merge_into(file, items):
                    written.append(file)
        return written

    def _merge_into(self, file: Path, items: dict[str, tuple[Interaction, bool]]) -> bool:
        current = cassette.load(file) if file.exists() else []
        position = {self.key_of(interaction): i for i, interaction in enumerate(current)}
        changed = False
        for key, (interaction, replace) in items.items():
            if key in position:
                if replace and current[position[key]] != interaction:
                    current[position[key]] = interaction
                    changed = True
            else:
                position[key] = len(current)
                current.append(interaction)
                changed = True
        if changed:
            cassette.save(file, current)
        with self._lock:
            for key in items:
                entry = self._entries.get(key)
                if entry is not None and entry.file == file:
                    self._entries[key] = Entry(key, file, position[key], entry.interaction, entry.canonical)
        return changed

    def nearest(self, request: CanonicalRequest) -> Entry | None:
        """The recorded request most like this one (same method and path; same model preferred)."""
        candidates = self._by_route.get((request.method, request.path), [])
        if not candidates:
            return None
        same_model = [e for e in candidates if e.canonical.model == request.model]
        pool = same_model or candidates

        def matcher(entry: Entry) -> difflib.SequenceMatcher[str]:
            # compared line by line (pretty JSON): what the diff shows, and fast even for large bodies
            return difflib.SequenceMatcher(None, request.lines, entry.canonical.lines)

        def changed_text_similarity(entry: Entry) -> float:
            # ties (e.g. one differing prompt line each) go to the recording whose changed lines are closest
            ours, theirs = set(request.lines), set(entry.canonical.lines)
            a = "\n".join(line for line in request.lines if line not in theirs)[:2000]
            b = "\n".join(line for line in entry.canonical.lines if line not in ours)[:2000]
            return difflib.SequenceMatcher(None, a, b).ratio()

        rough = sorted(pool, key=lambda e: matcher(e).quick_ratio(), reverse=True)[:8]
        return max(rough, key=lambda e: (round(matcher(e).ratio(), 6), changed_text_similarity(e)))

    def _index(self, entry: Entry) -> None:
        previous = self._entries.get(entry.key)
        if previous is not None and previous.file != entry.file and previous.index is not None:
            return  # the same request in two files: the first (sorted by path) wins, prune drops the other
        self._entries[entry.key] = entry
        route = self._by_route.setdefault((entry.canonical.method, entry.canonical.path), [])
        if previous is not None and previous in route:
            route.remove(previous)
        route.append(entry)


def display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative
