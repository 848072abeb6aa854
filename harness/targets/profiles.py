"""The registry of router-app profiles: the shipped ones (``apps/``), then those other packages register in
the ``harness.profiles`` entry-point group. Adding an app is one module."""

from __future__ import annotations

import importlib.metadata

from harness.core.errors import UsageError

from .apps import llama_stack, ogx
from .profile import StackProfile

PROFILES: dict[str, StackProfile] = {profile.name: profile for profile in (ogx.PROFILE, llama_stack.PROFILE)}


__all__ = ["ENTRY_POINT_GROUP", "PROFILES", "StackProfile", "get_profile"]

ENTRY_POINT_GROUP = "harness.profiles"  # a router app ships its own: name = "module:PROFILE"


def _shipped_elsewhere() -> dict[str, StackProfile]:
    found = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name not in PROFILES:
            profile = entry_point.load()
            if isinstance(profile, StackProfile):
                found[entry_point.name] = profile
    return found


def get_profile(name: str) -> StackProfile:
    if name in PROFILES:
        return PROFILES[name]
    others = _shipped_elsewhere()
    if name in others:
        return others[name]
    raise UsageError(
        "unknown stack profile",
        value=name,
        allowed=", ".join([*PROFILES, *others]),
        fix="pass --stack-profile=ogx (the default) or --stack-profile=llama-stack, or install the package "
        f"that registers the profile in the {ENTRY_POINT_GROUP!r} entry-point group",
    )
