"""A slow client cannot hold a connection: the head of a request must arrive within the
request timeout (``DECONFLICT_REQUEST_TIMEOUT_S``), and its body may not pause longer than
that between reads.

uvicorn bounds only the idle time between requests (``timeout_keep_alive``), and the app
sees no request before its head is complete, so the head's deadline lives here, in the
HTTP protocol uvicorn runs (:func:`http_protocol`); the body's lives in the app's
middleware (:class:`~deconflict.api.middleware.LimitsAndMetrics`), which answers 408.
A stream (Server-Sent Events, a WebSocket) is not bounded: its request is complete.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .middleware import error_json, request_timeout_message

__all__ = ["http_protocol"]


def http_protocol(request_timeout_s: float) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol, closing a connection whose request head is not complete
    within ``request_timeout_s`` of its first byte (with a 408), or that begins no request
    for that long after it opened or after its last answer."""
    body = error_json("request_timeout", request_timeout_message(request_timeout_s))
    answer = (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
    )

    class HeadDeadlineProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _head_started = False

        def _arm(self) -> None:
            if self._deadline is None:
                self._deadline = self.loop.call_later(request_timeout_s, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expired(self) -> None:
            self._deadline = None
            if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
                return  # the app is answering; its answer re-arms the deadline
            if self._head_started:
                self.transport.write(answer)
            self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_started = True
            self._disarm()  # a head has the whole timeout from its first byte, however long the idle
            self._arm()

        def on_headers_complete(self) -> None:
            self._head_started = False
            self._disarm()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.pipeline and not self.transport.is_closing():
                self._arm()  # the next head (or what is left of this body) is on the clock

    return HeadDeadlineProtocol
