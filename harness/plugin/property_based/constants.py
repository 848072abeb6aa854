"""Generation that does not depend on the harness's own source code.

Hypothesis (6.131 and later) draws about one primitive value in twenty from the string and number
literals of the "local" modules loaded so far: every module outside site-packages and the standard
library that is not a test file. Here that is the harness itself (an editable install) and any plugin
or conftest loaded from the project, never the app under test (OGX lives in site-packages). The same
seed then sends other requests after any edit of a literal in ``harness/`` (a Markdown table's
"|---|---|" turned up in generated conversation metadata), with another plugin loaded, or when a module
happens to be imported earlier, and a ``--property-reproduce`` blob no longer replays its example.

:func:`without_local_constants` switches that pool off for the property run only (hypothesis's global
constants stay), so a seed means the same requests for given versions of hypothesis, schemathesis and
the app. Hypothesis has no setting for it; this reaches into
``hypothesis.internal.conjecture.providers``, and where that is not as expected it changes nothing and
says so (:data:`UNAVAILABLE`), rather than failing the run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

UNAVAILABLE = (
    "hypothesis's local-constants pool could not be switched off (its internals changed): generated "
    "values may depend on the harness's own source, so a seed may not repeat across harness versions"
)


@contextmanager
def without_local_constants() -> Iterator[bool]:
    """Within the block, hypothesis draws no constants from local modules; yields whether it could."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        provider = providers.HypothesisProvider
        original = provider.__dict__["_local_constants"]
        cache = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError, KeyError):
        yield False
        return
    empty = Constants()
    provider._local_constants = property(lambda self: empty)  # type: ignore[method-assign, assignment]  # hypothesis has no switch for it
    cache.clear()  # entries computed with the local pool would still hand out its values
    try:
        yield True
    finally:
        provider._local_constants = original  # type: ignore[method-assign]  # restoring the patch
        cache.clear()  # and entries computed without it must not outlive the block
