"""Re-pick the OGX recordings the importer tests read (``tests/data/ogx-recordings/responses/``).

    .venv/bin/python tests/data/refresh_ogx_recordings.py SRC

SRC is a directory of OGX recordings (``responses/*.json``, as OGX's ``tests/integration/responses/
recordings/`` holds them; see PROVENANCE.md). The committed ``cassettes/ogx`` must be the import of all
of SRC (``harness cassettes import-ogx SRC cassettes/ogx``): the pick keeps, for each chosen request,
the recording the full import kept, so importing the subset gives exactly those committed entries.

Chosen: the planet question and its all-caps follow-up (the multi-turn test), the two recordings
``tests/contract/fixtures/capture_ogx.py`` serves, one request per shape (provider host × with or
without tools × test module) and a tool-result turn; for each, the kept recording, one duplicate with
another answer and one with the same answer, and the follow-up that made the kept one win.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEST = Path(__file__).resolve().parent / "ogx-recordings" / "responses"
PLANET = "Which planet do humans live on?"
NAMED = ("1b7afa7b", "0215dfd77ce6")  # capture_ogx.py's text and tool recordings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="directory of OGX recordings (responses/*.json)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from harness.replay import CassetteLibrary, MatchRules
    from harness.replay.ogx_import import _assistant_turns, _read

    rules = MatchRules.load()
    recordings = [_read(p, args.src, rules) for p in sorted(args.src.rglob("*.json"))]
    def key(r):
        return rules.canonical(r.interaction.method, r.interaction.path, r.interaction.request_body).key
    groups = defaultdict(list)
    for recording in recordings:
        groups[key(recording)].append(recording)
    committed = CassetteLibrary.load(ROOT / "cassettes" / "ogx", rules)
    kept = {e.key: e.interaction.origin.split(" ")[0].rsplit("/", 1)[-1] for e in committed.entries()}
    missing = set(groups) - set(kept)
    if missing:
        print(f"cassettes/ogx is not the import of {args.src} ({len(missing)} requests missing): re-import first", file=sys.stderr)
        return 2

    def messages(r):
        return (r.interaction.request_json() or {}).get("messages") or []

    def model(r):
        return (r.interaction.request_json() or {}).get("model")

    chosen: list[str] = []

    def want(predicate) -> None:
        found = next(k for k, group in groups.items() if any(predicate(r) for r in group))
        if found not in chosen:
            chosen.append(found)

    want(lambda r: [m.get("content") for m in messages(r)] == [PLANET] and model(r) == "gpt-4o" and not r.interaction.request_json().get("logprobs"))
    want(lambda r: len(messages(r)) == 3 and messages(r)[0].get("content") == PLANET and "all caps" in str(messages(r)[2].get("content")) and model(r) == "gpt-4o")
    for prefix in NAMED:
        want(lambda r, prefix=prefix: r.source.name.startswith(prefix))
    shapes = set()
    for k, group in sorted(groups.items()):
        for r in group:
            shape = (r.host, bool(r.interaction.request_json().get("tools")), r.test_id.split("::")[0])
            if shape not in shapes:
                shapes.add(shape)
                if k not in chosen:
                    chosen.append(k)
    want(lambda r: any(m.get("role") == "tool" for m in messages(r)))

    files = [r.source for r in recordings if r.source.name.startswith(NAMED)]
    continued = _assistant_turns(recordings)
    for k in list(chosen):
        winner = next(r for r in groups[k] if r.source.name == kept[k])
        if winner.answer in continued:  # it won because a follow-up continues it: keep the follow-up too
            follow = next(r for r in recordings if winner.answer in _assistant_turns([r]))
            files.append(follow.source)
            if key(follow) not in chosen:
                chosen.append(key(follow))
    for k in chosen:
        winner = next(r for r in groups[k] if r.source.name == kept[k])
        others = [r for r in groups[k] if r is not winner]
        files += [winner.source]
        files += [r.source for r in others if r.answer != winner.answer][:1]
        files += [r.source for r in others if r.answer == winner.answer][:1]
    picked = sorted(set(files))
    shutil.rmtree(DEST, ignore_errors=True)
    DEST.mkdir(parents=True)
    for path in picked:
        shutil.copyfile(path, DEST / path.name)
    print(f"copied {len(picked)} of {len(recordings)} recordings ({len(chosen)} requests) to {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
