"""Targets as a registry: each way of running the app is one module that registers one :class:`Target`.

A target claims ``--stack-config`` values by their form (``server:``, ``http(s)://``, ``docker:``; the library
target takes what no other claims), parses and validates its value at configure time (nothing starts then),
and later opens the stack. Built-in targets are listed here; another package adds one through the
``harness.targets`` entry-point group (``name = "module:TARGET"``)."""

from __future__ import annotations

import importlib
import importlib.metadata
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from harness.core.errors import UsageError

from .base import AppEnvironment, RunningStack
from .profiles import StackProfile
from .stack_config import ALLOWED_FORMS, OPTION, ConfigFinder, StackSelection

ENTRY_POINT_GROUP = "harness.targets"
# Tried in this order; the library target, which takes any config name or path, comes last.
BUILTIN = (
    "harness.targets.url",
    "harness.targets.server",
    "harness.targets.docker",
    "harness.targets.library",
)


@dataclass(frozen=True)
class OpenContext:
    """What a target needs to open the stack, besides its own parsed value."""

    profile: StackProfile
    env: AppEnvironment
    startup_timeout: float


class Target(Protocol):
    mode: str  # "library" | "server" | "url" | "docker" | a new target's own

    def claims(self, value: str) -> bool:
        """Whether ``value`` (stripped) is in this target's form."""

    def parse(self, value: str, finder: ConfigFinder) -> StackSelection:
        """The validated selection; a UsageError names what is wrong. Runs at configure: nothing starts."""

    def open(self, selection: StackSelection, context: OpenContext) -> AbstractContextManager[RunningStack]:
        """A context manager that starts the stack and always stops it."""


_TARGETS: list[Target] = []


def register(target: Target) -> Target:
    if not isinstance(getattr(target, "mode", None), str) or not all(
        callable(getattr(target, name, None)) for name in ("claims", "parse", "open")
    ):
        raise TypeError(f"{target!r} is not a Target: it needs a `mode` string and claims/parse/open methods")
    if any(existing.mode == target.mode for existing in _TARGETS):
        raise ValueError(f"a target for mode {target.mode!r} is already registered")
    _TARGETS.append(target)
    return target


def targets() -> list[Target]:
    if not _TARGETS:
        for module in BUILTIN:
            importlib.import_module(module)
        fallback = _TARGETS.pop()  # the library target takes what the others do not: keep it last
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if not any(t is entry_point.load() for t in _TARGETS):
                register(entry_point.load())
        _TARGETS.append(fallback)
    return list(_TARGETS)


def select(value: str, *, search: tuple[Path, ...]) -> StackSelection:
    """Parse a ``--stack-config`` value with the target whose form it has."""
    stripped = value.strip()
    if not stripped:
        raise UsageError(
            f"{OPTION}: the value is empty",
            value=value,
            allowed=ALLOWED_FORMS,
            fix=f"pass {OPTION}=replay to run the bundled replay stack in-process",
        )
    finder = ConfigFinder(search)
    for target in targets():
        if target.claims(stripped):
            return target.parse(value, finder)
    raise UsageError(
        f"{OPTION}: no target takes this value",
        value=value,
        allowed=ALLOWED_FORMS,
        fix="use one of the allowed forms",
    )


def open_stack(selection: StackSelection, context: OpenContext) -> Any:
    return selection.target.open(selection, context)
