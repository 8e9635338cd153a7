"""The FastAPI application: a thin skin over the application service."""

from __future__ import annotations

from fastapi import FastAPI

from interfaces.container import Container
from interfaces.http import errors
from interfaces.http.routes import health


def create_app(container: Container) -> FastAPI:
    api = FastAPI(title="dealtrail", version="1.0.0",
                  description="An event-sourced B2B sales process (SPEC §5).")
    api.state.container = container
    errors.install(api)
    api.include_router(health.router)
    return api
