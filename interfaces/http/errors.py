"""One error table, resolved along the class hierarchy: routes have no ``try``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application import errors as app_errors
from domain.base import NotFoundInDeal
from domain.errors import DomainError

log = logging.getLogger("dealtrail.http")

#: most specific first; the first class an exception is an instance of decides.
STATUS: list[tuple[type[Exception], int]] = [
    (NotFoundInDeal, 404),
    (DomainError, 409),
    (app_errors.DealNotFoundError, 404),
    (app_errors.InvalidInputError, 422),
    (app_errors.ForbiddenError, 403),
    (app_errors.VersionConflictError, 409),
    (app_errors.UnknownUserError, 409),
    (app_errors.OwnerNotSalesRepError, 409),
    (app_errors.ApplicationError, 409),
]


def body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def status_of(exc: Exception) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


async def _known(_: Request, exc: Exception) -> JSONResponse:
    code = getattr(exc, "code", "ERROR")
    message = getattr(exc, "message", str(exc))
    details = getattr(exc, "details", {})
    return JSONResponse(body(code, message, jsonable(details)), status_code=status_of(exc))


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 names the field; an id in the URL path that cannot name anything is a 404."""
    raw = exc.errors()
    malformed = getattr(request.state, "malformed_body", None)
    errors = [{"field": "body" if malformed else _field(e["loc"]),
               "reason": malformed or str(e.get("msg", "invalid"))} for e in raw]
    if raw and all(e["loc"][:1] == ("path",) for e in raw):
        return JSONResponse(body("NOT_FOUND", "no such id in the path",
                                 {"field": errors[0]["field"]}), status_code=404)
    first = errors[0] if errors else {"field": "", "reason": "invalid input"}
    return JSONResponse(
        body("INVALID_INPUT", f"{first['field']}: {first['reason']}", {"errors": errors,
             "field": first["field"]}), status_code=422)


def _field(loc: Any) -> str:
    """``body.amount`` → ``amount``; the body as a whole → ``body``."""
    named = ".".join(str(p) for p in loc if p not in ("body", "path", "query", "header"))
    return named or (str(loc[0]) if loc else "body")


async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    codes = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
             405: "METHOD_NOT_ALLOWED", 400: "INVALID_INPUT", 413: "BODY_TOO_LARGE"}
    code = codes.get(exc.status_code, "HTTP_ERROR")
    detail: dict[str, Any] = exc.detail if isinstance(exc.detail, dict) else {}
    message = exc.detail if isinstance(exc.detail, str) else code
    return JSONResponse(body(detail.get("code", code), detail.get("message", message)),
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


def jsonable(value: Any) -> Any:
    from domain.chain import plain

    try:
        return plain(value)
    except TypeError:
        return str(value)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    """Only for bugs: client input is checked before it reaches anything that can fail."""
    log.error("unexpected error", exc_info=exc)
    return JSONResponse(body("INTERNAL_ERROR", "an unexpected error; it has been logged"),
                        status_code=500)


def install(app: FastAPI) -> None:
    for cls in (DomainError, app_errors.ApplicationError):
        app.add_exception_handler(cls, _known)
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
