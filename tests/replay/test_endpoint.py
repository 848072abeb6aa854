import json
import time

import httpx
import pytest
from replay_fakes import FakeUpstream, chat, recorded, write_cassette

from harness.core.errors import RecordingMissing, ReplayError, UsageError
from harness.replay import InferenceMode, ReplayEndpoint, Upstream
from harness.replay.cassette import load

UPSTREAM_KEY = "sk-upstream-0123456789abcdefXYZ"


def stream_events(client, body):
    """(seconds since the request, event bytes) for each SSE event as it arrives."""
    started, received, buffer = time.monotonic(), [], b""
    with client.stream("POST", "/chat/completions", json=body) as response:
        assert response.status_code == 200, response.read()
        for chunk in response.iter_raw():
            buffer += chunk
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                received.append((time.monotonic() - started, event))
    return received


def text_of(events):
    text = ""
    for _, event in events:
        payload = event.decode().removeprefix("data: ")
        if payload != "[DONE]":
            text += "".join(c["delta"].get("content") or "" for c in json.loads(payload)["choices"])
    return text


# -- replay ---------------------------------------------------------------------------------------


def test_replays_a_recorded_stream_event_by_event(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("hi"), "hello there")])
    with ReplayEndpoint(tmp_path) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
        assert endpoint.base_url.startswith("http://127.0.0.1:") and endpoint.base_url.endswith("/v1")
        events = stream_events(client, {**chat("hi"), "stream_options": {"include_usage": True}})
    assert text_of(events) == "hello there"
    assert events[-1][1] == b"data: [DONE]"


def test_recorded_speed_replays_the_time_offsets_and_instant_does_not(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("slow"), "x", offsets=[0, 400])])
    with (
        ReplayEndpoint(tmp_path, speed="recorded") as endpoint,
        httpx.Client(base_url=endpoint.base_url) as client,
    ):
        (first, _), (last, _) = stream_events(client, chat("slow"))
    assert last >= 0.4  # the second event waited for its offset...
    assert first < last - 0.2  # ...and the first was sent (flushed) before it, not buffered
    with ReplayEndpoint(tmp_path) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
        (_, _), (last, _) = stream_events(client, chat("slow"))
    assert last < 0.4


def test_models_are_answered_from_the_cassettes(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("a", model="gpt-4o"))])
    with ReplayEndpoint(tmp_path) as endpoint:
        listing = httpx.get(endpoint.base_url + "/models").json()
    assert [m["id"] for m in listing["data"]] == ["gpt-4o"]


def test_a_miss_answers_a_clear_error_and_is_reported_for_its_test(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("Which planet do humans live on?"), "Earth")])
    with ReplayEndpoint(tmp_path) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
        endpoint.set_current_test("suites/test_planets.py::test_dolphins")
        response = client.post("/chat/completions", json=chat("Which planet do dolphins live on?"))
        client.post("/chat/completions", json=chat("Which planet do dolphins live on?"))  # same miss again
        endpoint.set_current_test("suites/test_planets.py::test_other")
        client.post("/chat/completions", json=chat("something else"))
        assert response.status_code == 404
        assert response.headers["x-should-retry"] == "false"  # OpenAI clients would otherwise retry
        assert response.json()["error"]["code"] == "recording_missing"
        misses = endpoint.take_misses("suites/test_planets.py::test_dolphins")
        assert endpoint.take_misses("suites/test_planets.py::test_dolphins") == []
        others = endpoint.take_misses()
    assert len(misses) == 1 and len(others) == 1
    miss = misses[0]
    assert isinstance(miss, RecordingMissing)
    text = miss.render()
    assert '-      "content": "Which planet do humans live on?",' in text
    assert '+      "content": "Which planet do dolphins live on?",' in text
    assert "c.yaml#0" in text
    assert "pytest suites/test_planets.py::test_dolphins --inference-mode=record-if-missing" in text
    assert response.json()["error"]["message"] == text


def test_used_entries_and_usage_file(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("a")), recorded(chat("b"))])
    with ReplayEndpoint(tmp_path) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
        endpoint.set_current_test("t::a")
        client.post("/chat/completions", json=chat("a"))
        client.post("/chat/completions", json=chat("a"))
        used = endpoint.used_entries
        assert endpoint.entries_used_by("t::a") == [endpoint.library.entries()[0].ref] * 2
        usage = json.loads(endpoint.write_usage(run_id="r1").read_text())
    assert used == {endpoint.library.entries()[0].key}
    assert usage["used"] == sorted(used) and len(usage["known"]) == 2


def test_replay_needs_an_existing_cassette_directory(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        ReplayEndpoint(tmp_path / "absent")


def test_bad_speed_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="'fast'"):
        ReplayEndpoint(tmp_path, speed="fast")


def test_record_modes_without_an_upstream_name_the_env_vars(tmp_path):
    for mode in ("record", "record-if-missing", "live"):
        with pytest.raises(UsageError) as caught:
            ReplayEndpoint(tmp_path, mode=mode)
        text = caught.value.render()
        assert (
            "HARNESS_UPSTREAM_BASE_URL" in text and "HARNESS_UPSTREAM_API_KEY" in text and repr(mode) in text
        )


def test_a_corrupt_cassette_fails_at_start_naming_the_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("version: 1\ninteractions: [\n")
    with pytest.raises(ReplayError, match="bad.yaml"):
        ReplayEndpoint(tmp_path)


# -- record, record-if-missing, live ----------------------------------------------------------------


def test_record_forwards_with_our_key_and_stores_a_redacted_timed_entry(tmp_path):
    with FakeUpstream(gap=0.05) as fake:
        upstream = Upstream(fake.base_url, UPSTREAM_KEY)
        with ReplayEndpoint(tmp_path, mode="record", upstream=upstream) as endpoint:
            endpoint.set_current_test("suites/responses/test_x.py::test_leak")
            client = httpx.Client(
                base_url=endpoint.base_url, headers={"Authorization": "Bearer sk-test-app-key-000000000"}
            )
            events = stream_events(client, {**chat("leak"), "user": "u1"})
            streamed = stream_events(client, chat("count to three"))
    assert text_of(events) == f"your key is Bearer {UPSTREAM_KEY}"  # live traffic is untouched
    call = fake.chat_calls()[0]
    assert call["headers"]["authorization"] == f"Bearer {UPSTREAM_KEY}"  # the app's own key never leaves
    path = tmp_path / "suites/responses/test_x.yaml"
    text = path.read_text()
    assert UPSTREAM_KEY not in text and "sk-test-app-key" not in text and "authorization" not in text.lower()
    assert '"user": "u1"' not in text and '"u1"' not in text  # volatile fields are not stored
    entries = load(path)
    assert [e.path for e in entries] == ["/v1/chat/completions"] * 2
    assert entries[0].uri == fake.base_url + "/chat/completions"
    assert len(entries[1].offsets_ms) == len(entries[1].events()) == len(streamed)
    assert entries[1].offsets_ms == sorted(entries[1].offsets_ms) and entries[1].offsets_ms[-1] >= 100


def test_recorded_entries_replay_without_the_upstream(tmp_path):
    with FakeUpstream() as fake:
        with ReplayEndpoint(tmp_path, mode="record", upstream=Upstream(fake.base_url)) as endpoint:
            with httpx.Client(base_url=endpoint.base_url) as client:
                live = client.post("/chat/completions", json=chat("plain json", stream=False)).json()
                live_stream = text_of(stream_events(client, chat("a stream")))
    with ReplayEndpoint(tmp_path) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
        assert client.post("/chat/completions", json=chat("plain json", stream=False)).json() == live
        assert text_of(stream_events(client, chat("a stream"))) == live_stream == "you said a stream"
        assert endpoint.take_misses() == []


def test_record_if_missing_forwards_only_what_is_not_recorded(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("known"), "from the cassette")])
    with (
        FakeUpstream() as fake,
        ReplayEndpoint(
            tmp_path, mode=InferenceMode.RECORD_IF_MISSING, upstream=Upstream(fake.base_url)
        ) as endpoint,
        httpx.Client(base_url=endpoint.base_url) as client,
    ):
        assert text_of(stream_events(client, chat("known"))) == "from the cassette"
        assert text_of(stream_events(client, chat("new one"))) == "you said new one"
    assert [json.loads(c["body"])["messages"][0]["content"] for c in fake.chat_calls()] == ["new one"]
    assert len(load(tmp_path / "unattributed.yaml")) == 1
    assert len(load(tmp_path / "c.yaml")) == 1


def test_live_mode_stores_nothing_and_lists_upstream_models(tmp_path):
    with FakeUpstream() as fake:
        with ReplayEndpoint(tmp_path, mode="live", upstream=Upstream(fake.base_url)) as endpoint:
            with httpx.Client(base_url=endpoint.base_url) as client:
                assert text_of(stream_events(client, chat("x"))) == "you said x"
                assert [m["id"] for m in client.get("/models").json()["data"]] == ["fake-model"]
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_upstream_stream_is_not_stored(tmp_path):
    write_cassette(tmp_path / "c.yaml", [recorded(chat("keep me"))])
    before = (tmp_path / "c.yaml").read_bytes()
    with FakeUpstream() as fake:
        with ReplayEndpoint(tmp_path, mode="record-if-missing", upstream=Upstream(fake.base_url)) as endpoint:
            endpoint.set_current_test("c.py::t")
            with httpx.Client(base_url=endpoint.base_url) as client, pytest.raises(httpx.HTTPError):
                stream_events(client, chat("die mid-stream"))
            failure = client_post_status(endpoint, chat("fail 500"))
    assert failure == 500
    assert (tmp_path / "c.yaml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["c.yaml"]


def client_post_status(endpoint, body):
    with httpx.Client(base_url=endpoint.base_url) as client:
        return client.post("/chat/completions", json=body).status_code


def test_an_unreachable_upstream_is_reported_for_the_test(tmp_path):
    with FakeUpstream() as fake:
        dead_url = fake.base_url  # the port is closed once the fake stops
    with ReplayEndpoint(tmp_path, mode="record", upstream=Upstream(dead_url)) as endpoint:
        endpoint.set_current_test("t::x")
        assert client_post_status(endpoint, chat("x")) == 502
        problems = endpoint.take_misses("t::x")
    assert (
        len(problems) == 1
        and "could not be reached" in problems[0].message
        and dead_url in problems[0].message
    )


def test_the_listening_socket_is_tcp_so_asyncio_disables_nagle(tmp_path):
    # asyncio sets TCP_NODELAY only on sockets created with proto=IPPROTO_TCP; without it each response
    # written in two parts waits ~40 ms for a delayed ACK (2,000 replays took 94 s instead of 5 s)
    import socket

    with ReplayEndpoint(tmp_path) as endpoint:
        assert endpoint._server._sock.proto == socket.IPPROTO_TCP
