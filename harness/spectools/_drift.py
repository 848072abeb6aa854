"""Drift: what the running app serves (its live ``/openapi.json``) against the committed spec, in the
same terms as the diff. The committed spec is the contract clients were built against (the "old"
side); the live document is what they actually meet (the "new" side)."""

from __future__ import annotations

from pathlib import Path

from ._diff import diff
from ._load import Spec, load_spec
from ._model import Change


def drift(live: Spec | dict | str | Path, committed: Spec | dict | str | Path) -> list[Change]:
    """Changes a client built from ``committed`` meets when it talks to the app that served ``live``."""
    live_spec = load_spec(live)
    if isinstance(live, dict):
        live_spec = Spec(live_spec.doc, "<live /openapi.json>", live_spec.openapi)
    return diff(load_spec(committed), live_spec)
