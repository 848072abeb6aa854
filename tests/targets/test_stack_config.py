"""``--stack-config`` values, each parsed by the target of its form (harness.targets.registry) at configure
time: nothing starts, and a bad value names the option, the value and the allowed forms."""

from pathlib import Path

import pytest

from harness.core.bundled import STACKS
from harness.core.errors import UsageError
from harness.targets.registry import select, targets


def parse(value: str, search: tuple[Path, ...] = ()):
    return select(value, search=search)


def test_bundled_name_is_library_mode():
    selection = parse("replay")
    assert selection.mode == "library"
    assert selection.config == STACKS / "replay.yaml"


def test_a_project_stacks_dir_comes_before_the_bundled_configs(tmp_path):
    (tmp_path / "replay.yaml").write_text("version: 2\n")
    assert parse("replay", (tmp_path,)).config == tmp_path / "replay.yaml"
    assert parse("replay-llama-stack", (tmp_path,)).config == STACKS / "replay-llama-stack.yaml"


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


def test_docker_form_is_parsed_with_its_options():
    selection = parse("docker:router-harness/ogx:1.5.0?config=replay-llama-stack&port=8398")
    assert (selection.image, selection.config, selection.port) == (
        "router-harness/ogx:1.5.0",
        STACKS / "replay-llama-stack.yaml",
        8398,
    )


def test_each_value_is_taken_by_the_target_of_its_form():
    assert [t.mode for t in targets()] == ["url", "server", "docker", "library"]
    assert {parse(v).target.mode for v in ("replay", "server:replay", "http://127.0.0.1:1", "docker:x")} == {
        "library",
        "server",
        "url",
        "docker",
    }


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("bogus:thing", "unknown form 'bogus:'"),
        ("", "empty"),
        ("nope", "no stack config named 'nope'"),
        ("/no/such/stack.yaml", "does not exist"),
        ("server:replay:99999", "out of range"),
        ("server:replay:abc", "'abc' is not a port number"),
        ("server:", "needs a stack config"),
        ("http://127.0.0.1:8321/v1", "not a usable base URL"),
        # docker values fail at configure too, naming the bad part
        ("docker:", "the image is missing"),
        ("docker:x?bogus=1", "unknown option 'bogus'"),
        ("docker:x?config=nope", "no stack config named 'nope'"),
        ("docker:x?port=0", "not a port number"),
    ],
)
def test_bad_values_name_option_value_and_allowed_forms(value, why):
    with pytest.raises(UsageError) as caught:
        parse(value)
    text = caught.value.render()
    assert "--stack-config" in text
    assert why in text
    assert repr(value) in text
    assert ("server:<config>[:port]" in text and "http(s)://host:port" in text) or "docker:<image>" in text


def test_a_directory_is_named_as_a_directory(tmp_path):
    with pytest.raises(UsageError, match="is a directory, not a stack config file"):
        parse(str(tmp_path))
