"""schemathesis against /openapi.json: no 5xx, no response that breaks the schema.

The bodies are typed (api/bodies.py), so the generated declarations are FeatureCollections
and volume lists with the real properties; the stateful phase follows the schema's links
from a created operation to reading and amending it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any


def test_no_server_errors_and_responses_match_the_schema(live_server: Any, tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_server.url}/openapi.json",
        "--header",
        f"Authorization: Bearer {live_server.tokens['blue']}",
        "--checks",
        "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
        "--max-examples",
        "25",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--exclude-path",
        "/v1/events",
        "--exclude-path",
        "/v1/ledger/export",
        "--seed",
        "1",
        "--generation-deterministic",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
