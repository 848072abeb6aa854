import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from harness.cli import main

from .helpers import AFTER, BEFORE, LIVE, get_op, make_spec, obj, ref, tagged

CLEAN = make_spec(
    {
        "A": tagged("a"),
        "B": tagged("b"),
        "U": {
            "oneOf": [ref("A"), ref("B")],
            "discriminator": {
                "propertyName": "type",
                "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
            },
        },
    },
    get_op(ref("U")),
)
DUPLICATE = make_spec({"A": tagged("a"), "U": {"oneOf": [ref("A"), ref("A")]}}, get_op(ref("U")))


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if name.endswith(".yaml") else json.dumps(doc))
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_exit_codes(tmp_path, capsys):
    assert run(capsys, "spec", "lint", write(tmp_path, "clean.yaml", CLEAN))[0] == 0
    code, out, _ = run(capsys, "spec", "lint", write(tmp_path, "dup.json", DUPLICATE), "--format", "json")
    assert code == 1 and json.loads(out)["findings"][0]["rule"] == "union-duplicate-variant"
    code, _, err = run(capsys, "spec", "lint", str(tmp_path / "missing.yaml"))
    assert code == 2 and "spec file not found" in err and "missing.yaml" in err


def test_lint_suppressions_turn_an_error_into_exit_0(tmp_path, capsys):
    spec = write(tmp_path, "dup.yaml", DUPLICATE)
    sup = tmp_path / "sup.yaml"
    sup.write_text(
        "suppressions:\n  - pointer: /components/schemas/U\n    rule: union-*\n    reason: reviewed in PR 1\n"
    )
    code, out, _ = run(capsys, "spec", "lint", spec, "--suppressions", str(sup), "--format", "json")
    assert code == 0 and json.loads(out)["suppressed"][0]["reason"] == "reviewed in PR 1"


def test_diff_exit_codes_and_bad_arguments(tmp_path, capsys):
    old = write(tmp_path, "old.yaml", make_spec({"S": obj(["a"], a={"type": "string"})}, get_op(ref("S"))))
    same = write(tmp_path, "same.yaml", make_spec({"S": obj(["a"], a={"type": "string"})}, get_op(ref("S"))))
    new = write(tmp_path, "new.yaml", make_spec({"S": obj(a={"type": "string"})}, get_op(ref("S"))))
    assert run(capsys, "spec", "diff", old, same)[0] == 0
    code, out, _ = run(capsys, "spec", "diff", old, new)
    assert code == 1 and "response-property-became-optional" in out
    assert run(capsys, "spec", "diff", old)[0] == 2
    assert run(capsys, "spec", "diff", "--base", "HEAD:old.yaml", new)[0] == 2
    not_openapi = tmp_path / "x.json"
    not_openapi.write_text('{"hello": 1}')
    code, _, err = run(capsys, "spec", "diff", old, str(not_openapi))
    assert code == 2 and "not an OpenAPI document" in err


def test_diff_base_from_git(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    spec = repo / "openapi.yaml"
    spec.write_text(yaml.safe_dump(make_spec({"S": obj(["a"], a={"type": "string"})}, get_op(ref("S")))))
    for args in (
        ["init", "-q"],
        ["add", "openapi.yaml"],
        ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    spec.write_text(yaml.safe_dump(make_spec({"S": obj(a={"type": "string"})}, get_op(ref("S")))))
    monkeypatch.chdir(repo)
    code, out, _ = run(
        capsys, "spec", "diff", "--base", "git:HEAD:openapi.yaml", "openapi.yaml", "--format", "json"
    )
    assert code == 1
    data = json.loads(out)
    assert (
        data["old"] == "git:HEAD:openapi.yaml"
        and data["changes"][0]["rule"] == "response-property-became-optional"
    )


class _Serve(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200 if self.path == "/openapi.json" else 404)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(self.body if self.path == "/openapi.json" else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Serve)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_drift_against_a_live_loopback_app_and_a_file(tmp_path, capsys, served):
    committed = write(
        tmp_path, "committed.yaml", make_spec({"S": obj(["a"], a={"type": "string"})}, get_op(ref("S")))
    )
    live = make_spec({"S": obj(a={"type": "string"})}, get_op(ref("S")))
    _Serve.body = json.dumps(live).encode()
    url = f"http://127.0.0.1:{served.server_address[1]}"
    code, out, _ = run(capsys, "spec", "drift", "--live", url, committed, "--format", "json")
    assert code == 1 and json.loads(out)["new"] == url + "/openapi.json"
    code, _, _ = run(capsys, "spec", "drift", "--live", write(tmp_path, "live.json", live), committed)
    assert code == 1


def test_drift_refuses_non_loopback_urls(tmp_path, capsys):
    committed = write(tmp_path, "committed.yaml", CLEAN)
    for url in ("http://192.0.2.10:8321", "https://example.com/openapi.json", "http://[2001:db8::1]/"):
        code, _, err = run(capsys, "spec", "drift", "--live", url, committed)
        assert code == 2 and "only fetch from loopback" in err


def test_rules_listing(capsys):
    code, out, _ = run(capsys, "spec", "rules")
    assert code == 0 and "union-duplicate-variant" in out and "discriminator-mapping-outside-union" in out


def test_real_specs_through_the_cli(capsys):
    code, out, _ = run(capsys, "spec", "lint", str(LIVE), "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["error"] >= 4
    code, out, _ = run(capsys, "spec", "diff", str(BEFORE), str(AFTER), "--format", "json")
    assert code == 1
    assert [c["rule"] for c in json.loads(out)["changes"]].count("response-became-union") == 1


def test_reviewed_suppressions_file_accepts_the_pr4342_union_widening(capsys):
    suppressions = str(Path(__file__).resolve().parents[2] / "suites" / "spec-suppressions.yaml")
    code, out, _ = run(
        capsys, "spec", "diff", str(BEFORE), str(AFTER), "--format", "json", "--suppressions", suppressions
    )
    data = json.loads(out)
    assert [c["rule"] for c in data["suppressed"]] == ["response-became-union"]
    assert data["unused_suppressions"] == []
    # still 1: AddItemsRequest.items gained maxItems: 20, which rejects requests that were valid
    assert code == 1 and [c["rule"] for c in data["changes"] if c["severity"] == "breaking"] == [
        "request-constraint-tightened"
    ]
