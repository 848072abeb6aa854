"""A real headless browser for the HTML report's tests: Debian's ``chromium`` driven over the Chrome
DevTools Protocol (a small client on ``websockets``' sync API), listening on 127.0.0.1 only.

Chromium's own background traffic is switched off and every host name resolves to nothing
(``--host-resolver-rules``), so nothing leaves loopback even if the page tried; the page's own requests
are seen through CDP ``Network`` events and asserted on by the tests."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = "apt-get install -y chromium (Debian's package; runs headless as root with --no-sandbox)"


def chromium_path() -> str:
    """The browser binary; a missing one is a failure with the fix, never a skip."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(
        f"no chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)}); install it: {INSTALL_HINT}"
    )


class Page:
    """One tab, attached with a flat CDP session."""

    def __init__(self, socket: Any, session: str) -> None:
        self._socket, self._session = socket, session
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        ident = next(self._ids)
        self._socket.send(
            json.dumps({"id": ident, "method": method, "params": params, "sessionId": self._session})
        )
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"CDP {method} failed: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message
        raise AssertionError(f"no {method} within {timeout} s")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed, released) at the middle of the element."""
        box = self.evaluate(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: 'nearest', inline: 'nearest'}});
            const r = e.getBoundingClientRect(); return {{x: r.x + r.width / 2, y: r.y + r.height / 2}}; }})()""")
        assert box is not None, f"nothing on the page matches {selector}"
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1
            )

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"
        ]


@contextmanager
def browser(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    from websockets.sync.client import connect

    profile = tempfile.mkdtemp(prefix="harness-chromium-")
    process = subprocess.Popen(
        [
            chromium_path(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LANG": "C.UTF-8"},
    )
    try:
        url, seen = _devtools_url(process)
        threading.Thread(
            target=process.stderr.read, daemon=True
        ).start()  # keep its log from filling the pipe
        assert url.startswith("ws://127.0.0.1:"), f"chromium's DevTools endpoint is not on loopback: {url}"
        with connect(url, max_size=2**26, open_timeout=30) as socket:
            ids = itertools.count(10_000)

            def call(method: str, **params: Any) -> dict[str, Any]:
                ident = next(ids)
                socket.send(json.dumps({"id": ident, "method": method, "params": params}))
                while True:
                    message = json.loads(socket.recv(timeout=30))
                    if message.get("id") == ident:
                        return message["result"]

            target = call("Target.createTarget", url="about:blank")["targetId"]
            session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            page = Page(socket, session)
            for domain in ("Page", "Network", "Runtime", "Log"):
                page.send(f"{domain}.enable")
            page.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_url(process: subprocess.Popen) -> tuple[str, list[str]]:
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line.rstrip())
        match = re.search(r"DevTools listening on (ws://\S+)", line)
        if match:
            return match.group(1), seen
    raise AssertionError("chromium did not start its DevTools endpoint; it said:\n" + "\n".join(seen[-20:]))
