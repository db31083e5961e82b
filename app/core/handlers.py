"""Every error leaves Loupe as JSON ``{"error": code, "detail": text}`` with its status."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import LoupeError

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
}


def error_response(status: int, code: str, detail: str, headers: dict | None = None):
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid")


def install(app: FastAPI) -> None:
    @app.exception_handler(LoupeError)
    async def loupe_error(_request: Request, exc: LoupeError):
        return error_response(exc.status_code, exc.code, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        page_for = getattr(request.app.state, "page_for", None)
        if exc.status_code == 404 and page_for is not None:
            page = page_for(request)
            if page is not None:
                return page
        code = HTTP_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        detail = "; ".join(_describe(error) for error in exc.errors()[:10])
        return error_response(422, "invalid_input", detail or "invalid input")

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, exc: OperationalError):
        # A lost or refused database connection: the request changed nothing, retrying is safe.
        log.warning("database unavailable: %s", exc.orig)
        return error_response(
            503, "unavailable", "The database is unavailable; try again.", {"Retry-After": "1"}
        )

    @app.exception_handler(DBAPIError)
    async def database_error(_request: Request, exc: DBAPIError):
        if exc.connection_invalidated:
            return error_response(
                503, "unavailable", "The database is unavailable; try again.", {"Retry-After": "1"}
            )
        log.exception("database error")
        return error_response(500, "internal_error", "An internal error occurred.")

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception):
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "An internal error occurred.")
