import pytest

from harness.core.errors import UsageError
from harness.replay import InferenceMode


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("replay", InferenceMode.REPLAY),
        ("record", InferenceMode.RECORD),
        ("record-if-missing", InferenceMode.RECORD_IF_MISSING),
        ("RECORD_IF_MISSING", InferenceMode.RECORD_IF_MISSING),
        (" live ", InferenceMode.LIVE),
    ],
)
def test_parse_accepts_each_mode(text, mode):
    assert InferenceMode.parse(text) is mode


def test_unknown_mode_names_value_allowed_values_option_and_env_var():
    with pytest.raises(UsageError) as caught:
        InferenceMode.parse("replya")
    text = caught.value.render()
    assert "'replya'" in text
    assert "replay, record, record-if-missing, live" in text
    assert "--inference-mode" in text and "HARNESS_INFERENCE_MODE" in text


def test_env_var_defaults_to_replay_and_is_validated():
    assert InferenceMode.from_env({}) is InferenceMode.REPLAY
    assert InferenceMode.from_env({"HARNESS_INFERENCE_MODE": ""}) is InferenceMode.REPLAY
    assert InferenceMode.from_env({"HARNESS_INFERENCE_MODE": "live"}) is InferenceMode.LIVE
    with pytest.raises(UsageError, match="'nope'"):
        InferenceMode.from_env({"HARNESS_INFERENCE_MODE": "nope"})


def test_mode_properties():
    assert InferenceMode.REPLAY.reads_cassettes and not InferenceMode.REPLAY.writes_cassettes
    assert not InferenceMode.REPLAY.needs_upstream
    assert InferenceMode.RECORD.writes_cassettes and not InferenceMode.RECORD.reads_cassettes
    assert (
        InferenceMode.RECORD_IF_MISSING.reads_cassettes and InferenceMode.RECORD_IF_MISSING.writes_cassettes
    )
    assert InferenceMode.LIVE.needs_upstream and not InferenceMode.LIVE.writes_cassettes
