"""What the wheel carries for a run in any project: stack configs, setups and the default deviations
(``harness/bundled/``), and the matching rules (``harness/replay/rules/``). A project's own files, where it
has them, come first; these are the fallback."""

from __future__ import annotations

from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent / "bundled"
STACKS = BUNDLED / "stacks"
SETUPS = BUNDLED / "setups"
DEVIATIONS = BUNDLED / "deviations.yaml"
