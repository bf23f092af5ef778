"""Reading a declaration (operation or zone) from a request body.

Two shapes are accepted:

- the GeoJSON format (a FeatureCollection; ``party``/``operation`` may be left
  out of the properties, the service fills them in), with optional foreign
  members ``details``, ``contact``, ``priority``, ``category``, ``seen``;
- plain JSON with the same fields: ``{"domain": "air", "volumes": [{"geometry":
  {...}, "alt_lower": ..., ...}], ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain.activity import ActivityDomain
from ..domain.declaration import Declaration
from ..domain.errors import InvalidInput, PermissionDenied
from ..domain.text import check_text
from ..domain.volume import Volume4D
from ..formats.geojson import declaration_of, parse_feature
from ..geoid import LazyEGM96

MAX_PRIORITY = 1000
MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class DeclarationRequest:
    """A declaration as the body gave it; ``details``, ``contact``, ``priority`` are None when
    left out (an amend then keeps the current ones), ``seen`` None when the body has none."""

    domain: ActivityDomain
    volumes: tuple[Volume4D, ...]
    features: tuple[Mapping[str, Any], ...]
    details: str | None
    contact: str | None
    priority: int | None
    category: str
    seen: dict[str, int] | None

    def declaration(self) -> Declaration:
        return Declaration(
            self.domain,
            self.volumes,
            self.category,
            self.details or "",
            self.contact or "",
            self.priority or 0,
        )


def _optional_text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise InvalidInput(f"must be a string of at most {MAX_TEXT:,} characters", field=name)
    return check_text(value, name)


def _seen(body: Mapping[str, Any]) -> dict[str, int] | None:
    value = body.get("seen")
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in value.items()
    ):
        raise InvalidInput("must map operation ids to the versions seen", field="seen")
    return dict(value)


def _features(body: Mapping[str, Any]) -> list[Any]:
    if body.get("type") == "FeatureCollection":
        features = body.get("features")
        if not isinstance(features, list):
            raise InvalidInput("must be a list of Features", field="features")
        return features
    volumes = body.get("volumes")
    if not isinstance(volumes, list):
        raise InvalidInput(
            "send a GeoJSON FeatureCollection or {'domain', 'volumes': [...]}", field="volumes"
        )
    features = []
    for i, item in enumerate(volumes):
        if not isinstance(item, Mapping):
            raise InvalidInput("must be an object", field=f"volumes[{i}]")
        props = {k: v for k, v in item.items() if k != "geometry"}
        props.setdefault("domain", body.get("domain"))
        features.append({"type": "Feature", "geometry": item.get("geometry"), "properties": props})
    return features


def read_declaration(body: Any, party: str, operation_id: str) -> DeclarationRequest:
    """The body read into volumes; the limits are the ``declare`` use case's to apply."""
    if not isinstance(body, Mapping):
        raise InvalidInput("the body must be a JSON object", field="body")
    features = _features(body)
    if not features:
        raise InvalidInput("at least one volume is needed", field="features")
    filled: list[dict[str, Any]] = []
    for i, feature in enumerate(features):
        if not isinstance(feature, Mapping) or not isinstance(feature.get("properties"), Mapping):
            raise InvalidInput("must be a GeoJSON Feature with properties", field=f"features[{i}]")
        props = dict(feature["properties"])
        if props.get("party") not in (None, party):
            raise PermissionDenied(f"a party declares for itself only (features[{i}].properties.party)")
        props["party"], props["operation"] = party, operation_id
        if props.get("domain") is None and body.get("domain") is not None:
            props["domain"] = body.get("domain")
        filled.append({"type": "Feature", "geometry": feature.get("geometry"), "properties": props})
    geoid = LazyEGM96()
    parsed = declaration_of([parse_feature(f, i, geoid) for i, f in enumerate(filled)])
    priority = body.get("priority")
    if priority is not None and (
        not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= MAX_PRIORITY
    ):
        raise InvalidInput(f"must be an integer from 0 to {MAX_PRIORITY}", field="priority")
    category = _optional_text(body, "category") or ""
    return DeclarationRequest(
        parsed.domain,
        parsed.volumes,
        tuple(filled),
        _optional_text(body, "details"),
        _optional_text(body, "contact"),
        priority,
        category[:40],
        _seen(body),
    )
