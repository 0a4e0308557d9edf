#!/usr/bin/env python3
"""Loads HTML files in headless Chromium over the DevTools protocol (standard library only) and checks them.

For each page: every console error, uncaught exception and browser log error (a Content-Security-Policy
violation, a failed load) is collected; the load time is measured; a full-page PNG is written. Exits 1 if a
page has an error or loads in more than --max-seconds. Usage:

    cdp_check.py --chromium chromium --max-seconds 2 --expect-errors broken.html page.html:page.png ...

An argument `page.html:page.png` writes the screenshot to page.png. --expect-errors names a page that must
produce at least one error (a check that the checker itself still sees errors).
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), text/binary frames in, fragmentation handled."""

    def __init__(self, url):
        match = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("websocket handshake: connection closed")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake failed: " + head.decode(errors="replace"))

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("websocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            if second & 0x80:
                mask = self._read(4)
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(length)))
            else:
                data = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise RuntimeError("websocket closed by the browser")
            if opcode in (0x9, 0xA):  # ping/pong: not sent by Chromium to clients in practice
                continue
            message += data
            if first & 0x80:
                return message.decode()


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(index)
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {method}")
            self.ws.sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                message = json.loads(self.ws.receive())
            except socket.timeout:
                continue
            finally:
                self.ws.sock.settimeout(60)
            if "method" in message:
                self.events.append(message)

    def drain(self, seconds):
        """Collects events for a while (late console errors, CSP reports)."""
        try:
            self.wait_for("BuildTriage.never", seconds)
        except RuntimeError:
            pass


def errors_in(events):
    found = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append("uncaught: " + (details.get("exception", {}).get("description") or details.get("text", "?")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console.error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append(f"{entry.get('source', 'log')}: {entry.get('text', '')}")
    return found


def check(page, path, screenshot, max_height):
    page.events.clear()
    url = "file://" + os.path.abspath(path)
    started = time.monotonic()
    page.call("Page.navigate", url=url)
    page.wait_for("Page.loadEventFired", timeout=60)
    wall = time.monotonic() - started
    page.drain(0.5)
    timing = json.loads(page.call("Runtime.evaluate", returnByValue=True, expression=(
        "JSON.stringify((() => { const n = performance.getEntriesByType('navigation')[0];"
        " const p = performance.getEntriesByName('first-contentful-paint')[0];"
        " return {domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: p ? p.startTime : null,"
        " nodes: document.getElementsByTagName('*').length}; })())"))["result"]["value"])
    if screenshot:
        metrics = page.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
        with open(screenshot, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    return errors_in(page.events), wall, timing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--max-seconds", type=float, default=2.0)
    parser.add_argument("--max-screenshot-height", type=int, default=5000)
    parser.add_argument("--expect-errors", action="append", default=[])
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()

    profile = tempfile.mkdtemp(prefix="buildtriage-chromium-")
    browser = subprocess.Popen(
        [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
         f"--user-data-dir={profile}", "--window-size=1280,1024", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failed = False
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if browser.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = open(port_file).read().split("\n")[0].strip()
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = Page(WebSocket(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"]))
        for domain in ("Page", "Runtime", "Log"):
            page.call(f"{domain}.enable")

        for path in args.expect_errors:
            errors, _, _ = check(page, path, None, 0)
            if errors:
                print(f"ok   {path}: the checker sees errors ({errors[0][:100]})")
            else:
                print(f"FAIL {path}: a page with a known error showed none: the check is blind")
                failed = True

        for spec in args.pages:
            path, _, screenshot = spec.partition(":")
            errors, wall, timing = check(page, path, screenshot or None, args.max_screenshot_height)
            seconds = max(wall, (timing.get("load") or 0) / 1000)
            fcp = timing.get("fcp")
            fcp_text = f"{fcp / 1000:.3f}" if isinstance(fcp, (int, float)) else "n/a"
            print(f"{'ok  ' if not errors and seconds < args.max_seconds else 'FAIL'} {path}: {os.path.getsize(path)} bytes, "
                  f"{timing.get('nodes')} elements, load {seconds:.3f} s (navigation→load event {wall:.3f} s, "
                  f"loadEventEnd {(timing.get('load') or 0) / 1000:.3f} s, first contentful paint {fcp_text} s), "
                  f"{len(errors)} console errors" + (f", screenshot {screenshot}" if screenshot else ""))
            for error in errors[:20]:
                print(f"     {error}")
            if errors or seconds >= args.max_seconds:
                failed = True
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
