"""``deconflict feed sbs|ais`` against real loopback servers: a TCP receiver and an HTTP service.

The HTTP server answers like the service would: ``GET /v1/me`` names the token's party,
``POST /v1/tracks`` accepts all but the reports of one platform (a per-index reject) and
answers 503 to the first post, so the poster's retry is exercised.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyais
import pytest
from typer.testing import CliRunner

from deconflict.cli import build_app
from deconflict.feeds.common import WireReport
from deconflict.feeds.poster import Poster
from servers import HOST, free_port

TOKEN = "blue-secret"
REJECTED_PLATFORM = "3C6586"


class FakeService(ThreadingHTTPServer):
    """Records every POST body; ``fail_first`` posts get a 503."""

    def __init__(
        self, fail_first: int = 0, me_status: int = 200, post_status: int = 200, max_reports: int = 5000
    ) -> None:
        super().__init__((HOST, free_port()), _Handler)
        self.max_reports = max_reports
        self.fail_first = fail_first
        self.me_status = me_status
        self.post_status = post_status
        self.attempts: list[dict[str, Any]] = []  # every POST, answered or not
        self.accepted: list[dict[str, Any]] = []  # the reports the "service" kept
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeService

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._answer(401, {"detail": "invalid token"})
            return False
        return True

    def do_GET(self) -> None:
        if self.path != "/v1/me":
            self._answer(404, {"detail": "not found"})
        elif self._authorised():
            status = self.server.me_status
            self._answer(
                status, {"id": "blue", "name": "Blue", "role": "party", "contact": "", "public_keys": []}
            )

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v1/tracks":
            self._answer(404, {"detail": "not found"})
            return
        if self.server.post_status != 200:
            self._answer(self.server.post_status, {"detail": "forbidden"})
            return
        if not self._authorised():
            return
        if len(body["reports"]) > self.server.max_reports:
            self._answer(413, {"detail": "too many reports"})
            return
        with self.server.lock:
            self.server.attempts.append(body)
            if len(self.server.attempts) <= self.server.fail_first:
                self._answer(503, {"detail": "starting up"})
                return
            rejected = []
            for index, report in enumerate(body["reports"]):
                if report["platform"] == REJECTED_PLATFORM:
                    rejected.append({"index": index, "field": "platform", "error": "not one of yours"})
                else:
                    self.server.accepted.append(report)
        self._answer(200, {"accepted": len(body["reports"]) - len(rejected), "rejected": rejected})


@pytest.fixture
def service_factory() -> Iterator[Callable[..., FakeService]]:
    started: list[tuple[FakeService, threading.Thread]] = []

    def start(**options: Any) -> FakeService:
        server = FakeService(**options)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(5)


def sbs(kind: int, hex_ident: str, at: str, **fields: str) -> str:
    row = ["MSG", str(kind), "1", "1", hex_ident, "1", "2026/11/22", at, "2026/11/22", at] + [""] * 12
    names = {"alt": 11, "gs": 12, "trk": 13, "lat": 14, "lon": 15, "vs": 16}
    for name, value in fields.items():
        row[names[name]] = value
    row[18:22] = ["0", "0", "0", "0"]
    return ",".join(row) + "\r\n"


# Two connections' worth of dump1090 output: the receiver restarts in between.
FIRST_CONNECTION = [
    sbs(4, "4CA2D1", "10:00:00.000", gs="450", trk="90", vs="-500"),
    sbs(3, "4CA2D1", "10:00:00.500", alt="35000", lat="50.1", lon="10.2"),
    sbs(3, REJECTED_PLATFORM, "10:00:00.600", alt="12000", lat="50.3", lon="10.4"),
    sbs(4, REJECTED_PLATFORM, "10:00:00.700", gs="250", trk="180", vs="1200"),
    "MSG,3,1,1,4CA2D1,garbage\r\n",
]
SECOND_CONNECTION = [
    sbs(3, "4CA2D1", "10:00:01.500", alt="34900", lat="50.1", lon="10.21"),
    sbs(3, "A1B2C3", "10:00:01.600", alt="20000", lat="49.0", lon="9.0"),  # no velocity: held
]


class SbsReceiver:
    """A dump1090 stand-in: serves one batch of lines per connection, then stays idle."""

    def __init__(self, batches: list[list[str]], close_last: bool = False) -> None:
        self.close_last = close_last
        self.sock = socket.create_server((HOST, free_port()))
        self.port = self.sock.getsockname()[1]
        self.batches = batches
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        held: list[socket.socket] = []
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            lines = self.batches[self.connections - 1] if self.connections <= len(self.batches) else []
            conn.sendall("".join(lines).encode())
            if self.connections < len(self.batches) or self.close_last:
                conn.close()  # a receiver restart
            else:
                held.append(conn)  # stay connected and quiet, like a receiver with no traffic
        for conn in held:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_sbs_over_tcp_reconnects_retries_and_stops_cleanly(
    service_factory: Callable[..., FakeService], stop: signal.Signals
) -> None:
    service = service_factory(fail_first=1)
    receiver = SbsReceiver([FIRST_CONNECTION, SECOND_CONNECTION])
    env = {**os.environ, "DECONFLICT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    args = [
        sys.executable,
        "-m",
        "deconflict.cli",
        "feed",
        "sbs",
        f"{HOST}:{receiver.port}",
        "--party",
        "blue",
    ]
    args += ["--url", service.url, "--flush-s", "0.2", "--progress-s", "0.3", "--batch", "500"]
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(service.accepted) < 2:
            time.sleep(0.05)
        time.sleep(0.3)  # a progress line or two while idle
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        receiver.close()
    assert process.returncode == 0, stderr
    assert receiver.connections == 2
    # The first post got a 503 and was retried with the same batch.
    assert len(service.attempts) >= 2
    assert (
        service.attempts[1]["reports"][: len(service.attempts[0]["reports"])]
        == service.attempts[0]["reports"]
    )
    posted = [r for attempt in service.attempts[1:] for r in attempt["reports"]]
    assert [(r["platform"], r["t"], r["alt"], r["vs_fpm"]) for r in posted] == [
        ("4CA2D1", "2026-11-22T10:00:00.500Z", 350.0, -500.0),
        (REJECTED_PLATFORM, "2026-11-22T10:00:00.600Z", 120.0, 1200.0),  # held until its velocity
        ("4CA2D1", "2026-11-22T10:00:01.500Z", 349.0, -500.0),
    ]
    assert all(r["source"] == "sbs" and r["alt_ref"] == "FL" for r in posted)
    assert [r["platform"] for r in service.accepted] == ["4CA2D1", "4CA2D1"]
    final = [line for line in stderr.splitlines() if "done:" in line]
    assert len(final) == 1, stderr
    assert "feed sbs for blue done: lines 7 reports 3 bad 1 skipped 2" in final[0]
    assert "posted 2 rejected 1" in final[0]
    assert "retries 1" in final[0]
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    assert "(further rejects" not in stderr and "not one of yours" in stderr
    assert stdout == ""


def test_sbs_once_ends_with_the_connection_and_utc_offset_shifts_time() -> None:
    receiver = SbsReceiver([FIRST_CONNECTION], close_last=True)
    try:
        args = ["feed", "sbs", f"{HOST}:{receiver.port}", "--party", "blue", "--dry-run", "--once"]
        result = CliRunner().invoke(build_app(), [*args, "--utc-offset", "-05:00"])
    finally:
        receiver.close()
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["platform"], r["t"]) for r in reports] == [
        ("4CA2D1", "2026-11-22T15:00:00.500Z"),
        (REJECTED_PLATFORM, "2026-11-22T15:00:00.600Z"),
    ]
    assert "lines 5 reports 2 bad 1" in result.stderr
    result = CliRunner().invoke(
        build_app(), ["feed", "sbs", "-", "--party", "blue", "--dry-run", "--utc-offset", "CET"]
    )
    assert result.exit_code == 2
    assert "--utc-offset 'CET' is not an offset" in result.stderr


def test_a_live_receiver_on_local_time_is_noticed_and_auto_applies_the_offset() -> None:
    """dump1090 on a CET machine: its lines say 11:00 when it is 10:00 UTC here."""
    local = datetime.now(UTC) + timedelta(hours=1)
    stamp = f"{local:%Y/%m/%d},{local:%H:%M:%S}.000"
    velocity = f"MSG,4,1,1,4CA2D1,1,{stamp},{stamp},,,450,90,,,0,,0,0,0,0\r\n"
    position = f"MSG,3,1,1,4CA2D1,1,{stamp},{stamp},,35000,,,50.1,10.2,,,0,,0,0\r\n"
    lines = [velocity] * 60 + [position]
    for extra, expect in (([], "run with --utc-offset +01:00"), (["--utc-offset", "auto"], "applying")):
        receiver = SbsReceiver([lines], close_last=True)
        try:
            args = ["feed", "sbs", f"{HOST}:{receiver.port}", "--party", "blue", "--dry-run", "--once"]
            result = CliRunner().invoke(build_app(), [*args, *extra])
        finally:
            receiver.close()
        assert result.exit_code == 0, result.output
        assert result.stderr.count("the receiver writes local time") == 1, result.stderr
        assert expect in result.stderr
        [report] = [json.loads(line) for line in result.stdout.splitlines()]
        shift = timedelta(hours=1) if extra else timedelta(0)
        assert report["t"].startswith(f"{local - shift:%Y-%m-%dT%H:%M}")


# AIS: two class A positions, a class B, a tag-blocked one, a two-fragment static, a bad checksum.
AIS_LINES = [
    "!AIVDM,1,1,,B,15NG6V0P01G?cFhE`R2IU?wn28R>,0*05",
    "!AIVDM,1,1,,B,B5NJ;PP005l4ot5Isbl03wsUkP06,0*75",
    "\\s:2573535,c:1700000000*0A\\!AIVDM,1,1,,B,KC5E2b@U19PFdLbMuc5=ROv62<7m,0*16",
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    "!AIVDM,2,2,1,A,88888888880,2*25",
    "!AIVDM,1,1,,B,15NG6V0P01G?cFhE`R2IU?wn28R>,0*06",
    "!AIVDM,1,1,,B,91b55wi;hbOS@OdQAC062Ch2089h,0*30",
]


@pytest.fixture
def ais_file(tmp_path: Path) -> Path:
    path = tmp_path / "ais.nmea"
    path.write_text("\r\n".join(AIS_LINES) + "\r\n", encoding="ascii")
    return path


def test_ais_file_posts_and_exits_at_the_end(
    service_factory: Callable[..., FakeService], ais_file: Path
) -> None:
    service = service_factory(fail_first=1)
    result = CliRunner().invoke(
        build_app(),
        ["feed", "ais", str(ais_file), "--party", "blue", "--url", service.url, "--token", TOKEN],
    )
    assert result.exit_code == 0, result.output
    assert len(service.attempts) == 2  # the 503, then the same batch again
    assert service.attempts[0] == service.attempts[1]
    reports = service.attempts[1]["reports"]
    assert [r["platform"] for r in reports] == ["367380120", "367430530", "206914217", "111232511"]
    truth = pyais.decode(AIS_LINES[0])
    assert (reports[0]["lat"], reports[0]["lon"], reports[0]["gs_kt"], reports[0]["trk_deg"]) == (
        truth.lat,
        truth.lon,
        truth.speed,
        truth.course,
    )
    assert reports[2]["t"] == "2023-11-14T22:13:20.000Z"  # from the tag block
    assert [r["class"] for r in reports] == ["vessel", "vessel", "vessel", "en_route"]
    assert "lines 7 reports 4 bad 1 skipped 0 other 1" in result.stderr
    assert "posted 4 rejected 0" in result.stderr


def test_dry_run_prints_json_reports(ais_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["feed", "ais", str(ais_file), "--party", "blue", "--dry-run"])
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["platform"] for r in reports] == ["367380120", "367430530", "206914217", "111232511"]
    assert "dry run" in result.stderr

    sbs_file = tmp_path / "sbs.txt"
    sbs_file.write_text("".join(FIRST_CONNECTION + SECOND_CONNECTION), encoding="ascii")
    result = CliRunner().invoke(build_app(), ["feed", "sbs", str(sbs_file), "--party", "blue", "--dry-run"])
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["platform"] for r in reports] == ["4CA2D1", REJECTED_PLATFORM, "4CA2D1"]
    assert reports[0] == {
        "platform": "4CA2D1",
        "t": "2026-11-22T10:00:00.500Z",
        "lat": 50.1,
        "lon": 10.2,
        "alt": 350.0,
        "alt_ref": "FL",
        "alt_units": "ft",
        "gs_kt": 450.0,
        "trk_deg": 90.0,
        "vs_fpm": -500.0,
        "class": "en_route",
        "operation_id": None,
        "source": "sbs",
        "on_ground": False,
    }


def test_wrong_token_or_party_is_a_clear_error(
    service_factory: Callable[..., FakeService], ais_file: Path
) -> None:
    service = service_factory()
    base = ["feed", "ais", str(ais_file), "--url", service.url]
    result = CliRunner().invoke(build_app(), [*base, "--party", "blue", "--token", "nope"])
    assert result.exit_code == 2
    assert "401" in result.stderr and "token is not valid" in result.stderr
    result = CliRunner().invoke(build_app(), [*base, "--party", "red", "--token", TOKEN])
    assert result.exit_code == 2
    assert "belongs to party 'blue', not 'red'" in result.stderr
    result = CliRunner().invoke(build_app(), [*base, "--party", "blue"], env={"DECONFLICT_TOKEN": ""})
    assert result.exit_code == 2
    assert "no token" in result.stderr
    assert service.attempts == []


def test_forbidden_post_stops_the_feed(service_factory: Callable[..., FakeService], ais_file: Path) -> None:
    service = service_factory(me_status=404, post_status=403)  # an older service without /v1/me
    result = CliRunner().invoke(
        build_app(),
        ["feed", "ais", str(ais_file), "--party", "blue", "--url", service.url, "--token", TOKEN],
    )
    assert result.exit_code == 2
    assert "cannot check --party" in result.stderr
    assert "403" in result.stderr and "may not post tracks" in result.stderr
    assert "Traceback" not in result.output


def test_bad_source_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app(), ["feed", "sbs", str(tmp_path / "missing.txt"), "--party", "blue", "--dry-run"]
    )
    assert result.exit_code == 2
    assert "neither an existing file nor HOST:PORT" in result.stderr


def _report(platform: str) -> WireReport:
    return {
        "platform": platform,
        "t": "2026-11-22T10:00:00.000Z",
        "lat": 50.0,
        "lon": 10.0,
        "alt": 350.0,
        "alt_ref": "FL",
        "alt_units": "ft",
        "gs_kt": 450.0,
        "trk_deg": 90.0,
        "vs_fpm": 0.0,
        "class": "en_route",
        "operation_id": None,
        "source": "test",
    }


def test_poster_drops_oldest_when_full_and_halves_too_large_batches(
    service_factory: Callable[..., FakeService],
) -> None:
    service = service_factory(max_reports=2)
    poster = Poster(service.url, TOKEN, batch=4, flush_s=0.05, max_buffer=4, backoff_initial_s=0.05)
    for index in range(6):  # not started yet: as if the service had been down
        poster.put(_report(f"P{index}"))
    poster.put(_report(REJECTED_PLATFORM))
    assert poster.counters.dropped == 3
    poster.start()
    poster.close(timeout_s=10)
    assert [r["platform"] for r in service.accepted] == ["P3", "P4", "P5"]
    assert all(len(a["reports"]) <= 2 for a in service.attempts)  # after one 413, halves
    c = poster.counters
    assert (c.posted, c.rejected, c.dropped, c.failed, c.retries) == (3, 1, 3, 0, 0)
