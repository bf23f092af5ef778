"""Request-size cap, request-body timeout and Prometheus metrics as one plain ASGI middleware.

Plain ASGI, not Starlette's ``BaseHTTPMiddleware``: that one runs every request
in an extra task group and costs milliseconds per request under load.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


def error_json(error: str, message: str) -> bytes:
    """An error answer's body, for the answers given before any route runs."""
    return json.dumps({"error": error, "message": message, "field": None}).encode()


def request_timeout_message(timeout_s: float) -> str:
    return f"the request did not arrive within {timeout_s:g} s"


class LimitsAndMetrics:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, request_timeout_s: float, registry: CollectorRegistry
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.request_timeout_s = request_timeout_s
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
        status = {"code": 500, "sent": False, "timed_out": False}
        seen = {"bytes": 0, "complete": False}

        async def counting_receive() -> Message:
            if seen["complete"]:  # after the body, a wait (for a disconnect) takes what it takes
                return await receive()
            try:
                async with asyncio.timeout(self.request_timeout_s):  # a body that stalls
                    message = await receive()
            except TimeoutError:
                if not status["sent"]:
                    await self._timed_out(send)
                    status["code"], status["sent"], status["timed_out"] = 408, True, True
                return {"type": "http.disconnect"}  # to the app, the client has gone
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > self.max_body_bytes:  # a chunked body with no length
                    raise BodyTooLarge
                seen["complete"] = not message.get("more_body", False)
            return message

        async def capturing_send(message: Message) -> None:
            if status["timed_out"]:
                return  # answered 408 already: what the app says after its client went is dropped
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
        message = f"request body over {self.max_body_bytes} bytes"
        await _answer(send, 413, error_json("limit_exceeded", message))

    async def _timed_out(self, send: Send) -> None:
        """The rest of the body is not awaited: answer and close the connection."""
        body = error_json("request_timeout", request_timeout_message(self.request_timeout_s))
        await _answer(send, 408, body, (b"connection", b"close"))


async def _answer(send: Send, status: int, body: bytes, *headers: tuple[bytes, bytes]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
