"""Every error leaves Loupe as JSON ``{"error": code, "detail": text}`` with its status."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
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
OUT_OF_RANGE = "A number in the request is out of range."
# What the database refused, by SQLSTATE, in our words: its own message names column types and
# enum types, and echoes the value.
REFUSED_VALUES = {
    "22003": OUT_OF_RANGE,
    "22001": "A text in the request is too long.",
    "22021": "A text in the request cannot contain NUL or invalid characters.",
}
NUL_TEXT = "A text in the request cannot contain NUL characters."


def error_response(status: int, code: str, detail: str, headers: dict | None = None):
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid")


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "title": "Error code"},
        "detail": {"type": "string", "title": "Readable explanation"},
    },
}


def _error_response(description: str) -> dict:
    ref = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def _document_errors(schema: dict) -> None:
    """Make the OpenAPI tell the error shape the handlers below really send: FastAPI's own
    422 schema (a list of pydantic errors) is replaced, and every operation may answer a
    4xx or 5xx with the same ``{"error", "detail"}`` body."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Error"] = ERROR_SCHEMA
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _error_response("Invalid input")
            responses.setdefault("4XX", _error_response("Refused request"))
            responses.setdefault("5XX", _error_response("Server or upstream failure"))


def _refused_value(exc: DataError) -> str:
    known = REFUSED_VALUES.get(getattr(exc.orig, "sqlstate", None) or "")
    if known:
        return known
    # psycopg refuses NUL in text itself, before the server sees it, without a SQLSTATE.
    if "NUL" in str(exc.orig):
        return NUL_TEXT
    return "A value in the request cannot be stored."


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            _document_errors(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

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

    @app.exception_handler(DataError)
    async def database_refused_value(_request: Request, exc: DataError):
        # PostgreSQL refused a value the request carried (an id beyond its integer range, a NUL
        # character in text).
        log.warning("value refused by the database: %s", exc.orig)
        return error_response(422, "invalid_input", _refused_value(exc))

    @app.exception_handler(OverflowError)
    async def overflow(_request: Request, exc: OverflowError):
        # SQLite's driver refuses integers beyond 64 bits before the query runs.
        if "SQLite INTEGER" not in str(exc):
            log.exception("unhandled error", exc_info=exc)
            return error_response(500, "internal_error", "An internal error occurred.")
        return error_response(422, "invalid_input", OUT_OF_RANGE)

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
