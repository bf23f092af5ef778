"""A slow client cannot hold a connection: a head that does not arrive, or a body that stalls,
is answered 408 and the connection closed; live event streams stay open as long as they like."""

from __future__ import annotations

import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from payloads import square_op
from websockets.sync.client import connect as ws_connect

TIMEOUT_S = 1
SAFETY_S = 30  # only if the server never closes the connection: the test then fails


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"DECONFLICT_REQUEST_TIMEOUT_S": str(TIMEOUT_S)}


def open_socket(live_server: Any) -> socket.socket:
    url = urlsplit(live_server.url)
    return socket.create_connection((url.hostname, url.port), timeout=SAFETY_S)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def assert_408(answer: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), answer
    assert json.loads(body) == {
        "error": "request_timeout",
        "message": f"the request did not arrive within {TIMEOUT_S} s",
        "field": None,
    }


def send_partial_body(live_server: Any) -> bytes:
    """A POST that announces 1000 bytes of body and sends 10; what the server answers."""
    with open_socket(live_server) as sock:
        sock.sendall(
            b"POST /v1/operations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {live_server.tokens['blue']}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            + b'{"type": "'
        )
        return read_until_closed(sock)


def test_a_stalled_body_is_answered_408_and_the_connection_closed(live_server: Any) -> None:
    assert_408(send_partial_body(live_server))
    # The server is still at work for everyone else.
    assert live_server.client("blue").post("/v1/operations", json=square_op()).status_code == 201


def test_a_head_sent_line_by_line_forever_is_answered_408_and_closed(live_server: Any) -> None:
    """Slowloris: each header line comes well within the timeout, the blank line never."""
    answer = b""
    with open_socket(live_server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sock.settimeout(TIMEOUT_S / 5)
        deadline = time.monotonic() + SAFETY_S
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                if not answer:
                    sock.sendall(b"X-Slow: 1\r\n")
                continue
            except ConnectionResetError:
                break  # closed before its answer could be read: closed all the same
            if not chunk:
                break
            answer += chunk
        else:
            pytest.fail(f"the connection was still open after {SAFETY_S} s")
    if answer:
        assert_408(answer)


def test_a_connection_that_sends_nothing_is_closed(live_server: Any) -> None:
    with open_socket(live_server) as sock:
        assert read_until_closed(sock) == b""


def test_event_streams_outlive_the_request_timeout(live_server: Any) -> None:
    token = live_server.tokens["blue"]
    after = live_server.client("blue").get("/v1/ledger/head").json()["seq"]
    events_url = f"{live_server.url}/v1/events?after={after}"
    ws_url = f"{live_server.url.replace('http://', 'ws://')}/v1/ws?after={after}&token={token}"
    with (
        httpx.Client(timeout=httpx.Timeout(SAFETY_S)) as client,
        client.stream("GET", events_url, headers={"Authorization": f"Bearer {token}"}) as sse,
        ws_connect(ws_url) as ws,
    ):
        lines = sse.iter_lines()
        assert next(lines) == ": connected"
        assert_408(send_partial_body(live_server))  # the timeout has passed while both streams were open
        made = live_server.client("blue").post("/v1/operations", json=square_op()).json()["operation"]
        assert json.loads(ws.recv(timeout=SAFETY_S))["payload"]["operation_id"] == made["id"]
        assert next(line for line in lines if line.startswith("event:")) == "event: operation.submitted"
