"""Every seeded bug is caught, with a useful message; the same apps without the bug raise nothing."""

from __future__ import annotations

import pytest

from harness.core.failure import Severity

from .apps import APPS
from .zoo import run

SEEDED = [(name, bug) for name, module in APPS.items() for bug in module.BUGS]


@pytest.mark.parametrize(("app_name", "bug"), SEEDED, ids=[f"{a}-{b}" for a, b in SEEDED])
def test_seeded_bug_is_caught(app_name, bug, zoo_ledger):
    module = APPS[app_name]
    expected = module.BUGS[bug]
    failures = run(module.make_app(bug), module.spec(), module.exercise, getattr(module, "OPTIONS", None))
    hits = [f for f in failures if f.check == expected.check and expected.fragment in f.render()]
    caught = bool(hits) and all(f.severity is Severity.ERROR for f in hits)
    (zoo_ledger.caught if caught else zoo_ledger.missed).append(f"{app_name}/{bug}")
    rendered = "\n\n".join(f.render() for f in failures) or "(no findings)"
    assert caught, f"{bug}: no {expected.check} error containing {expected.fragment!r}; findings:\n{rendered}"
    stray = sorted({f.check for f in failures} - {expected.check} - expected.also)
    assert not stray, f"{bug}: unrelated checks fired too: {stray}\n{rendered}"
    # a useful message: it says what is wrong, shows evidence, and how to reproduce it
    finding = hits[0]
    assert finding.evidence, finding.render()
    assert finding.reproduce and finding.reproduce.startswith("curl "), finding.render()


@pytest.mark.parametrize("app_name", sorted(APPS))
def test_clean_app_raises_nothing(app_name, zoo_ledger):
    module = APPS[app_name]
    failures = run(module.make_app(None), module.spec(), module.exercise, getattr(module, "OPTIONS", None))
    zoo_ledger.clean_findings[app_name] = len(failures)
    assert failures == [], "\n\n".join(f.render() for f in failures)
