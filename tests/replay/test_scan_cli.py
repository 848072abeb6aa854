"""``harness cassettes scan|prune|import-ogx`` through the command's own argument parser."""

import argparse
import json
import subprocess
import sys

import pytest
from replay_fakes import chat, recorded, write_cassette

from harness.cli import cassettes as command
from harness.core.errors import HarnessError

LEAK = "sk-live-0123456789abcdefghijklmn"


def run(*argv):
    parser = argparse.ArgumentParser(prog="harness")
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def leaky_cassette(tmp_path, suffix=".yaml"):
    interaction = recorded(chat("hi"))
    interaction.request_headers["Authorization"] = [f"Bearer {LEAK}"]
    path = tmp_path / f"leaky{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps({"version": 1, "interactions": [interaction.to_vcr()]}, indent=4))
    else:
        write_cassette(path, [interaction])
    return path


def test_a_damaged_json_cassette_in_a_directory_is_still_scanned(tmp_path, capsys):
    (tmp_path / "cut.json").write_text('{"request": {"headers": {"Authorization": "Bearer ' + LEAK + '"')
    assert run("cassettes", "scan", str(tmp_path)) == 1
    assert "cut.json" in capsys.readouterr().out


def test_scan_passes_clean_cassettes(tmp_path, capsys):
    write_cassette(tmp_path / "clean.yaml", [recorded(chat("Bearer bonds and sk-short"))])
    assert run("cassettes", "scan", str(tmp_path)) == 0
    assert "scanned 1 cassette file(s): no secrets found" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_scan_fails_on_an_authorization_header_naming_file_and_line(tmp_path, capsys, suffix):
    path = leaky_cassette(tmp_path, suffix)
    assert run("cassettes", "scan", str(tmp_path)) == 1
    out = capsys.readouterr()
    lines = path.read_text().splitlines()
    hits = [line for line in out.out.splitlines() if line.startswith(str(path) + ":")]
    assert hits, out.out
    for hit in hits:
        number = int(hit.split(":")[1])
        assert LEAK in lines[number - 1]  # the reported line really holds the secret
    assert any("openai-style key" in h for h in hits) and any(
        "authorization header not redacted" in h for h in hits
    )
    assert LEAK not in out.out + out.err  # the report never prints the secret itself
    assert "rotate" in out.err


def test_scan_flags_an_unredacted_header_even_without_a_key_pattern(tmp_path, capsys):
    path = tmp_path / "hand.yaml"
    path.write_text(
        "version: 1\ninteractions:\n- request:\n    headers:\n      X-OGX-Provider-Data: ['{\"k\": 1}']\n      api-key: [abc]\n"
    )
    assert run("cassettes", "scan", str(path)) == 1
    out = capsys.readouterr().out
    assert "hand.yaml:5:" in out and "x-ogx-provider-data header not redacted" in out
    assert "hand.yaml:6:" in out and "api-key header not redacted" in out


def test_scan_ignores_schema_properties_named_like_headers(tmp_path):
    schema = {
        "type": "object",
        "properties": {"authorization": {"type": "string"}, "api-key": {"description": "a key"}},
    }
    body = chat("call it", tools=[{"type": "function", "function": {"name": "login", "parameters": schema}}])
    path = write_cassette(tmp_path / "schema.yaml", [recorded(body)])
    assert '"authorization": {' in path.read_text()
    assert run("cassettes", "scan", str(path)) == 0


def test_scan_of_a_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(HarnessError, match="no such file"):
        run("cassettes", "scan", str(tmp_path / "absent"))


def test_prune_command_refuses_without_usage(tmp_path):
    write_cassette(tmp_path / "a.yaml", [recorded(chat("a"))])
    with pytest.raises(HarnessError, match="no usage file"):
        run("cassettes", "prune", "--dir", str(tmp_path))


def test_import_ogx_command_reports_what_it_did(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.json").write_text(
        json.dumps(
            {
                "test_id": "tests/integration/responses/test_x.py::test_a",
                "request": {
                    "method": "POST",
                    "url": "https://api.openai.com/v1/v1/chat/completions",
                    "headers": {},
                    "endpoint": "/v1/chat/completions",
                    "body": {
                        "model": "gpt-4o",
                        "messages": [{"role": "user", "content": "hi"}],
                        "stream": True,
                    },
                },
                "response": {
                    "is_streaming": True,
                    "body": [
                        {
                            "__type__": "ChatCompletionChunk",
                            "__data__": {"choices": [{"index": 0, "delta": {"content": "yo"}}]},
                        }
                    ],
                },
            }
        )
    )
    assert run("cassettes", "import-ogx", str(src), str(tmp_path / "out")) == 0
    assert "added 1 entries" in capsys.readouterr().out
    assert (tmp_path / "out/responses/test_x.yaml").exists()


@pytest.mark.parametrize("layout", ["empty directory", "no cassettes in it", "reports, not cassettes"])
def test_scan_of_nothing_says_so_and_exits_2(tmp_path, layout):
    if layout == "no cassettes in it":
        (tmp_path / "notes.txt").write_text("Bearer sk-live-0123456789abcdefghijklmn")
        (tmp_path / "sub").mkdir()
    if layout == "reports, not cassettes":  # a report directory: JSON and YAML that are not cassettes
        (tmp_path / "results-library.json").write_text(json.dumps({"format": "x", "tests": []}))
        (tmp_path / "list.json").write_text("[1, 2]")
        (tmp_path / "setup.yaml").write_text("name: gpt\nmodel: openai/gpt-4o\n")
    result = subprocess.run(
        [sys.executable, "-m", "harness", "cassettes", "scan", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no secrets found" not in result.stdout + result.stderr
    assert f"scanned nothing: {tmp_path} holds no cassette files" in result.stderr
    assert "*.yaml, *.yml, *.json" in result.stderr and "fix:" in result.stderr
