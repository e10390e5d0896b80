"""Drive a headless Chromium from a test: the DevTools protocol over a websocket, standard library only.

`open_offline(html_path)` starts Chromium with its own profile, every host name resolving to nothing
and every proxied request sent to a local socket this module listens on, loads the file, and returns
what the page did: the URLs it requested (Network.requestWillBeSent), the connections the proxy saw,
and a `Page` to evaluate JavaScript in and take screenshots with. Chromium is found as `chromium`,
`chromium-browser`, `google-chrome` or $IMX_CHROMIUM; `find_chromium()` is None when there is none,
and the tests skip with that reason.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
START_TIMEOUT = 30.0  # seconds for Chromium to open its DevTools port (a cold start on a busy machine)
CALL_TIMEOUT = 30.0
# Browser features that phone home on their own (time, updates, sign-in, hints), turned off so that
# what reaches the proxy is what the page asked for.
QUIET_FEATURES = (
    "Translate",
    "OptimizationHints",
    "OptimizationGuideModelDownloading",
    "MediaRouter",
    "DialMediaRouteProvider",
    "NetworkTimeServiceQuerying",
    "AutofillServerCommunication",
    "CertificateTransparencyComponentUpdater",
    "InterestFeedContentSuggestions",
    "PrivacySandboxSettings4",
    "AccountConsistency",
    "ChromeSignin",
)


def find_chromium() -> str | None:
    """The Chromium executable to use, or None."""
    given = os.environ.get("IMX_CHROMIUM")
    if given:
        return shutil.which(given)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class _Listener:
    """A local TCP socket standing in as the proxy: it accepts and records every connection and
    answers none, so a request that leaves the page is seen here and fails."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.seen: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(0.5)
                try:
                    self.seen.append(connection.recv(200) or b"<empty>")
                except OSError:
                    self.seen.append(b"<no data>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()


class _WebSocket:
    """The client side of RFC 6455, just enough for DevTools: masked text frames out, frames in."""

    def __init__(self, url: str) -> None:
        rest = url.removeprefix("ws://")
        hostport, _, path = rest.partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=CALL_TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("DevTools closed the websocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"DevTools refused the websocket: {head[:200]!r}")

    def send(self, message: str) -> None:
        payload = message.encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 1 << 16:
            header.append(0x80 | 126)
            header += struct.pack("!H", len(payload))
        else:
            header.append(0x80 | 127)
            header += struct.pack("!Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def _exact(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.sock.recv(min(size - len(data), 1 << 20))
            if not chunk:
                raise ConnectionError("DevTools closed the websocket")
            data += chunk
        return bytes(data)

    def receive(self) -> str:
        message = bytearray()
        while True:
            first, second = self._exact(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._exact(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._exact(8))[0]
            mask = self._exact(4) if second & 0x80 else None
            payload = self._exact(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if opcode in (0x9, 0xA):  # ping, pong: not part of a message
                continue
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


@dataclass
class Page:
    """One page's DevTools session: calls return their result; events are kept in order."""

    ws: _WebSocket
    events: list[dict[str, Any]] = field(default_factory=list)
    _next: int = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + CALL_TIMEOUT
        while time.monotonic() < deadline:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(method)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + CALL_TIMEOUT
        while time.monotonic() < deadline:
            message = json.loads(self.ws.receive())
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message
        raise TimeoutError(method)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requested(self) -> list[str]:
        """Every URL the page asked for, the document itself included."""
        return [
            e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"
        ]

    def screenshot(self, width: int) -> bytes:
        """The whole page as a PNG, `width` CSS pixels wide at a scale of 1."""
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return base64.b64decode(shot["data"])


@dataclass
class Visit:
    page: Page
    proxy_connections: list[bytes]


@contextlib.contextmanager
def open_offline(html_path: Path, *, width: int = 1280, height: int = 900) -> Iterator[Visit]:
    """Load html_path (a file) in a fresh headless Chromium with no way out to the network."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium")
    listener = _Listener()
    profile = tempfile.mkdtemp(prefix="imx-chromium-")
    command = [
        chromium,
        "--headless=new",
        "--no-sandbox",  # the test may run as root (CI containers)
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-client-side-phishing-detection",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-pings",
        "--no-service-autorun",
        "--metrics-recording-only",
        "--password-store=basic",
        "--use-mock-keychain",
        "--disable-features=" + ",".join(QUIET_FEATURES),
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--remote-debugging-port=0",
        f"--proxy-server=http://127.0.0.1:{listener.port}",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--window-size={width},{height}",
        "about:blank",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ws = None
    try:
        port = _devtools_port(Path(profile), process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=CALL_TIMEOUT) as answer:
            targets = json.load(answer)
        target = next(t for t in targets if t.get("type") == "page")
        ws = _WebSocket(target["webSocketDebuggerUrl"])
        page = Page(ws)
        page.call("Network.enable")
        page.call("Page.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.call("Page.navigate", url=html_path.resolve().as_uri())
        page.wait_for("Page.loadEventFired")
        yield Visit(page, listener.seen)
    finally:
        if ws is not None:
            ws.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        listener.close()
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    """Chromium writes the port it chose to DevToolsActivePort in its profile folder."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Chromium exited with status {process.returncode} before DevTools opened")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        time.sleep(0.05)
    raise TimeoutError("Chromium did not open its DevTools port")
