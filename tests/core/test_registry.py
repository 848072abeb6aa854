import pytest

from harness.core.errors import UsageError
from harness.core.failure import CheckFailure, CheckSkipped
from harness.core.registry import Registry


def make() -> Registry:
    registry = Registry()

    @registry.register("fails")
    def fails(ctx, subject):
        """Always fails."""
        raise CheckFailure("fails", f"bad {subject}")

    @registry.register("skips")
    def skips(ctx, subject):
        raise CheckSkipped("does not apply")

    @registry.register("crashes")
    def crashes(ctx, subject):
        raise KeyError("oops")

    @registry.register("streams", kind="stream")
    def streams(ctx, subject):
        raise CheckFailure("streams", "stream")

    return registry


def test_run_collects_failures_and_turns_crashes_into_findings():
    found = make().run(None, "x", on_crash=lambda name, error: CheckFailure(name, f"crashed: {error!r}"))
    assert [(f.check, f.title) for f in found] == [
        ("fails", "bad x"),
        ("crashes", "crashed: KeyError('oops')"),
    ]


def test_run_without_on_crash_lets_the_bug_out():
    with pytest.raises(KeyError):
        make().run(None, "x")


def test_run_by_kind_and_skip():
    registry = make()
    assert [f.check for f in registry.run(None, "x", kind="stream")] == ["streams"]
    assert registry.run(None, "x", skip={"fails", "crashes"}) == []


def test_unknown_check_and_double_registration():
    registry = make()
    with pytest.raises(UsageError) as caught:
        registry.get("nope")
    assert "crashes, fails, skips, streams" in caught.value.render()
    with pytest.raises(ValueError):
        registry.register("fails")(lambda ctx, subject: None)
    assert registry.get("fails").description == "Always fails."


def test_run_tells_how_each_check_ended():
    registry = make()

    @registry.register("holds")
    def holds(ctx, subject):
        return None

    heard = []
    registry.run(
        None,
        "x",
        on_crash=lambda name, error: CheckFailure(name, "crashed"),
        on_outcome=lambda name, outcome: heard.append((name, outcome)),
    )
    assert heard == [("fails", "failed"), ("skips", "skipped"), ("crashes", "failed"), ("holds", "passed")]
