"""Setups: which upstream provider and model the cassettes were recorded with (``<setups dir>/<name>.yaml``:
the project's setups directory, then the ones the harness ships in ``harness/bundled/setups``).

A suite runs against another setup by naming it (``--setup``) and re-recording; replay needs nothing
from it but the model name. Keys are read from the environment variable the setup names, never stored."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from harness.core.bundled import SETUPS
from harness.core.documents import read_document
from harness.core.errors import UsageError


class UpstreamVars(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url_env: str = "HARNESS_UPSTREAM_BASE_URL"
    api_key_env: str = "HARNESS_UPSTREAM_API_KEY"


class Setup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    provider: str  # the provider_id the stack config registers the model under
    model: str  # the provider's model name (what the app sends upstream)
    upstream: UpstreamVars = UpstreamVars()

    @property
    def model_id(self) -> str:
        """The id clients use with the router (``openai/gpt-4o``)."""
        return f"{self.provider}/{self.model}"

    def app_env(self) -> dict[str, str]:
        """Variables the bundled stack configs read to register the setup's model."""
        return {"HARNESS_SETUP_PROVIDER_MODEL": self.model, "HARNESS_SETUP_PROVIDER_ID": self.provider}

    def upstream_from_env(self) -> tuple[str, str | None] | None:
        base_url = os.environ.get(self.upstream.base_url_env, "").strip()
        if not base_url:
            return None
        return base_url, os.environ.get(self.upstream.api_key_env, "").strip() or None


def search_path(project_dirs: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    return tuple(dict.fromkeys([*project_dirs, SETUPS]))


def available(dirs: tuple[Path, ...]) -> list[str]:
    return sorted({p.stem for d in dirs if d.is_dir() for p in d.glob("*.yaml")})


def load_setup(name: str, project_dirs: tuple[Path, ...] = ()) -> Setup:
    dirs = search_path(project_dirs)
    path = next((d / f"{name}.yaml" for d in dirs if (d / f"{name}.yaml").is_file()), None)
    if path is None:
        raise UsageError(
            "--setup: no such setup",
            value=name,
            allowed=", ".join(available(dirs)) or "(none)",
            fix=f"name a setup file (without .yaml) of {', '.join(str(d) for d in dirs)}, or add one",
        )
    data = read_document(
        path,
        what="the setup file",
        error=UsageError,
        allowed="keys name, provider, model, upstream.base_url_env, upstream.api_key_env",
        fix="compare it with harness/bundled/setups/openai-gpt-4o.yaml",
    )
    try:
        setup = Setup.model_validate(data)
    except ValidationError as error:
        raise UsageError(
            f"the setup file {path} is not valid: {error}",
            value=str(path),
            allowed="keys name, provider, model, upstream.base_url_env, upstream.api_key_env",
            fix="compare it with harness/bundled/setups/openai-gpt-4o.yaml",
        ) from None
    if setup.name != name:
        raise UsageError(
            f"the setup file {path} is named {setup.name!r} inside",
            value=setup.name,
            allowed=name,
            fix="make `name:` match the file name",
        )
    return setup
