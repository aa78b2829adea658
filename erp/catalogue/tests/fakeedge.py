"""A local stand-in for the edge key-value store's sync endpoint: a real HTTP server on 127.0.0.1 (random port),
scripted per request to answer slowly, fail with 5xx, rate-limit with 429 + Retry-After, or refuse with 400."""

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: str = '{"ok": true}'


@dataclass
class Received:
    headers: dict[str, str]
    payload: dict[str, Any]
    status: int  # what the server answered (a client that timed out never read it)


class FakeEdge:
    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/sync"

    def reply(self, *replies: Reply) -> None:
        """The next requests get these answers, in order; after them every request gets 200."""
        with self.lock:
            self.script.extend(replies)

    def delivered(self) -> list[dict[str, Any]]:
        """Items of every batch the server accepted (2xx)."""
        return [item for r in self.received if 200 <= r.status < 300 for item in r.payload["items"]]

    def _next(self) -> Reply:
        with self.lock:
            return self.script.popleft() if self.script else Reply()


def _handler(edge: FakeEdge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            reply = edge._next()
            with edge.lock:
                edge.received.append(Received(dict(self.headers), payload, reply.status))
            if reply.delay:
                time.sleep(reply.delay)
            try:
                body = reply.body.encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (read timeout)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return

    return Handler


@pytest.fixture
def fake_edge() -> Iterator[FakeEdge]:
    edge = FakeEdge()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(edge))
    server.daemon_threads = True
    server.block_on_close = False
    edge.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield edge
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
