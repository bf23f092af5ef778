"""The operating picture in a real browser (Debian's chromium, driven by Playwright): sign in
with a token, the map with the offline basemap, an operation and live tracks, an alert in the
panel acknowledged from the page; a bad token shows an error. Nothing leaves the server."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from payloads import square_op
from test_tracks_api import head_on

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = "/tmp/web.png"


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser: Any, url: str, outside: list[str]) -> Any:
    """A page that may only talk to the server under test: anything else is recorded and refused."""
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    host = url.split("://", 1)[1]

    def guard(route: Any) -> None:
        target = route.request.url
        if target.split("://", 1)[-1].startswith(host):
            route.continue_()
        else:
            outside.append(target)
            route.abort()

    page.route("**/*", guard)
    page.set_default_timeout(10_000)
    return page


def sign_in(page: Any, url: str, token: str) -> None:
    page.goto(url + "/")
    page.get_by_label("Bearer token").fill(token)
    page.get_by_role("button", name="Sign in").click()


@contextlib.contextmanager
def feeding(url: str, tokens: dict[str, str], tracks: list[tuple[str, str, float, float]]) -> Iterator[None]:
    """Report like a live feed, freshly stamped every second: an aircraft that falls silent
    drops out of the picture after 10 s, and its alert clears."""
    stop = threading.Event()

    def run() -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            while not stop.wait(1.0):
                for party, platform, lon, track in tracks:
                    body = {"reports": [head_on(party, platform, lon, track, lat=34.2)]}
                    http.post("/v1/tracks", json=body, headers={"Authorization": f"Bearer {tokens[party]}"})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=15)


def test_a_bad_token_shows_an_error_not_a_blank_page(live_server: Any, browser: Any) -> None:
    outside: list[str] = []
    page = offline_page(browser, live_server.url, outside)
    sign_in(page, live_server.url, "not-a-token")
    error = page.locator("#error")
    playwright_sync.expect(error).to_be_visible()
    playwright_sync.expect(error).to_contain_text("401")
    playwright_sync.expect(page.get_by_label("Bearer token")).to_be_visible()
    assert page.locator("#picture").is_hidden()
    assert outside == []


def test_the_operating_picture_shows_the_watch_and_acknowledges_an_alert(
    live_server: Any, browser: Any
) -> None:
    started = time.monotonic()
    blue, red = live_server.client("blue"), live_server.client("red")
    # Blue's operation south-west of Cyprus; Red's air-defence zone to the south-east.
    operation = blue.post("/v1/operations", json=square_op(lon=32.4, lat=33.95, size=0.5))
    assert operation.status_code == 201, operation.text
    zone = red.post("/v1/zones", json=square_op(lon=33.5, lat=33.4, size=0.4, category="air_defence"))
    assert zone.status_code == 201, zone.text
    # Head-on at FL350: a predicted loss of separation within seconds.
    tracks = [("blue", "BLU11", 32.55, 90.0), ("red", "RED21", 32.85, 270.0)]
    for client, (party, platform, lon, track) in zip((blue, red), tracks, strict=True):
        posted = client.post("/v1/tracks", json={"reports": [head_on(party, platform, lon, track, lat=34.2)]})
        assert posted.json()["accepted"] == 1, posted.text
    with feeding(live_server.url, live_server.tokens, tracks):
        _watch_and_acknowledge(live_server, browser, red)
    assert time.monotonic() - started < 60


def _watch_and_acknowledge(live_server: Any, browser: Any, red: Any) -> None:
    outside: list[str] = []
    page = offline_page(browser, live_server.url, outside)
    sign_in(page, live_server.url, live_server.tokens["red"])
    expect = playwright_sync.expect
    expect(page.locator("#identity")).to_contain_text("red")
    expect(page.locator("#identity")).to_contain_text("party")
    # The land basemap (its own pane) and Blue's operation and Red's zone in the overlay pane.
    expect(page.locator(".leaflet-pane path.land").first).to_be_attached()
    expect(page.locator(".leaflet-overlay-pane path.decl-operation.decl-other")).to_have_count(1)
    expect(page.locator(".leaflet-overlay-pane path.decl-zone.decl-own")).to_have_count(1)
    assert "8 6" in (page.locator("path.decl-zone").get_attribute("stroke-dasharray") or "")
    # The alert reaches the panel; then Red sees Blue's platform too (need to know).
    alert_item = page.locator("#alerts li.alert")
    expect(alert_item).to_have_count(1)
    expect(alert_item).to_contain_text("predicted")
    markers = page.locator(".leaflet-marker-pane .track-marker")
    expect(markers).to_have_count(2)
    expect(page.locator(".track-label", has_text="blue/BLU11")).to_be_visible()
    expect(page.locator(".track-label", has_text="red/RED21")).to_be_visible()
    # The service's FLASH message is in the hotline inbox.
    expect(page.locator("#messages li.message", has_text="FLASH").first).to_be_visible()
    page.screenshot(path=SCREENSHOT)

    (alert,) = red.get("/v1/alerts", params={"open": True}).json()
    assert alert["acknowledged_by"] == []
    alert_item.get_by_role("button", name="Acknowledge").click()
    expect(alert_item.get_by_role("button", name="Acknowledge")).to_have_count(0)
    expect(alert_item).to_contain_text("acknowledged by red")
    acked = red.get(f"/v1/alerts/{alert['id']}").json()
    assert acked["acknowledged_by"] == ["red"] and acked["state"] == "acknowledged"
    expect(page.locator("#live")).to_have_text("Live")  # the WebSocket is up
    # The FLASH message acknowledged from the hotline panel.
    flash = page.locator("#messages li.message", has_text="FLASH").first
    message_id = flash.get_attribute("data-id")
    flash.get_by_role("button", name="Ack").click()
    expect(flash).to_contain_text("your receipt: acknowledged")
    receipts = red.get(f"/v1/messages/{message_id}").json()["receipts"]
    assert [r["state"] for r in receipts if r["party"] == "red"] == ["acknowledged"]
    assert page.locator("#error").is_hidden()
    assert outside == []
