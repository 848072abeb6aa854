"""Router-app profiles: each shipped app is one module under ``harness/targets/apps``, and a package that
registers its own in the ``harness.profiles`` entry-point group gets server mode, an image recipe and
messages from that one module too."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from harness.core.errors import UsageError
from harness.targets import profiles
from harness.targets.apps import llama_stack, ogx
from harness.targets.docker_image import ImageRecipe, image_app

ROOT = Path(__file__).resolve().parents[2]

OTHER_APP = """
from harness.targets.profile import StackProfile

PROFILE = StackProfile(
    name="other-router",
    distribution="other-router",
    app_factory="other_router.server:create_app",
    config_env="OTHER_ROUTER_CONFIG",
    cli_module="other_router.cli",
    program="other-router",
    serve=("serve", "{config}", "--listen", "127.0.0.1:{port}"),
    image_packages=("other-router=={version}", "uvicorn"),
)
"""


@pytest.fixture
def other_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package installed beside the harness that ships a profile (a real dist-info on sys.path)."""
    (tmp_path / "other_router_profile.py").write_text(OTHER_APP)
    info = tmp_path / "other_router_profile-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: other-router-profile\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{profiles.ENTRY_POINT_GROUP}]\nother-router = other_router_profile:PROFILE\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return "other-router"


def test_the_shipped_profiles_are_one_module_each() -> None:
    assert profiles.PROFILES == {"ogx": ogx.PROFILE, "llama-stack": llama_stack.PROFILE}
    assert ogx.PROFILE.module == "ogx" and llama_stack.PROFILE.module == "llama_stack"


@pytest.mark.parametrize("name", ["ogx", "llama-stack"])
def test_a_profiles_image_installs_its_extra(name: str) -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][name]
    version = {"ogx": "1.5.0", "llama-stack": "0.7.3"}[name]
    packages = [p.format(version=version) for p in profiles.PROFILES[name].image_packages]
    assert packages == extra


def test_a_profile_from_another_package_is_found_and_gets_an_image_recipe(other_app: str) -> None:
    profile = profiles.get_profile(other_app)
    assert profile.server_hint("stack.yaml") == "other-router serve stack.yaml --listen 127.0.0.1:8321"
    recipe = ImageRecipe.for_profile(other_app, "2.0")
    assert recipe.requirements() == "other-router==2.0\nuvicorn\n"
    assert "import sys, other_router;" in recipe.dockerfile()
    assert image_app(other_app).command("/stack/config.yaml", 8000) == [
        "other-router",
        "serve",
        "/stack/config.yaml",
        "--listen",
        "127.0.0.1:8000",
    ]


def test_an_unknown_profile_names_the_known_ones(other_app: str) -> None:
    with pytest.raises(UsageError) as raised:
        profiles.get_profile("nope")
    assert raised.value.value == "nope"
    assert "ogx, llama-stack, other-router" in raised.value.allowed


def test_an_image_of_an_app_without_a_profile_serves_like_ogx() -> None:
    assert image_app("unknown").command("/c.yaml", 1) == [
        "ogx",
        "run",
        "/c.yaml",
        "--port",
        "1",
        "--insecure",
    ]
