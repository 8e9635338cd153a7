"""Configuration from the environment: one database URL, time zone, users and policy."""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from domain.policy import DEFAULT_POLICY, Policy

DEFAULT_URL = "sqlite:///./var/dealtrail.db"


@attrs.frozen
class Settings:
    database_url: str = DEFAULT_URL
    timezone: str = "Asia/Shanghai"
    users_file: Path = Path("./var/users.toml")
    policy_file: Path | None = None
    snapshot_interval: int = 50

    @classmethod
    def from_env(cls) -> Settings:
        policy = os.environ.get("DEALTRAIL_POLICY_FILE")
        return cls(
            database_url=os.environ.get("DEALTRAIL_DATABASE_URL", DEFAULT_URL),
            timezone=os.environ.get("DEALTRAIL_TIMEZONE", "Asia/Shanghai"),
            users_file=Path(os.environ.get("DEALTRAIL_USERS_FILE", "./var/users.toml")),
            policy_file=Path(policy) if policy else None,
            snapshot_interval=int(os.environ.get("DEALTRAIL_SNAPSHOT_INTERVAL", "50")),
        )

    def policy(self) -> Policy:
        return load_policy(self.policy_file)


def load_policy(path: Path | None) -> Policy:
    """Defaults from the manual, overridden by the keys of a TOML file."""
    if path is None:
        return DEFAULT_POLICY
    overrides = tomllib.loads(path.read_text("utf-8"))
    fields = {f.name: f for f in attrs.fields(Policy)}
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        msg = f"unknown policy keys in {path}: {unknown}"
        raise ValueError(msg)
    typed: dict[str, Any] = {k: coerce(getattr(DEFAULT_POLICY, k), v) for k, v in overrides.items()}
    return attrs.evolve(DEFAULT_POLICY, **typed)


def coerce(default: object, value: Any) -> Any:
    if isinstance(default, Decimal):
        return Decimal(str(value))
    if isinstance(default, tuple):
        return tuple(value)  # lists of words from TOML
    return value


def store_env(url: str) -> dict[str, str]:
    """The eventsourcing library's settings for ``sqlite:///…``, ``postgresql…://…``
    or ``memory://``."""
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if parts.scheme == "sqlite":
        path = Path(unquote(parts.path.removeprefix("/")))
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "30"}
    if parts.scheme.startswith("postgres"):
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_POOL_SIZE": "10",
            "POSTGRES_MAX_OVERFLOW": "20",
        }
        query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"]
        return env
    msg = f"unsupported DEALTRAIL_DATABASE_URL scheme: {parts.scheme!r}"
    raise ValueError(msg)
