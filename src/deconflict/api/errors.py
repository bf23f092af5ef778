"""The one table from domain errors to HTTP status codes, and the handlers using it.

Nothing below the API raises HTTP errors; nothing answers 500 with a stack trace
(an unexpected error is logged and answered with a JSON 500 naming no internals).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..domain.errors import (
    DomainError,
    InvalidGeometry,
    InvalidInput,
    InvalidTransition,
    LimitExceeded,
    MissedOverlaps,
    NotFound,
    PermissionDenied,
    Refused,
    StaleVersion,
)
from .bodies import UNION_TAGS

log = logging.getLogger("deconflict.api")

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    InvalidGeometry: 422,
    InvalidInput: 422,
    NotFound: 404,
    PermissionDenied: 403,
    StaleVersion: 409,
    InvalidTransition: 409,
    MissedOverlaps: 409,
    Refused: 422,
    LimitExceeded: 413,
}


class Unauthenticated(DomainError):
    code = "unauthenticated"


STATUS_BY_ERROR[Unauthenticated] = 401


class ErrorBody(BaseModel):
    """Every error answer: a code, a message, and where applicable the field."""

    error: str
    message: str
    field: str | None = None
    current_version: int | None = None
    missed: list[dict[str, Any]] | None = None


def status_for(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return 400


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422)
}


def field_path(loc: Sequence[int | str]) -> str | None:
    """A validation error's location the way our own errors name fields: ``features[0].properties.x``.

    The leading ``body``/``query``/``path`` and the tags pydantic adds for the member of a
    union it tried (:data:`.bodies.UNION_TAGS`) are left out; a whole body is ``body``."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif not (i == 0 and part in {"body", "query", "path", "header"}) and part not in UNION_TAGS:
            parts.append(f".{part}" if parts else part)
    return "".join(parts) or ("body" if tuple(loc[:1]) == ("body",) else None)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route fully matches on this request's path (routers nest, so ask
    each top-level route about each method rather than reading their method sets)."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


def _invalid(message: str, field: str | None) -> JSONResponse:
    return JSONResponse({"error": "invalid_input", "message": message, "field": field}, status_code=422)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, error: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
        return JSONResponse(error.as_dict(), status_code=status_for(error), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        if first.get("type") == "json_invalid":  # the body is not JSON at all
            reason = (first.get("ctx") or {}).get("error", "")
            return _invalid(f"the body is not JSON: {reason}".rstrip(": "), "body")
        message = "missing" if first.get("type") == "missing" else str(first.get("msg", "invalid request"))
        return _invalid(message, field_path(first.get("loc", ())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's one 400: a body it could not read (e.g. nested too deep)
            return JSONResponse(
                {"error": "invalid_input", "message": str(error.detail), "field": "body"}, status_code=400
            )
        code = {404: "not_found", 405: "method_not_allowed", 413: "limit_exceeded"}.get(
            error.status_code, "error"
        )
        headers = dict(error.headers or {})
        if error.status_code == 405:  # Starlette names the methods of one route; the path may have more
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(
            {"error": code, "message": str(error.detail)}, status_code=error.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
        return JSONResponse(
            {"error": "internal", "message": "internal error; it has been logged"}, status_code=500
        )
