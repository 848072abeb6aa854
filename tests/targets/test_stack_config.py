from pathlib import Path

import pytest

from harness.core.errors import UsageError
from harness.targets.stack_config import parse_stack_config

STACKS = Path(__file__).resolve().parents[2] / "suites" / "stacks"


def parse(value: str):
    return parse_stack_config(value, stacks_dir=STACKS)


def test_bundled_name_is_library_mode():
    selection = parse("replay")
    assert selection.mode == "library"
    assert selection.config == STACKS / "replay.yaml"


def test_path_is_library_mode(tmp_path):
    config = tmp_path / "my-stack.yaml"
    config.write_text("version: 2\n")
    assert parse(str(config)).config == config


def test_server_with_and_without_port():
    assert parse("server:replay").port is None
    selection = parse("server:replay:8399")
    assert (selection.mode, selection.port, selection.config) == ("server", 8399, STACKS / "replay.yaml")


def test_url_form():
    selection = parse("http://127.0.0.1:8321/")
    assert (selection.mode, selection.url) == ("url", "http://127.0.0.1:8321")


def test_docker_form_is_parsed():
    assert parse("docker:router-harness/ogx:1.5.0").image == "router-harness/ogx:1.5.0"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("bogus:thing", "unknown form 'bogus:'"),
        ("", "empty"),
        ("nope", "no bundled stack config named 'nope'"),
        ("/no/such/stack.yaml", "does not exist"),
        ("server:replay:99999", "out of range"),
        ("server:replay:abc", "'abc' is not a port number"),
        ("server:", "needs a stack config"),
        ("docker:", "needs an image"),
        ("http://127.0.0.1:8321/v1", "not a usable base URL"),
    ],
)
def test_bad_values_name_option_value_and_allowed_forms(value, why):
    with pytest.raises(UsageError) as caught:
        parse(value)
    text = caught.value.render()
    assert "--stack-config" in text
    assert why in text
    assert repr(value) in text
    assert "server:<config>[:port]" in text and "http(s)://host:port" in text
