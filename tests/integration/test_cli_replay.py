"""``deconflict monitor replay``: the monitor over a recording, on the recording's clock.

Scene (50 N): blue's BLU1 flies east and red's RED1 west at 480 kt, level at FL350,
0.3 deg of longitude apart (21.4 km), reported every 10 s for two minutes: they lose the
5 NM minimum about 24 s in, pass, and are apart again before the recording ends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from deconflict.cli import build_app
from deconflict.domain.tactical.motion import advance
from deconflict.domain.units import METRES_PER_SECOND_PER_KNOT

START = datetime(2018, 8, 1, 14, 0, tzinfo=UTC)
HEADER = "id,party,t,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm,on_ground"


def recording(tmp_path: Path, seconds: int = 120) -> Path:
    rows = [HEADER]
    for t in range(0, seconds + 1, 10):
        for name, party, lon, track in (("BLU1", "blue", 10.0, 90.0), ("RED1", "red", 10.3, 270.0)):
            lat, lon_t = advance(50.0, lon, 480 * METRES_PER_SECOND_PER_KNOT, track, float(t))
            at = (START + timedelta(seconds=t)).isoformat()
            rows.append(f"{name},{party},{at},{float(lat):.6f},{float(lon_t):.6f},35000,480,{track},0,false")
    path = tmp_path / "recording.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), ["monitor", "replay", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_the_alert_as_get_alerts_does_on_the_recordings_clock(tmp_path: Path) -> None:
    code, out, _ = run(str(recording(tmp_path)), "--json")
    assert code == 1
    [alert] = json.loads(out)
    assert alert["kind"] == "separation"
    assert alert["subjects"]["platforms"] == ["blue/BLU1", "red/RED1"]
    assert alert["parties"] == ["blue", "red"]
    assert alert["state"] == "cleared"
    raised = datetime.fromisoformat(alert["raised_at"])
    assert raised == START  # predicted at the first cycle: loss in about 24 s
    assert alert["raised"]["severity"] == "predicted"
    assert 15 < alert["raised"]["detail"]["t_in_s"] < 30
    escalated = datetime.fromisoformat(alert["escalated_at"])
    assert START + timedelta(seconds=15) < escalated < START + timedelta(seconds=35)
    assert datetime.fromisoformat(alert["cleared_at"]) > escalated
    assert alert["message_id"]


def test_table_and_summary_by_default(tmp_path: Path) -> None:
    code, out, _ = run(str(recording(tmp_path)))
    assert code == 1
    assert "1 alert(s)" in out
    assert "alerts 1" in out and "repeats 0" in out


def test_party_file_takes_the_rows_as_that_partys(tmp_path: Path) -> None:
    path = recording(tmp_path)
    code, out, _ = run("--party", f"green={path}", "--json")
    assert code == 0  # one party only: nobody to be separated from
    assert json.loads(out) == []


def test_bad_input_is_one_line_and_exit_two(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "\nBLU1,blue,2018-08-01T14:00:00Z,91,10,35000,480,90,0,false\n", encoding="utf-8"
    )
    code, _, err = run(str(path))
    assert code == 2
    assert "line 2, column lat" in err and "Traceback" not in err
    code, _, err = run(str(recording(tmp_path)), "--format", "sbs")
    assert code == 2 and "needs a party" in err
    code, _, err = run("--party", "nofile")
    assert code == 2 and "PARTY=FILE" in err


def sbs_recording(tmp_path: Path, name: str, hex_ident: str, lon: float, track: float) -> Path:
    """dump1090's text for one aircraft: a velocity (MSG,4) then a position (MSG,3) every 10 s."""
    lines = []
    for t in range(0, 121, 10):
        moment = START + timedelta(seconds=t)
        stamp = f"{moment:%Y/%m/%d},{moment:%H:%M:%S}.000"
        lat, lon_t = advance(50.0, lon, 480 * METRES_PER_SECOND_PER_KNOT, track, float(t))
        lines.append(f"MSG,4,1,1,{hex_ident},1,{stamp},{stamp},,,480,{track},,,0,,0,0,0,0")
        lines.append(
            f"MSG,3,1,1,{hex_ident},1,{stamp},{stamp},,35000,,,{float(lat):.5f},{float(lon_t):.5f},,,0,0,0,0"
        )
    path = tmp_path / f"{name}.sbs"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path


def test_sbs_recordings_one_per_party(tmp_path: Path) -> None:
    blue = sbs_recording(tmp_path, "blue", "3C6444", 10.0, 90.0)
    red = sbs_recording(tmp_path, "red", "4CA2D1", 10.3, 270.0)
    code, out, _ = run("--format", "sbs", "--party", f"blue={blue}", "--party", f"red={red}", "--json")
    assert code == 1
    [alert] = json.loads(out)
    assert alert["subjects"]["platforms"] == ["blue/3C6444", "red/4CA2D1"]
    assert datetime.fromisoformat(alert["raised_at"]) == START
