"""Users and roles from a TOML file; only sha-256 hashes of bearer tokens are kept."""

from __future__ import annotations

import hashlib
import secrets
import threading
import tomllib
from collections.abc import Iterable
from pathlib import Path

import attrs
import tomli_w

ROLES = (
    "sales_rep", "sales_supervisor", "product_manager", "legal", "finance",
    "production", "engineering", "auditor", "integration", "admin",
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _roles(roles: Iterable[str]) -> tuple[str, ...]:
    return tuple(roles)


@attrs.frozen
class User:
    name: str
    roles: tuple[str, ...] = attrs.field(converter=_roles)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


class UserDirectory:
    """Users by name and by token hash. ``path=None`` keeps them in memory (tests)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._users: dict[str, User] = {}
        self._by_hash: dict[str, User] = {}
        if path is not None and path.exists():
            for row in tomllib.loads(path.read_text("utf-8")).get("user", []):
                self._remember(User(row["name"], row["roles"]), row["token_sha256"])

    def _remember(self, user: User, digest: str) -> None:
        self._users[user.name] = user
        self._by_hash[digest] = user

    def get(self, name: str) -> User | None:
        return self._users.get(name)

    def by_token(self, token: str) -> User | None:
        return self._by_hash.get(token_hash(token))

    def add(self, name: str, roles: list[str], token: str | None = None) -> str:
        """Add a user and return its token (shown once; only its hash is written)."""
        unknown = [r for r in roles if r not in ROLES]
        if unknown or not roles:
            msg = f"unknown or missing roles: {unknown}"
            raise ValueError(msg)
        with self._lock:
            if name in self._users:
                msg = f"user {name!r} exists"
                raise ValueError(msg)
            token = token or secrets.token_urlsafe(32)
            self._remember(User(name, roles), token_hash(token))
            self._write()
        return token

    def _write(self) -> None:
        if self.path is None:
            return
        digests = {u.name: h for h, u in self._by_hash.items()}
        rows = [{"name": u.name, "roles": list(u.roles), "token_sha256": digests[u.name]}
                for u in self._users.values()]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps({"user": rows}), "utf-8")
        tmp.replace(self.path)
