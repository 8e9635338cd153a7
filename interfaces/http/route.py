"""The route class of every command: JSON numbers are read as ``Decimal`` (money is
never a float), and a body that is not JSON at all becomes an ordinary 422 *after*
authentication and the role check, as SPEC §4 orders them."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

MALFORMED = object()


class DecimalJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            raw = await self.body()
            try:
                self._json = json.loads(raw, parse_float=Decimal)
            except (ValueError, RecursionError) as e:  # bad JSON, bad UTF-8, huge ints
                self.state.malformed_body = f"the body is not JSON: {type(e).__name__}"
                self._json = MALFORMED  # fails the body model later, after the role check
        return self._json


class CommandRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(DecimalJSONRequest(request.scope, request.receive))

        return route
