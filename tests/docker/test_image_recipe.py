"""ImageRecipe: what the image's tag is a hash of (fast, no engine)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from harness.core.errors import UsageError
from harness.targets import docker_image, profiles
from harness.targets.docker_image import ImageRecipe

ROOT = Path(__file__).resolve().parents[2]


def test_the_tag_is_stable_for_the_same_inputs() -> None:
    assert ImageRecipe.for_profile("ogx", "1.5.0").tag() == ImageRecipe.for_profile("ogx", "1.5.0").tag()
    assert ImageRecipe.for_profile("ogx", "1.5.0").tag().startswith("router-harness/ogx:1.5.0-")


def test_the_tag_changes_with_each_input(monkeypatch: pytest.MonkeyPatch) -> None:
    base = ImageRecipe.for_profile("ogx", "1.5.0")
    tags = {base.tag(), ImageRecipe.for_profile("ogx", "1.4.0").tag()}
    tags.add(ImageRecipe("ogx", "1.5.0", suite="forky").tag())
    tags.add(ImageRecipe("ogx", "1.5.0", debian_packages=("python3",)).tag())
    monkeypatch.setattr(docker_image, "BUILD_SCRIPT_VERSION", "test-bump")
    tags.add(base.tag())
    ogx = profiles.PROFILES["ogx"]
    more = dataclasses.replace(ogx, image_packages=(*ogx.image_packages, "extra-package"))
    monkeypatch.setitem(profiles.PROFILES, "ogx", more)
    tags.add(base.tag())
    assert len(tags) == 6


@pytest.mark.parametrize(("profile", "version"), [("ogx", "1.5.0"), ("llama-stack", "0.7.3")])
def test_the_recipe_installs_what_the_profiles_extra_lists(profile: str, version: str) -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][profile]
    recipe = ImageRecipe.for_profile(profile, version).requirements().splitlines()
    assert recipe == extra


def test_each_profiles_image_checks_and_serves_its_own_app() -> None:
    ogx = ImageRecipe.for_profile("ogx", "1.5.0").dockerfile()
    assert "import sys, ogx;" in ogx
    assert 'CMD ["ogx", "run", "/stack/config.yaml", "--port", "8321", "--insecure"]' in ogx
    llama = ImageRecipe.for_profile("llama-stack", "0.7.3")
    assert "import sys, llama_stack;" in llama.dockerfile()
    assert 'CMD ["llama", "stack", "run", "/stack/config.yaml", "--port", "8321"]' in llama.dockerfile()
    assert llama.tag().startswith("router-harness/llama-stack:0.7.3-")


def test_the_dockerfile_builds_from_the_imported_base_and_never_keeps_the_host_ca() -> None:
    recipe = ImageRecipe.for_profile("ogx", "1.5.0")
    dockerfile = recipe.dockerfile()
    assert dockerfile.count(f"FROM {recipe.base_tag()}") == 2
    final_stage = dockerfile.split(f"FROM {recipe.base_tag()}\n", 1)[1]
    assert "ca-bundle" not in final_stage
    assert "COPY --from=build /opt /opt" in final_stage


@pytest.mark.parametrize(
    ("profile", "version"), [("vllm", "1.5.0"), ("ogx", ""), ("ogx", "1.5.0 "), ("ogx", "a/b")]
)
def test_unknown_profiles_and_bad_versions_are_usage_errors(profile: str, version: str) -> None:
    with pytest.raises(UsageError) as caught:
        ImageRecipe.for_profile(profile, version)
    assert "allowed" in caught.value.render()
