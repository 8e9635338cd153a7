"""Who may do what (SPEC §2): endpoint roles, ownership, named reviewers and the
segregation of duties. Each check answers the actor ``{"name", "role"}`` to record."""

from __future__ import annotations

from collections.abc import Iterable

from application.errors import (
    ForbiddenError,
    InvalidInputError,
    NotOwnerError,
    SelfApprovalError,
)
from application.users import User
from domain.values import Actor

STEP_ROLES = ("sales_rep", "sales_supervisor", "admin")
PAYMENT_ROLES = ("finance", "admin")
REASSIGN_ROLES = ("sales_supervisor", "admin")
READ_ALL_ROLES = ("sales_supervisor", "product_manager", "legal", "finance", "production",
                  "engineering", "auditor", "admin")
EXPORT_ROLES = ("auditor", "admin")


def require_any(user: User, roles: Iterable[str], action: str) -> None:
    """403 FORBIDDEN when none of the user's roles may call this at all."""
    roles = tuple(roles)
    if not user.has(*roles):
        raise ForbiddenError(f"{action} needs one of the roles {', '.join(roles)}",
                             roles=list(roles), user=user.name)


def step_actor(user: User, owner: str, named: str | None = None) -> Actor:
    """The deal's own steps: its owner, a supervisor or admin (or a named item owner)."""
    if user.name == owner and user.has("sales_rep"):
        return Actor(user.name, "sales_rep")
    for role in ("sales_supervisor", "admin"):
        if user.has(role):
            return Actor(user.name, role)
    if named is not None and user.name == named:
        return Actor(user.name, user.roles[0])
    raise NotOwnerError(f"{user.name} does not own this deal", owner=owner)


def reviewer_actor(user: User, allowed: Iterable[str], role: str | None) -> Actor:
    """A review, assessment or confirmation in one named role; admin does not imply it."""
    held = [r for r in allowed if user.has(r)]
    if not held:
        raise ForbiddenError("this review needs one of the roles " + ", ".join(allowed),
                             roles=list(allowed))
    if role is None and len(held) > 1:
        raise InvalidInputError("name the role you review in", field="role", roles=held)
    if role is not None and role not in held:
        raise ForbiddenError(f"{user.name} does not hold the role {role}", role=role)
    return Actor(user.name, role or held[0])


def not_own_deal(actor: Actor, owner: str) -> None:
    if actor.name == owner:
        raise SelfApprovalError("the deal's owner cannot review their own deal",
                                owner=owner)


def can_read(user: User, owner: str) -> bool:
    return user.has(*READ_ALL_ROLES) or (user.has("sales_rep") and user.name == owner)
