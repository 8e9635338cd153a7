"""The idempotency-key store on SQLite and PostgreSQL: first answers are durable, a key
with another body is refused, a running request holds its key."""

from __future__ import annotations

import pytest

from application.idempotency import (
    Answer,
    IdempotencyKeyInFlightError,
    IdempotencyKeyReusedError,
    IdempotencyKeys,
    Scope,
)
from application.sql import make_engine
from tests.conftest import STORES

pytestmark = pytest.mark.parametrize("store_url", STORES, indirect=True)
SCOPE = Scope("zhangsan", "POST", "/deals/1/documents", "k-1")


def keys(url: str, **kw: float) -> IdempotencyKeys:
    return IdempotencyKeys(make_engine(url, "idempotency"), **kw)


def test_a_finished_answer_is_replayed_by_a_new_store_on_the_same_database(
        store_url: str) -> None:
    first = keys(store_url)
    assert first.begin(SCOPE, "a" * 64) is None
    first.finish(SCOPE, Answer(200, b'{"version": 2}'))

    replay = (first if store_url == "memory://" else keys(store_url)).begin(SCOPE, "a" * 64)

    assert replay == Answer(200, b'{"version": 2}')


def test_the_same_key_with_another_body_is_refused(store_url: str) -> None:
    store = keys(store_url)
    store.begin(SCOPE, "a" * 64)
    store.finish(SCOPE, Answer(200, b"{}"))

    with pytest.raises(IdempotencyKeyReusedError):
        store.begin(SCOPE, "b" * 64)


def test_a_running_request_holds_its_key_until_it_finishes_or_is_released(
        store_url: str) -> None:
    store = keys(store_url)
    store.begin(SCOPE, "a" * 64)

    with pytest.raises(IdempotencyKeyInFlightError):
        store.begin(SCOPE, "a" * 64)
    store.release(SCOPE)
    assert store.begin(SCOPE, "a" * 64) is None


def test_a_reservation_left_by_a_dead_process_is_taken_over(store_url: str) -> None:
    store = keys(store_url, stale_after=0.0)
    store.begin(SCOPE, "a" * 64)

    assert store.begin(SCOPE, "a" * 64) is None


def test_keys_are_scoped_to_user_method_and_path(store_url: str) -> None:
    store = keys(store_url)
    store.begin(SCOPE, "a" * 64)
    store.finish(SCOPE, Answer(200, b"{}"))

    others = [Scope("lisi", "POST", SCOPE.path, SCOPE.key),
              Scope(SCOPE.user, "PUT", SCOPE.path, SCOPE.key),
              Scope(SCOPE.user, "POST", "/deals/2/documents", SCOPE.key)]

    assert [store.begin(s, "b" * 64) for s in others] == [None, None, None]
