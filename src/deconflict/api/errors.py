"""The one table from domain errors to HTTP status codes, and the handlers using it.

Nothing below the API raises HTTP errors; nothing answers 500 with a stack trace
(an unexpected error is logged and answered with a JSON 500 naming no internals).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, error: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
        return JSONResponse(error.as_dict(), status_code=status_for(error), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        location = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse(
            {
                "error": "invalid_input",
                "message": str(first.get("msg", "invalid request")),
                "field": location or None,
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "limit_exceeded"}.get(
            error.status_code, "error"
        )
        return JSONResponse({"error": code, "message": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
        return JSONResponse(
            {"error": "internal", "message": "internal error; it has been logged"}, status_code=500
        )
