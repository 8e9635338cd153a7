"""The FastAPI application: a thin skin over the application service."""

from __future__ import annotations

from fastapi import FastAPI

from application.idempotency import IdempotencyKeys
from application.sql import make_engine
from interfaces.container import Container
from interfaces.http import errors
from interfaces.http.idempotency import IdempotencyMiddleware
from interfaces.http.routes import audit as audit_routes
from interfaces.http.routes import (
    changes,
    contract,
    deals,
    execution,
    feed,
    health,
    proposals,
    prospecting,
    read_models,
)


def create_app(container: Container) -> FastAPI:
    api = FastAPI(title="dealtrail", version="1.0.0",
                  description="An event-sourced B2B sales process (SPEC §5).")
    api.state.container = container
    errors.install(api)
    if "idempotency" not in container.extras:
        container.extras["idempotency"] = IdempotencyKeys(
            make_engine(container.settings.database_url, "idempotency"))
    api.add_middleware(IdempotencyMiddleware, keys=container.extras["idempotency"],
                       users=container.users)
    for commands in (deals, prospecting, proposals, contract, execution, changes):
        api.include_router(commands.router)
    api.include_router(health.router)
    api.include_router(feed.router)
    api.include_router(read_models.router)
    api.include_router(audit_routes.router)
    return api
