import harness.replay as replay


def test_every_exported_name_exists_and_is_listed_once():
    assert len(replay.__all__) == len(set(replay.__all__))
    for name in replay.__all__:
        assert getattr(replay, name) is not None, name


def test_the_documented_entry_points_are_exported():
    for name in (
        "ReplayEndpoint",
        "InferenceMode",
        "Upstream",
        "outbound_guard",
        "import_ogx_recordings",
        "prune",
        "scan_files",
    ):
        assert name in replay.__all__
