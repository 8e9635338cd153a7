"""Liveness without a token."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Answers without a token when the process is up (``async``: no thread-pool hop)."""
    return {"status": "ok"}
