"""Library mode: the router app's real FastAPI app in the pytest process, lifespan started once."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from harness.core.errors import TargetError

from .asgi_bridge import InProcessApp
from .base import AppEnvironment, RunningStack
from .log_tail import LogTail
from .profiles import StackProfile
from .registry import OpenContext, register
from .stack_config import ConfigFinder, StackSelection, bad_value

BASE_URL = "http://router-under-test"  # never resolved: requests go through the in-process transport


class LibraryTarget:
    def __init__(
        self, profile: StackProfile, config: Path, env: AppEnvironment, *, startup_timeout: float = 120
    ) -> None:
        self.profile = profile
        self.config = config
        self.env = env
        self.startup_timeout = startup_timeout
        self._saved_env: dict[str, str | None] = {}
        self._app: InProcessApp | None = None
        self._log = LogTail()

    def _set_env(self) -> None:
        quiet = {name: value for name, value in self.profile.library_env if name not in os.environ}
        variables = {
            **quiet,
            **self.env.variables(),
            **self.profile.prepare(self.env.state_dir),
            self.profile.config_env: str(self.config),
        }
        for name, value in variables.items():
            self._saved_env[name] = os.environ.get(name)
            os.environ[name] = value

    def _restore_env(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def __enter__(self) -> RunningStack:
        version = self.profile.require_installed()
        self._set_env()
        try:
            asgi_app = self.profile.create_app()
            logging.getLogger().addHandler(self._log)
            self._app = InProcessApp(asgi_app, startup_timeout=self.startup_timeout)
            self._app.start()
        except BaseException as error:
            self.__exit__(None, None, None)
            raise TargetError(
                f"the {self.profile.name} app failed to start in-process: {type(error).__name__}: {error}",
                value=str(self.config),
                fix="check the stack config (providers, stores, ${env.*} variables) and the log below; "
                "the same config in server mode (--stack-config=server:<config>) shows the full log",
                log_tail=self._log.tail(),
            ) from error
        return RunningStack(
            base_url=BASE_URL,
            mode="library",
            profile=self.profile.name,
            config=self.config,
            log_tail=self._log.tail,
            asgi_app=self._app,
            describe=f"{self.profile.name} {version}, library mode, {self.config}",
            gone=self.gone,
        )

    def gone(self, settle: float = 0) -> str | None:
        """Whether the in-process app's event loop thread still runs; see ``RunningStack.gone``."""
        ended = self._app.ended(settle) if self._app is not None else None
        return f"the {self.profile.name} app (in-process, library mode): {ended}" if ended else None

    def __exit__(self, *exc: object) -> None:
        if self._app is not None:
            self._app.stop()
            self._app = None
        logging.getLogger().removeHandler(self._log)
        self._restore_env()


class _Library:
    """``<config>``: the app in the pytest process. Takes any value no other target claims."""

    mode = "library"

    def claims(self, value: str) -> bool:
        return True

    def parse(self, value: str, finder: ConfigFinder) -> StackSelection:
        stripped = value.strip()
        prefix, sep, _ = stripped.partition(":")
        if (
            sep
            and not Path(stripped).exists()
            and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", prefix)
            and len(prefix) > 1
        ):
            raise bad_value(
                value,
                f"unknown form {prefix + ':'!r}",
                "use one of the allowed forms, e.g. --stack-config=replay or --stack-config=server:replay",
            )
        return StackSelection(mode=self.mode, raw=value, config=finder.resolve(stripped, value), target=self)

    def open(self, selection: StackSelection, context: OpenContext) -> LibraryTarget:
        assert selection.config is not None
        return LibraryTarget(
            context.profile, selection.config, context.env, startup_timeout=context.startup_timeout
        )


TARGET = register(_Library())
