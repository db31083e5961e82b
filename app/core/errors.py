"""Typed errors raised by services and rendered by one handler as ``{"error", "detail"}``.

Services know nothing of HTTP; each error class carries the status it deserves so the
handler in ``app.main`` can render it without a mapping table.
"""


class LoupeError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class InvalidInput(LoupeError):
    status_code = 422
    code = "invalid_input"


class NotFound(LoupeError):
    status_code = 404
    code = "not_found"


class NotAuthenticated(LoupeError):
    status_code = 401
    code = "not_authenticated"


class Forbidden(LoupeError):
    status_code = 403
    code = "forbidden"


class Conflict(LoupeError):
    """The request clashes with the object's current state (state machine, duplicates)."""

    status_code = 409
    code = "conflict"


class UpstreamError(LoupeError):
    """An outside service (Commons, the OAuth provider) failed or answered nonsense."""

    status_code = 502
    code = "upstream_error"


class Unavailable(LoupeError):
    status_code = 503
    code = "unavailable"
