"""Dependencies as ``Annotated`` aliases: the container, and the authenticated user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from application.service import Dealtrail
from application.users import User
from interfaces.container import Container

bearer = HTTPBearer(auto_error=False)


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


def get_app(request: Request) -> Dealtrail:
    return get_container(request).app


def current_user(request: Request,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
                 ) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    user = get_container(request).users.by_token(credentials.credentials)
    if user is None:
        raise HTTPException(401, "unknown token", headers={"WWW-Authenticate": "Bearer"})
    return user


ContainerDep = Annotated[Container, Depends(get_container)]
AppDep = Annotated[Dealtrail, Depends(get_app)]
CurrentUser = Annotated[User, Depends(current_user)]
