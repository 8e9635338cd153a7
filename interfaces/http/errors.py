"""One error table, resolved along the class hierarchy: routes have no ``try``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application import errors as app_errors
from domain.base import NotFoundInDeal
from domain.errors import DomainError

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


async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": ".".join(str(p) for p in e["loc"] if p != "body"),
               "reason": e["msg"]} for e in exc.errors()]
    first = errors[0] if errors else {"field": "", "reason": "invalid input"}
    return JSONResponse(
        body("INVALID_INPUT", f"{first['field']}: {first['reason']}", {"errors": errors,
             "field": first["field"]}), status_code=422)


async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    codes = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
    code = codes.get(exc.status_code, "HTTP_ERROR")
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    message = exc.detail if isinstance(exc.detail, str) else code
    return JSONResponse(body(detail.get("code", code), detail.get("message", message)),
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


def jsonable(value: Any) -> Any:
    from domain.chain import plain

    try:
        return plain(value)
    except TypeError:
        return str(value)


def install(app: FastAPI) -> None:
    for cls in (DomainError, app_errors.ApplicationError):
        app.add_exception_handler(cls, _known)
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
