"""Dependencies as ``Annotated`` aliases: the container, the authenticated user, and
the caller of a command (role checked before the body is read, ``If-Match`` parsed).

They are ``async def`` because none of them blocks (a dict lookup, a hash, the clock):
FastAPI runs a plain ``def`` dependency in the thread pool, and that hop, twice per
command, cost more server CPU than the dependencies themselves (bench/README.md)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

import attrs
from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from application import access
from application.errors import InvalidInputError
from application.service import Dealtrail
from application.users import User
from domain.changes import CHANGE_ASSESSORS
from domain.contract import CONTRACT_REVIEWERS
from domain.execution import ORDER_REVIEWERS
from domain.proposal import PROPOSAL_REVIEWERS
from interfaces.container import Container

bearer = HTTPBearer(auto_error=False)
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def _container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


async def get_container(request: Request) -> Container:
    return _container(request)


async def get_app(request: Request) -> Dealtrail:
    return _container(request).app


async def current_user(request: Request,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
                       ) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    user = _container(request).users.by_token(credentials.credentials)
    if user is None:
        raise HTTPException(401, "unknown token", headers={"WWW-Authenticate": "Bearer"})
    return user


ContainerDep = Annotated[Container, Depends(get_container)]
AppDep = Annotated[Dealtrail, Depends(get_app)]
CurrentUser = Annotated[User, Depends(current_user)]


@attrs.frozen
class Caller:
    """Who calls a command, on which application, expecting which version, and when."""

    user: User
    app: Dealtrail
    expected: int | None
    today: date


def expected_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    found = _IF_MATCH.match(if_match)
    if found is None:
        raise InvalidInputError('If-Match is a version in quotes, e.g. "7"', field="If-Match")
    return int(found.group(1))


def caller(roles: tuple[str, ...] | None, action: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency: 403 unless the user holds one of ``roles`` (None: any role)."""

    async def dependency(request: Request, user: CurrentUser,
                         if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> Caller:
        access.require_any(user, roles if roles is not None else user.roles, action)
        container = _container(request)
        return Caller(user, container.app, expected_version(if_match), container.clock.today())

    return dependency


#: The deal's own steps: its owner, a supervisor or admin.
Step = Annotated[Caller, Depends(caller(access.STEP_ROLES, "this step of a deal"))]
#: Steps a named item owner may also take (feedback and complaints): any user, then ownership.
NamedStep = Annotated[Caller, Depends(caller(None, "this step"))]
Payment = Annotated[Caller, Depends(caller(access.PAYMENT_ROLES, "recording a payment"))]
Reassign = Annotated[Caller, Depends(caller(access.REASSIGN_ROLES, "reassigning a deal"))]
Reader = Annotated[Caller, Depends(caller((*access.READ_ALL_ROLES, "sales_rep"),
                                          "reading deals"))]


#: Reviews, assessments and confirmations: the named roles only (admin does not imply them).
CommitmentDecider = Annotated[Caller, Depends(caller(("sales_supervisor",),
                                                     "deciding a commitment"))]
ProposalReviewer = Annotated[Caller, Depends(caller(PROPOSAL_REVIEWERS, "reviewing a proposal"))]
ContractReviewer = Annotated[Caller, Depends(caller(CONTRACT_REVIEWERS, "reviewing a contract"))]
OrderReviewer = Annotated[Caller, Depends(caller(ORDER_REVIEWERS, "reviewing an order"))]
ChangeAssessor = Annotated[Caller, Depends(caller(CHANGE_ASSESSORS, "assessing a change"))]
