"""Webhooks: signed deliveries to a real local HTTP server, retried with backoff, in order
per deal, dead-lettered after repeated failure and visible at GET /subscriptions/{id}."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from application.webhooks import Webhooks
from tests.conftest import DB_STORES, STORES
from tests.integration.test_feed_support import Site, bearer, open_site, wait_for

SECRET = "s3cret-for-tests"


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


class Receiver:
    """A subscriber's endpoint: fails the first ``failures`` requests (all if None)."""

    def __init__(self, failures: int | None) -> None:
        self.failures, self.requests = failures, 0
        self.accepted: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests += 1
                    fail = receiver.failures is None or receiver.requests <= receiver.failures
                    if not fail:
                        receiver.accepted.append((dict(self.headers), body))
                self.send_response(500 if fail else 204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for _, body in self.accepted]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast backoff and 3 attempts before a dead letter (read when the site is built)."""
    monkeypatch.setenv("DEALTRAIL_WEBHOOK_BACKOFF", "0.01")
    monkeypatch.setenv("DEALTRAIL_WEBHOOK_MAX_ATTEMPTS", "3")


def hooks(site: Site) -> Webhooks:
    worker: Webhooks = site.container.extras["webhooks"]
    worker.poll = 0.02
    return worker


def subscribe(site: Site, url: str, **extra: Any) -> str:
    answer = site.client.post("/subscriptions", headers=bearer("feed"),
                              json={"url": url, "secret": SECRET, **extra})
    assert answer.status_code == 201, answer.text
    subscription_id: str = answer.json()["id"]
    return subscription_id


@pytest.mark.parametrize("store_url", DB_STORES, indirect=True)
def test_a_receiver_failing_its_first_deliveries_still_gets_every_event_signed_in_deal_order(
        site: Site) -> None:
    receiver = Receiver(failures=2)
    first, second = site.xx_keji(), site.open_deal()
    site.follow_up(second)
    site.follow_up(first)
    expected = [e["id"] for e in site.all_events()]
    sid = subscribe(site, receiver.url, after=0)

    hooks(site).start()
    wait_for(lambda: len(receiver.events()) >= len(expected), 30)
    receiver.close()

    assert [e["id"] for e in receiver.events()] == expected
    per_deal: dict[str, list[int]] = defaultdict(list)
    for e in receiver.events():
        per_deal[e["subject"]].append(int(e["id"].split(":")[1]))
    assert all(v == list(range(1, len(v) + 1)) for v in per_deal.values())
    for headers, body in receiver.accepted:
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Dealtrail-Signature"] == f"sha256={digest}"
    status = site.client.get(f"/subscriptions/{sid}", headers=bearer("feed")).json()
    assert status["position"] == site.all_events()[-1]["position"]
    assert status["delivered"] == len(expected) and status["dead_letters"] == []
    assert status["status"] == "active" and "secret" not in status


@pytest.mark.parametrize("store_url", STORES[:2], indirect=True)
def test_a_receiver_that_always_fails_ends_dead_lettered_and_visible(site: Site) -> None:
    receiver = Receiver(failures=None)
    deal_id = site.open_deal()
    sid = subscribe(site, receiver.url, after=0, types=["DealOpened"])

    hooks(site).start()
    wait_for(lambda: site.client.get(f"/subscriptions/{sid}", headers=bearer("admin"))
             .json()["dead_letters"], 20)
    receiver.close()

    status = site.client.get(f"/subscriptions/{sid}", headers=bearer("feed")).json()
    assert status["status"] == "dead_lettered"
    assert status["last_error"] == "HTTP 500"
    assert status["dead_letters"] == [{"position": 1, "id": f"{deal_id}:1",
                                       "type": "dealtrail.deal.DealOpened.v1", "attempts": 3,
                                       "last_error": "HTTP 500"}]
    assert receiver.requests == 3


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_a_replay_delivers_again_from_the_chosen_position(site: Site) -> None:
    receiver = Receiver(failures=0)
    site.follow_up(site.open_deal())
    sid = subscribe(site, receiver.url, types=["FollowUpLogged"])  # from the head: nothing
    worker = hooks(site)
    worker.run_once()
    assert receiver.events() == []

    answer = site.client.post(f"/subscriptions/{sid}/replay", headers=bearer("feed"),
                              json={"from": 1})
    worker.run_once()
    receiver.close()

    assert answer.status_code == 200 and answer.json()["position"] == 0
    assert [e["type"] for e in receiver.events()] == ["dealtrail.deal.FollowUpLogged.v2"]


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
@pytest.mark.parametrize(("who", "body", "status"), [
    ("zhangsan", {"url": "http://127.0.0.1:9/x", "secret": "s"}, 403),
    ("auditor", {"url": "http://127.0.0.1:9/x", "secret": "s"}, 403),
    ("feed", {"url": "ftp://127.0.0.1/x", "secret": "s"}, 422),
    ("feed", {"url": "http://127.0.0.1:9/x", "secret": ""}, 422),
    ("feed", {"url": "http://127.0.0.1:9/x"}, 422),
    ("admin", {"url": "http://127.0.0.1:9/x", "secret": "s", "types": []}, 201),
])
def test_subscribing_needs_integration_or_admin_and_a_usable_body(
        site: Site, who: str, body: dict[str, Any], status: int) -> None:
    answer = site.client.post("/subscriptions", headers=bearer(who), json=body)

    assert answer.status_code == status, answer.text


@pytest.mark.parametrize("store_url", STORES[:1], indirect=True)
def test_an_unknown_subscription_answers_404(site: Site) -> None:
    answer = site.client.get("/subscriptions/nope", headers=bearer("feed"))

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "NOT_FOUND"
