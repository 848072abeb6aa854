"""Import OGX's own recordings (``tests/integration/**/recordings/*.json``) into harness cassettes.

OGX keys a recording on the test's node id and stores one file per call; the same request made by
several tests or parametrisations is stored many times, sometimes with different answers (e.g. the same
``gpt-4o`` prompt recorded against OpenAI and against Azure). Here each distinct canonical request becomes
one entry (``ogx_recordings.pick_answers`` says which answer is kept). A file that cannot be replayed is
counted and listed with its reason; it never stops the import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness.core.errors import CassetteError

from .library import CassetteLibrary, display_path
from .ogx_recordings import Corpus, pick_answers, read_corpus
from .rules import MatchRules


@dataclass
class ImportReport:
    files_read: int = 0
    entries_added: int = 0
    already_present: int = 0  # same request already in the destination
    duplicates: int = 0  # recordings folded into another one with the same canonical request
    conflicting: int = 0  # of those, how many had a different answer than the one kept
    cassettes: list[Path] = field(default_factory=list)
    corpus: Corpus = field(default_factory=Corpus)

    def render(self) -> str:
        lines = [
            f"read {self.files_read} OGX recordings ({len(self.corpus.recordings)} replayable, "
            f"{len(self.corpus.unreplayable)} not)",
            f"added {self.entries_added} entries ({self.already_present} already present)",
            f"folded {self.duplicates} duplicate requests into one entry each ({self.conflicting} had a different answer; one was kept)",
        ]
        lines += self.corpus.render_unreplayable()
        lines += [f"wrote {display_path(p)}" for p in self.cassettes]
        return "\n".join(lines)


def import_ogx_recordings(
    src_dir: Path | str, dest_dir: Path | str, *, rules: MatchRules | None = None
) -> ImportReport:
    src_dir, dest_dir = Path(src_dir), Path(dest_dir)
    if not src_dir.is_dir():
        raise CassetteError(
            f"the OGX recordings directory {src_dir} does not exist",
            value=str(src_dir),
            allowed="a directory holding OGX's recordings/*.json files, e.g. OGX's tests/integration",
            fix="pass OGX's tests/integration directory (or one of its recordings/ folders)",
        )
    rules = rules or MatchRules.load()
    library = CassetteLibrary.load(dest_dir, rules)
    corpus = read_corpus([src_dir], rules)
    report = ImportReport(files_read=corpus.files_read, corpus=corpus)
    kept, report.duplicates, report.conflicting = pick_answers(corpus.recordings, library.key_of)
    winners = []
    for winner in kept:
        if library.lookup(library.canonical_of(winner.interaction)) is not None:
            report.already_present += 1
            continue
        winners.append(winner)
    for winner in sorted(winners, key=lambda r: (r.test_id, r.source.name)):
        library.add(winner.interaction, target=dest_dir / _cassette_name(winner.test_id))
        report.entries_added += 1
    report.cassettes = library.flush()
    return report


def _cassette_name(test_id: str) -> Path:
    """``tests/integration/responses/test_basic_responses.py::...`` → ``responses/test_basic_responses.yaml``."""
    module = test_id.split("::", 1)[0]
    if not module:
        return Path("unattributed.yaml")
    parts = Path(module).with_suffix(".yaml").parts
    if parts[:2] == ("tests", "integration"):
        parts = parts[2:]
    return Path(*parts)
