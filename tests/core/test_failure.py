import contextlib
import dataclasses

import pytest

from harness.core.errors import UsageError, bad_option
from harness.core.failure import CheckFailure, Evidence, ExpectedFailure


def test_a_failure_cannot_be_edited_once_made():
    failure = CheckFailure("c", "t", (Evidence("e", "x"),))
    for field in ("check", "title", "evidence", "reproduce", "severity", "operation", "status"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(failure, field, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del failure.title
    assert dataclasses.replace(failure, reproduce="curl x").reproduce == "curl x"
    assert failure.reproduce is None


def test_a_frozen_failure_is_still_an_exception_python_can_annotate():
    @contextlib.contextmanager
    def around():
        yield  # contextlib sets __traceback__ on what passes through

    with pytest.raises(CheckFailure) as caught, around():
        raise CheckFailure("c", "t")
    caught.value.add_note("a note, as hypothesis adds")
    assert caught.value.__notes__ == ["a note, as hypothesis adds"]


def test_a_declared_failure_wraps_the_one_raised():
    raised = CheckFailure("c", "t", operation="GET /x", status=404)
    expected = raised.expected("known")
    assert isinstance(expected, ExpectedFailure) and expected.expected_reason == "known"
    assert expected.failure == raised and raised.expected_reason is None
    assert "expected failure (declared deviation): known" in expected.render()
    assert CheckFailure.from_dict(expected.to_dict()) == expected
    assert CheckFailure.from_dict(raised.to_dict()) == raised


def test_bad_option_names_the_option_on_the_error():
    error = bad_option("CheckOptions", "deleted_status", 99, allowed="100-599", fix="pass 404")
    assert isinstance(error, UsageError) and error.option == "deleted_status"
    assert error.render().splitlines() == [
        "bad value for CheckOptions.deleted_status",
        "  value:   99",
        "  allowed: 100-599",
        "  fix:     pass 404",
    ]
