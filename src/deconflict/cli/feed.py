"""``deconflict feed sbs|ais SOURCE``: live tracks from a receiver to the service.

SOURCE is a FILE (replayed, the command exits at its end), ``HOST:PORT`` (a TCP feed such as
dump1090's port 30003; reconnects until Ctrl-C) or ``-`` (stdin). Reports are batched and
POSTed to ``{--url}/v1/tracks`` with the bearer token (``--token`` or $DECONFLICT_TOKEN).

The token decides the party on the server; ``--party`` only names it for the operator: it
is checked once against ``GET /v1/me`` (a mismatch is an error, since the service would
refuse every report) and printed in the summaries. Progress goes to stderr every
``--progress-s`` seconds; Ctrl-C stops cleanly with a final summary. ``--dry-run`` prints
the reports as JSON lines instead of posting (to check a feed, or in tests).
"""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
import time
from datetime import timedelta
from types import FrameType
from typing import Annotated, Literal

import httpx
import typer

from ..feeds.ais import AisParser
from ..feeds.common import TRACK_CLASSES, FeedParser, TrackClass, WireReport
from ..feeds.poster import MAX_BATCH, FatalPostError, Poster, whoami
from ..feeds.sbs import SbsParser
from ..feeds.source import Endpoint, LineSource, parse_source
from .output import EXIT_OK, fail

feed_app = typer.Typer(
    help="Feed live tracks from a receiver (ADS-B SBS-1, AIS NMEA) to the service.", no_args_is_help=True
)

SourceArgument = Annotated[str, typer.Argument(help="FILE, HOST:PORT (TCP, reconnects) or - (stdin).")]
PartyOption = Annotated[
    str, typer.Option("--party", help="The party the token belongs to (checked, then printed).")
]
UrlOption = Annotated[str, typer.Option("--url", help="The service's base URL.")]
TokenOption = Annotated[
    str | None, typer.Option("--token", envvar="DECONFLICT_TOKEN", help="Bearer token of the party.")
]
BatchOption = Annotated[
    int, typer.Option("--batch", min=1, max=MAX_BATCH, help="Post when this many reports wait.")
]
FlushOption = Annotated[float, typer.Option("--flush-s", help="Post at least this often, seconds.")]
BufferOption = Annotated[
    int,
    typer.Option(
        "--buffer", min=1, help="Reports kept while the service is down (TCP: oldest dropped; FILE: waits)."
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the reports as JSON lines instead of posting.")
]
OnceOption = Annotated[
    bool, typer.Option("--once", help="TCP: stop when the connection closes instead of reconnecting.")
]
ProgressOption = Annotated[float, typer.Option("--progress-s", help="Seconds between progress lines.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log connections and retries too.")]

_OFFSET = re.compile(r"^(?P<sign>[+-])?(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$")


def parse_utc_offset(text: str) -> timedelta:
    """``+01:00``, ``-0500``, ``2``, ``Z`` -> the receiver's offset from UTC."""
    if text.strip().upper() in ("Z", "UTC"):
        return timedelta(0)
    match = _OFFSET.match(text.strip())
    if match is None or int(match["h"]) > 14 or int(match["m"] or 0) > 59:
        raise ValueError(f"--utc-offset {text!r} is not an offset like +01:00, -05:00 or Z")
    offset = timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0))
    return -offset if match["sign"] == "-" else offset


class _Progress:
    """Prints a one-line summary to stderr every few seconds, even when the feed is idle."""

    def __init__(self, kind: str, party: str, parser: FeedParser, poster: Poster | None) -> None:
        self.kind, self.party, self.parser, self.poster = kind, party, parser, poster
        self.started = time.monotonic()

    def line(self, final: bool = False) -> str:
        c = self.parser.counters
        head = f"feed {self.kind} for {self.party}{' done' if final else ''}"
        feed = f"lines {c.lines} reports {c.reports} bad {c.bad} skipped {c.skipped} other {c.other}"
        if self.poster is None:
            sent = "dry run"
        else:
            p = self.poster.counters
            sent = (
                f"posted {p.posted} rejected {p.rejected} failed {p.failed} dropped {p.dropped}"
                f" retries {p.retries} pending {self.poster.pending}"
            )
        return f"{head}: {feed} | {sent} ({time.monotonic() - self.started:.0f} s)"

    def print(self, final: bool = False) -> None:
        sys.stderr.write(self.line(final) + "\n")
        sys.stderr.flush()


def _check_party(url: str, token: str, party: str) -> None:
    try:
        actual = whoami(url, token)
    except FatalPostError as error:
        fail(str(error))
    except (httpx.HTTPError, ValueError) as error:
        sys.stderr.write(f"warning: cannot check --party against {url}/v1/me ({error}); sending anyway\n")
        return
    if actual != party:
        fail(f"the token belongs to party {actual!r}, not {party!r}: the service would reject every report")


def _is_live(spec: str) -> bool:
    try:
        return isinstance(parse_source(spec), Endpoint)
    except ValueError:
        return False  # LineSource reports it


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _print_report(report: WireReport) -> None:
    sys.stdout.write(json.dumps(report, separators=(",", ":"), ensure_ascii=False) + "\n")


def _run(
    kind: str,
    parser: FeedParser,
    spec: str,
    *,
    party: str,
    url: str,
    token: str | None,
    batch: int,
    flush_s: float,
    buffer: int,
    dry_run: bool,
    once: bool,
    progress_s: float,
    verbose: bool,
) -> None:
    if not party.strip():
        fail("--party must name the party the token belongs to")
    if flush_s <= 0 or progress_s <= 0:
        fail("--flush-s and --progress-s must be positive")
    try:
        source = LineSource(spec, once=once)
    except ValueError as error:
        fail(str(error))
    poster: Poster | None = None
    if not dry_run:
        if not token:
            fail("no token: pass --token or set DECONFLICT_TOKEN (or use --dry-run)")
        _check_party(url, token, party)
        poster = Poster(
            url,
            token,
            batch=batch,
            flush_s=flush_s,
            max_buffer=max(buffer, batch),
            block_when_full=not source.live,  # a file waits for the service; a live feed drops oldest
        ).start()

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    feeds_log = logging.getLogger("deconflict.feeds")
    previous_level = feeds_log.level
    feeds_log.addHandler(handler)
    feeds_log.setLevel(logging.INFO if verbose else logging.WARNING)

    progress = _Progress(kind, party, parser, poster)
    done = threading.Event()

    def tick() -> None:
        while not done.wait(progress_s):
            progress.print()
            if poster is not None and poster.fatal:
                source.stop()

    ticker = threading.Thread(target=tick, name="deconflict-feed-progress", daemon=True)
    ticker.start()
    sink = poster.put if poster is not None else _print_report
    interrupted = False
    # SIGTERM (systemd, docker stop) stops like Ctrl-C: flush, summary, exit 0.
    on_main = threading.current_thread() is threading.main_thread()
    previous_term = signal.signal(signal.SIGTERM, _interrupt) if on_main else None
    try:
        try:
            for line, received in source:
                for report in parser.feed(line, received):
                    sink(report)
                if poster is not None and poster.fatal:
                    break
        except KeyboardInterrupt:
            interrupted = True
        if isinstance(parser, AisParser):
            parser.finish()
        try:
            if poster is not None:
                poster.close(timeout_s=10.0)
        except KeyboardInterrupt:  # a second Ctrl-C: stop flushing now
            interrupted = True
    finally:
        if on_main:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous_term is None else previous_term)
        done.set()
        ticker.join(timeout=2.0)
        feeds_log.removeHandler(handler)
        feeds_log.setLevel(previous_level)
    if interrupted:
        sys.stderr.write("interrupted\n")
    progress.print(final=True)
    if poster is not None and poster.fatal:
        fail(poster.fatal)
    raise typer.Exit(EXIT_OK)


@feed_app.command("sbs")
def sbs_command(
    source: SourceArgument,
    party: PartyOption,
    url: UrlOption = "http://127.0.0.1:8000",
    token: TokenOption = None,
    batch: BatchOption = 500,
    flush_s: FlushOption = 1.0,
    buffer: BufferOption = 100_000,
    dry_run: DryRunOption = False,
    once: OnceOption = False,
    progress_s: ProgressOption = 5.0,
    verbose: VerboseOption = False,
    max_age_s: Annotated[
        float, typer.Option("--max-age-s", help="Use a velocity (or altitude) no older than this.")
    ] = 30.0,
    clock: Annotated[
        str,
        typer.Option("--time", help="'generated': the line's time (see --utc-offset); 'receipt': arrival."),
    ] = "generated",
    utc_offset: Annotated[
        str,
        typer.Option(
            "--utc-offset",
            help="The receiver's local offset (dump1090 writes local time), e.g. +01:00; 'auto': "
            "take it from a live feed's lines against this machine's clock.",
        ),
    ] = "+00:00",
    track_class: Annotated[
        str, typer.Option("--class", help="Class of the reports: en_route, terminal or drone.")
    ] = "en_route",
) -> None:
    """ADS-B from SBS-1 BaseStation lines (dump1090 port 30003) to the service."""
    if clock not in ("generated", "receipt"):
        fail(f"--time {clock!r}: use 'generated' or 'receipt'")
    if track_class not in TRACK_CLASSES or track_class == "vessel":
        fail(f"--class {track_class!r}: use en_route, terminal or drone")
    if max_age_s <= 0:
        fail("--max-age-s must be positive")
    auto = utc_offset.strip().lower() == "auto"
    try:
        offset = timedelta(0) if auto else parse_utc_offset(utc_offset)
    except ValueError as error:
        fail(str(error))
    time_source: Literal["generated", "receipt"] = "generated" if clock == "generated" else "receipt"
    klass: TrackClass = (
        "terminal" if track_class == "terminal" else "drone" if track_class == "drone" else "en_route"
    )
    # Only a live feed's lines can be held against this machine's clock (a file or a pipe may
    # carry a recording).
    live = _is_live(source)
    if auto and not live:
        fail("--utc-offset auto needs a live feed (HOST:PORT); give a recording's offset, e.g. +01:00")
    parser = SbsParser(
        max_age_s=max_age_s,
        clock=time_source,
        utc_offset=offset,
        track_class=klass,
        watch_clock=live,
        auto_offset=auto,
    )
    _run(
        "sbs",
        parser,
        source,
        party=party,
        url=url,
        token=token,
        batch=batch,
        flush_s=flush_s,
        buffer=buffer,
        dry_run=dry_run,
        once=once,
        progress_s=progress_s,
        verbose=verbose,
    )


@feed_app.command("ais")
def ais_command(
    source: SourceArgument,
    party: PartyOption,
    url: UrlOption = "http://127.0.0.1:8000",
    token: TokenOption = None,
    batch: BatchOption = 500,
    flush_s: FlushOption = 1.0,
    buffer: BufferOption = 100_000,
    dry_run: DryRunOption = False,
    once: OnceOption = False,
    progress_s: ProgressOption = 5.0,
    verbose: VerboseOption = False,
) -> None:
    """AIS from NMEA !AIVDM/!AIVDO sentences (tag blocks allowed) to the service."""
    _run(
        "ais",
        AisParser(),
        source,
        party=party,
        url=url,
        token=token,
        batch=batch,
        flush_s=flush_s,
        buffer=buffer,
        dry_run=dry_run,
        once=once,
        progress_s=progress_s,
        verbose=verbose,
    )
