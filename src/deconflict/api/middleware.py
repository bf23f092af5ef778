"""Request-size cap and Prometheus metrics as one plain ASGI middleware.

Plain ASGI, not Starlette's ``BaseHTTPMiddleware``: that one runs every request
in an extra task group and costs milliseconds per request under load.
"""

from __future__ import annotations

import json
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class LimitsAndMetrics:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, registry: CollectorRegistry) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.requests = Counter(
            "deconflict_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "deconflict_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await self._too_large(send)
            return
        started = time.perf_counter()
        status = {"code": 500, "sent": False}
        seen = {"bytes": 0}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > self.max_body_bytes:  # a chunked body with no length
                    raise BodyTooLarge
            return message

        async def capturing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
            await send(message)

        try:
            await self.app(scope, counting_receive, capturing_send)
        except BodyTooLarge:
            if not status["sent"]:
                await self._too_large(send)
                status["code"] = 413
        finally:
            route: Any = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.latency.labels(scope["method"], path).observe(time.perf_counter() - started)
            self.requests.labels(scope["method"], path, str(status["code"])).inc()

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(
            {"error": "limit_exceeded", "message": f"request body over {self.max_body_bytes} bytes"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
