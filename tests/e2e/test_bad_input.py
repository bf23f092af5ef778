"""Bad input over real HTTP: a 4xx naming the field, never a 500 or a reset connection."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from payloads import square_op

OPERATIONS, ZONES = "/v1/operations", "/v1/zones"


def props(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    changed["features"][0]["properties"].update(changes)
    return changed


def post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    """POST as JSON text, escaped as json.dumps does: httpx's own encoder cannot send a lone
    surrogate (it encodes UTF-8 itself), a client in another language can."""
    return client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})


def assert_names(answer: httpx.Response, field: str, status: int = 422) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["field"] == field, body
    assert body["error"] in ("invalid_input", "invalid_geometry"), body
    assert body["message"]


@pytest.mark.parametrize("path", [OPERATIONS, ZONES])
def test_deeply_nested_coordinates_are_refused_and_the_connection_lives(live_server: Any, path: str) -> None:
    blue = live_server.client("blue")
    body = square_op()
    body["features"][0]["geometry"]["coordinates"] = [0]
    text = httpx.Request("POST", "/", json=body).content.decode().replace("[0]", "[" * 500 + "0" + "]" * 500)
    answer = blue.post(path, content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"].startswith("features[0].geometry.coordinates")
    assert blue.get("/v1/me").status_code == 200  # the same connection still serves


def test_a_body_nested_past_the_parser_is_refused(live_server: Any) -> None:
    text = "[" * 200_000 + "]" * 200_000
    answer = live_server.client("blue").post(
        OPERATIONS, content=text, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code in (400, 422), answer.text
    assert answer.json()["field"] == "body"


@pytest.mark.parametrize("name", ["details", "contact", "category"])
@pytest.mark.parametrize("path", [OPERATIONS, ZONES])
def test_a_lone_surrogate_in_free_text_is_refused(live_server: Any, path: str, name: str) -> None:
    answer = post(live_server.client("blue"), path, square_op(**{name: "tanker \ud800"}))
    assert_names(answer, name)


def test_a_lone_surrogate_in_a_feature_name_is_refused(live_server: Any) -> None:
    body = props(square_op(), operation="op \udfff")
    assert_names(post(live_server.client("blue"), OPERATIONS, body), "features[0].properties.operation")


@pytest.mark.parametrize(
    ("name", "value"),
    [("time_end", "9999-12-31T23:59:59-14:00"), ("time_start", "0001-01-01T00:00:00+14:00")],
)
def test_a_time_whose_utc_leaves_the_calendar_is_refused(live_server: Any, name: str, value: str) -> None:
    body = props(square_op(), **{name: value})
    assert_names(live_server.client("blue").post(OPERATIONS, json=body), f"features[0].properties.{name}")


@pytest.mark.parametrize(
    "bbox", ["nan,nan,nan,nan", "0,0,nan,1", "0,0,inf,1", "1,0,0,1", "0,0,1,95", "0,0,1"]
)
@pytest.mark.parametrize("path", [OPERATIONS, ZONES])
def test_a_bad_bbox_is_refused_by_name(live_server: Any, path: str, bbox: str) -> None:
    assert_names(live_server.client("blue").get(path, params={"bbox": bbox}), "bbox")


def test_a_good_bbox_still_filters(live_server: Any) -> None:
    blue = live_server.client("blue")
    assert blue.post(OPERATIONS, json=square_op()).status_code == 201
    assert len(blue.get(OPERATIONS, params={"bbox": "34.9,34.9,35.2,35.2"}).json()) == 1
    assert blue.get(OPERATIONS, params={"bbox": "10,10,11,11"}).json() == []


def _unclosed(body: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    changed["features"][0]["geometry"]["coordinates"][0].pop()
    return changed


def _circle(radius_m: float) -> dict[str, Any]:
    body = props(square_op(), radius_m=radius_m)
    body["features"][0]["geometry"] = {"type": "Point", "coordinates": [35.0, 35.0]}
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (props(square_op(), time_end="9999-01-01T00:00:00Z"), "features[0].properties.time_end"),
        (props(square_op(), alt_upper=1e308, alt_units="ft"), "features[0].properties.alt_upper"),
        (
            props(square_op(), alt_lower=-1_000_000, alt_upper=100, alt_ref="FL"),
            "features[0].properties.alt_lower",
        ),
        (_circle(1e-300), "features[0].properties.radius_m"),
        (_unclosed(square_op()), "features[0].geometry.coordinates[0]"),
    ],
    ids=["year-9999", "alt-1e308-ft", "fl-minus-a-million", "radius-1e-300", "unclosed-ring"],
)
def test_absurd_declarations_are_refused_by_field(live_server: Any, body: dict[str, Any], field: str) -> None:
    assert_names(live_server.client("blue").post(OPERATIONS, json=body), field)


def test_malformed_json_names_the_body(live_server: Any) -> None:
    answer = live_server.client("blue").post(
        OPERATIONS, content=b'{"type": "FeatureCollection",', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code in (400, 422), answer.text
    assert answer.json()["error"] == "invalid_input"
    assert answer.json()["field"] == "body"


def test_a_wrong_method_is_405_with_allow(live_server: Any) -> None:
    answer = live_server.client("blue").delete(OPERATIONS)
    assert answer.status_code == 405
    assert answer.json()["error"] == "method_not_allowed"
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_pydantic_errors_name_the_field_the_geojson_way(live_server: Any) -> None:
    body = props(square_op(), alt_upper="high")
    assert_names(live_server.client("blue").post(OPERATIONS, json=body), "features[0].properties.alt_upper")


def _body_schema(spec: dict[str, Any], path: str, method: str) -> str:
    """The request body schema of one endpoint with every $ref resolved, as text."""
    schemas = spec["components"]["schemas"]
    seen: set[str] = set()

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name in seen:
                    return {"$ref": name}
                seen.add(name)
                return inline(schemas[name])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return json.dumps(
        inline(spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"])
    )


def test_the_schema_says_what_declarations_take(live_server: Any) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    for path, method in [
        ("/v1/operations", "post"),
        ("/v1/operations/{operation_id}", "put"),
        ("/v1/zones", "post"),
        ("/v1/operations/overlaps", "post"),
    ]:
        schema = _body_schema(spec, path, method)
        for member in (
            "FeatureCollection",
            "features",
            "geometry",
            "alt_upper",
            "time_end",
            "volumes",
            "seen",
        ):
            assert member in schema, (path, member)
    assert "amends_version" in _body_schema(spec, "/v1/operations/{operation_id}", "put")
    assert "FeatureCollection" in _body_schema(spec, "/v1/messages", "post")  # a message's area
    links = spec["paths"]["/v1/operations"]["post"]["responses"]["201"].get("links", {})
    assert {"GetOperation", "AmendOperation"} <= set(links), "POST /v1/operations links to what it made"
