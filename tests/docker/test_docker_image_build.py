"""The router app's image: built from Debian's packages and PyPI, cached, no leftovers."""

from __future__ import annotations

import hashlib

import pytest

from harness.targets.docker_image import (
    BASE_REPOSITORY,
    LABEL_PREFIX,
    ImageRecipe,
    ensure_image,
    rootfs_tarball,
)

pytestmark = pytest.mark.slow


def test_a_second_run_finds_the_image_and_does_not_rebuild(docker_client, ogx_image: str) -> None:  # type: ignore[no-untyped-def]
    before = docker_client.images.get(ogx_image)
    assert ensure_image("ogx", "1.5.0") == ogx_image
    after = docker_client.images.get(ogx_image)
    assert (after.id, after.attrs["Created"]) == (before.id, before.attrs["Created"])
    recipe = ImageRecipe.for_profile("ogx", "1.5.0")
    assert after.labels[f"{LABEL_PREFIX}inputs"] == recipe.inputs_key()
    assert after.labels[f"{LABEL_PREFIX}version"] == "1.5.0"
    assert rootfs_tarball(recipe).is_file()  # the debootstrap tarball is cached on disk


def test_the_build_leaves_no_stage_images_and_no_base_tag(docker_client, ogx_image: str) -> None:  # type: ignore[no-untyped-def]
    assert docker_client.images.list(all=True, filters={"label": f"{LABEL_PREFIX}build-stage"}) == []
    assert docker_client.images.list(name=BASE_REPOSITORY) == []
    same_recipe = docker_client.images.list(
        filters={"label": [f"{LABEL_PREFIX}profile=ogx", f"{LABEL_PREFIX}version=1.5.0"]}
    )
    assert [tag for image in same_recipe for tag in image.tags] == [ogx_image]


def test_the_image_has_python_3_12_or_newer_ogx_and_the_offline_encoding(
    docker_client, ogx_image: str
) -> None:  # type: ignore[no-untyped-def]
    address = b"https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    script = (
        "import sys, os, importlib.metadata as m; "
        "print(sys.version_info[0], sys.version_info[1]); print(m.version('ogx')); "
        f"print(os.path.getsize(os.path.join(os.environ['TIKTOKEN_CACHE_DIR'], '{hashlib.sha1(address).hexdigest()}'))); "
        "print(os.path.exists('/build'), os.environ['OTEL_SDK_DISABLED'])"
    )
    output = docker_client.containers.run(
        ogx_image, ["python", "-c", script], network_mode="none", remove=True
    )
    major, minor, ogx_version, encoding_size, build_dir, otel = output.decode().split()
    assert (int(major), int(minor)) >= (3, 12)
    assert ogx_version == "1.5.0"
    assert int(encoding_size) > 1_000_000
    assert build_dir == "False"  # the build stage (and the host's CA bundle in it) is not in the image
    assert otel == "true"
