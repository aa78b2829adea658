"""A local fake of the Graph API's send endpoint, for tests and the demo (never the internet).

A threaded HTTP server on 127.0.0.1 that answers `POST /<version>/<phone_number_id>/messages`. Responses follow a
script (a list of `Reply`, consumed in order) and then the default: 200 with a fresh wamid after `latency`
seconds. It records every request, and counts the accepted sends (200s) so tests can assert "exactly once".
"""

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    delay: float = 0.0
    error_code: int | None = None
    retry_after: int | None = None

    @classmethod
    def timeout(cls, seconds: float) -> "Reply":
        """Stall longer than the client's read timeout, then give up with a 504 (no message is accepted)."""
        return cls(status=504, delay=seconds)


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int
    wamid: str | None
    at: float = field(default_factory=time.monotonic)


class FakeGraphAPI:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        error_rate: float = 0.0,
        rate_limit_every: int = 0,
    ) -> None:
        self.latency = latency
        self.error_rate = error_rate
        self.rate_limit_every = rate_limit_every
        self.script: list[Reply] = []
        self.requests: list[Recorded] = []
        self.received = 0  # requests that arrived (counted before any scripted delay)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

            def do_POST(self) -> None:  # noqa: N802 - stdlib hook name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                with fake.lock:
                    fake.received += 1
                reply = fake._next_reply()
                if reply.delay:
                    time.sleep(reply.delay)
                wamid = f"wamid.FAKE{uuid.uuid4().hex}" if reply.status == 200 else None
                with fake.lock:
                    fake.requests.append(Recorded(self.path, dict(self.headers.items()), body, reply.status, wamid))
                if reply.status == 200:
                    payload: dict[str, Any] = {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to", ""), "wa_id": body.get("to", "")}],
                        "messages": [{"id": wamid}],
                    }
                else:
                    payload = {
                        "error": {
                            "message": f"fake error {reply.error_code or reply.status}",
                            "type": "OAuthException",
                            "code": reply.error_code or reply.status,
                        }
                    }
                data = json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    if reply.retry_after is not None:
                        self.send_header("Retry-After", str(reply.retry_after))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing was accepted

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _next_reply(self) -> Reply:
        with self.lock:
            if self.script:
                return self.script.pop(0)
            count = len(self.requests) + 1
        if self.rate_limit_every and count % self.rate_limit_every == 0:
            return Reply(status=429, delay=self.latency, retry_after=2, error_code=130429)
        if self.error_rate and random.random() < self.error_rate:  # noqa: S311 - a demo fault injector
            return Reply(status=503, delay=self.latency)
        return Reply(status=200, delay=self.latency)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v18.0"

    def accepted(self) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.status == 200]

    def start(self) -> "FakeGraphAPI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
