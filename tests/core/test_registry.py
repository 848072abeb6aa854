import pytest

from harness.core.errors import UsageError
from harness.core.failure import CheckFailure, CheckSkipped
from harness.core.registry import Kind, Registry, RunStates


def make() -> tuple[Registry, Kind[None, str]]:
    registry = Registry()
    response: Kind[None, str] = registry.kind("response", "a string")
    stream: Kind[None, str] = registry.kind("stream", "another string")

    @response
    def fails(ctx: None, subject: str) -> None:
        """Always fails."""
        raise CheckFailure("fails", f"bad {subject}")

    @response
    def skips(ctx: None, subject: str) -> None:
        raise CheckSkipped("does not apply")

    @response
    def crashes(ctx: None, subject: str) -> None:
        raise KeyError("oops")

    @stream
    def streams(ctx: None, subject: str) -> None:
        raise CheckFailure("streams", "stream")

    return registry, response


def no_context(name: str) -> None:
    return None


def test_run_collects_failures_and_turns_crashes_into_findings():
    registry, response = make()
    found = registry.run(
        response, "x", no_context, on_crash=lambda name, error: CheckFailure(name, f"crashed: {error!r}")
    )
    assert [(f.check, f.title) for f in found] == [
        ("fails", "bad x"),
        ("crashes", "crashed: KeyError('oops')"),
    ]


def test_run_without_on_crash_lets_the_bug_out():
    registry, response = make()
    with pytest.raises(KeyError):
        registry.run(response, "x", no_context)


def test_run_by_kind_and_skip():
    registry, response = make()
    assert [f.check for f in registry.run("stream", "x", no_context)] == ["streams"]
    assert registry.run(response, "x", no_context, skip={"fails", "crashes"}) == []


def test_a_check_is_named_after_its_function_and_given_its_own_context():
    registry, response = make()
    assert registry.names("response") == ["crashes", "fails", "skips"]
    seen = []

    @response
    def remembers_its_name(ctx: None, subject: str) -> None:
        seen.append(ctx)

    registry.run(response, "x", lambda name: name, skip={"fails", "crashes"})
    assert seen == ["remembers_its_name"]


def test_unknown_check_and_double_registration():
    registry, response = make()
    with pytest.raises(UsageError) as caught:
        registry.get("nope")
    assert "crashes, fails, skips, streams" in caught.value.render()

    def fails(ctx: None, subject: str) -> None:
        return None

    with pytest.raises(ValueError):
        response(fails)
    assert registry.get("fails").description == "Always fails."


def test_an_unknown_kind_is_refused_at_registration_naming_the_kinds_there_are():
    registry, _ = make()

    def typo(ctx: None, subject: str) -> None:
        return None

    with pytest.raises(UsageError) as caught:
        registry.add(typo, kind="respnse")
    text = caught.value.render()
    assert "check 'typo' has an unknown kind 'respnse'" in text
    assert "allowed: response, stream" in text
    assert "typo" not in registry.names()
    with pytest.raises(ValueError):
        registry.kind("stream", "again")


def test_a_remembering_check_keeps_its_state_for_the_run_only():
    registry, response = make()

    @response.remembering(list)
    def counts(ctx: None, subject: str, seen: list[str]) -> None:
        seen.append(subject)
        if len(seen) > 1:
            raise CheckFailure("counts", f"{len(seen)} subjects: {seen}")

    run = RunStates()
    keep = {"fails", "skips", "crashes"}
    assert registry.run(response, "a", no_context, states=run, skip=keep) == []
    [failure] = registry.run(response, "b", no_context, states=run, skip=keep)
    assert failure.title == "2 subjects: ['a', 'b']"
    assert registry.run(response, "c", no_context, skip=keep) == []  # another run starts afresh
    assert run.get("counts") == ["a", "b"]


def test_run_tells_how_each_check_ended():
    registry, response = make()

    @response
    def holds(ctx: None, subject: str) -> None:
        return None

    heard = []
    registry.run(
        response,
        "x",
        no_context,
        on_crash=lambda name, error: CheckFailure(name, "crashed"),
        on_outcome=lambda name, outcome: heard.append((name, outcome)),
    )
    assert heard == [("fails", "failed"), ("skips", "skipped"), ("crashes", "failed"), ("holds", "passed")]
