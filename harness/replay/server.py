"""An ASGI app served on a free loopback port by uvicorn in a background thread.

The socket is bound before the thread starts, so the port is known (and reserved) up front; the app
runs on the thread's own event loop, independent of whatever loop the tests or the app under test use.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from harness.core.errors import ReplayError

STARTUP_TIMEOUT = 10.0


class LoopbackServer:
    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        self.host = host
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on sockets that say they are TCP, and
        # without it every response written in two parts waits ~40 ms for a delayed ACK.
        self._sock = socket.socket(
            socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            interface="asgi3",
            log_level="warning",
            access_log=False,
            lifespan="on",
            proxy_headers=False,
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"replay-endpoint-{self.port}", daemon=True)
        self._failure: BaseException | None = None

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as error:  # surfaced by start()
            self._failure = error

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if self._failure is not None or not self._thread.is_alive():
                raise ReplayError(
                    f"the replay endpoint on {self.host}:{self.port} did not start: {self._failure!r}",
                    fix="see the error above; the endpoint needs a free loopback port",
                )
            if time.monotonic() > deadline:
                raise ReplayError(
                    f"the replay endpoint on {self.host}:{self.port} did not start within {STARTUP_TIMEOUT} s"
                )
            time.sleep(0.005)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._sock.close()
