"""parse_docker_spec: the docker: form of --stack-config (fast, no engine)."""

from __future__ import annotations

import pytest

from harness.core.errors import UsageError
from harness.targets.docker import DockerSpec, parse_docker_spec


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("docker:router-harness/ogx:1.5.0", DockerSpec("router-harness/ogx:1.5.0")),
        ("docker:ogx", DockerSpec("ogx")),
        ("docker:my/image:tag?config=replay", DockerSpec("my/image:tag", config="replay")),
        (
            "docker:img?config=/abs/stack.yaml&port=8321",
            DockerSpec("img", config="/abs/stack.yaml", port=8321),
        ),
        ("docker:img?port=9000&config=replay", DockerSpec("img", config="replay", port=9000)),
        (
            "docker:localhost/ogx@sha256:" + "a" * 64,
            DockerSpec("localhost/ogx@sha256:" + "a" * 64),
        ),
    ],
)
def test_parses_the_allowed_forms(value: str, expected: DockerSpec) -> None:
    assert parse_docker_spec(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ogx:1.5.0", "does not start with 'docker:'"),
        ("docker:", "image is missing"),
        ("docker:?config=replay", "image is missing"),
        ("docker:my image", "not an image reference"),
        ("docker:img?conf=replay", "unknown option 'conf'"),
        ("docker:img?config=a&config=b", "given twice"),
        ("docker:img?config=", "has no value"),
        ("docker:img?port=0", "not a port number"),
        ("docker:img?port=70000", "not a port number"),
        ("docker:img?port=http", "not a port number"),
        ("docker:img?config", "key=value"),
    ],
)
def test_bad_values_name_the_option_the_value_and_the_allowed_forms(value: str, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_docker_spec(value)
    rendered = caught.value.render()
    assert "--stack-config" in rendered
    assert reason in rendered
    assert repr(value) in rendered
    assert "docker:<image>[?config=<name-or-path>][&port=N]" in rendered
