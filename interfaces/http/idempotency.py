"""``Idempotency-Key`` on commands (SPEC §5), as ASGI middleware around the app: the
first answer to (user, method, path, key) is stored with the body's hash and replayed
for the same body; another body answers 422 ``IDEMPOTENCY_KEY_REUSED``.

Requests without the header, reads, and requests without a known bearer token pass
straight through (the app answers them, 401 included)."""

from __future__ import annotations

import json
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.errors import ApplicationError
from application.idempotency import Answer, IdempotencyKeys, body_digest
from application.idempotency import Scope as KeyScope
from application.users import UserDirectory
from interfaces.http.errors import body as error_body
from interfaces.http.errors import status_of

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, keys: IdempotencyKeys, users: UserDirectory) -> None:
        self.app, self.keys, self.users = app, keys, users

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key_scope = self._scope(scope) if scope["type"] == "http" else None
        if key_scope is None:
            await self.app(scope, receive, send)
            return
        raw = await _read_body(receive)
        try:
            stored = await to_thread.run_sync(self.keys.begin, key_scope, body_digest(raw))
        except ApplicationError as e:
            await _send(send, Answer(status_of(e), _error(e)), replayed=False)
            return
        if stored is not None:
            await _send(send, stored, replayed=True)
            return
        await self._run_and_store(scope, raw, receive, send, key_scope)

    async def _run_and_store(self, scope: Scope, raw: bytes, receive: Receive, send: Send,
                             key_scope: KeyScope) -> None:
        status, chunks, messages = 500, [], []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            messages.append(message)

        try:
            await self.app(scope, _replay(raw, receive), capture)
        finally:
            if status < 500:
                answer = Answer(status, b"".join(chunks))
                await to_thread.run_sync(self.keys.finish, key_scope, answer)
            else:
                await to_thread.run_sync(self.keys.release, key_scope)
        # only now: a client that repeats the key at once must find the answer stored,
        # not the key still in flight
        for message in messages:
            await send(message)

    def _scope(self, scope: Scope) -> KeyScope | None:
        if scope["method"] not in UNSAFE:
            return None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}
        key, auth = headers.get("idempotency-key"), headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        user = self.users.by_token(token.strip()) if scheme.lower() == "bearer" else None
        if key is None or user is None:
            return None
        return KeyScope(user.name, scope["method"], scope["path"], key)


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(raw: bytes, original: Receive) -> Receive:
    """The body once more for the app; after it, the client's own messages (disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return receive


def _error(e: ApplicationError) -> bytes:
    return json.dumps(error_body(e.code, e.message, e.details)).encode("utf-8")


async def _send(send: Send, answer: Answer, *, replayed: bool) -> None:
    headers: list[Any] = [(b"content-type", b"application/json"),
                          (b"content-length", str(len(answer.body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
