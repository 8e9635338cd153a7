"""Tamper evidence on SQLite and PostgreSQL: edit, delete, swap, reorder and garble stored
event rows behind the application's back, then ask the audit (HTTP and CLI) what it sees.
A consistent rewrite of a whole chain passes the chain check and is caught by a digest
taken before it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

import attrs
import pytest
from typer.testing import CliRunner

from application import audit
from domain.chain import link
from domain.events import ENVELOPE
from interfaces.cli import app as cli
from tests.conftest import DB_STORES
from tests.integration.test_feed_support import Site, bearer, open_site

pytestmark = pytest.mark.parametrize("store_url", DB_STORES, indirect=True)
PREPAYMENT = 23  # the XX科技 example's version of the 85,500.00 prepayment


@attrs.define
class Rows:
    """Raw access to the stored events table, as someone with database access has it."""

    url: str

    def _sql(self, sqlite: str, postgres: str, *params: Any) -> list[Any]:
        parts = urlsplit(self.url)
        if parts.scheme == "sqlite":
            with sqlite3.connect(unquote(parts.path.removeprefix("/"))) as conn:
                return conn.execute(sqlite, params).fetchall()
        import psycopg

        schema = parts.query.split("schema=")[1]
        dsn = self.url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            cur = conn.execute(postgres, params)
            return cur.fetchall() if cur.description else []

    @staticmethod
    def _id(url: str, deal_id: UUID) -> Any:
        return deal_id.hex if url.startswith("sqlite") else deal_id

    def state(self, deal_id: UUID, version: int) -> bytes:
        rows = self._sql(
            "SELECT state FROM stored_events WHERE originator_id=? AND originator_version=?",
            "SELECT state FROM dealtrail_events WHERE originator_id=%s AND originator_version=%s",
            self._id(self.url, deal_id), version)
        return bytes(rows[0][0])

    def set_state(self, deal_id: UUID, version: int, state: bytes) -> None:
        self._sql(
            "UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=?",
            "UPDATE dealtrail_events SET state=%s WHERE originator_id=%s "
            "AND originator_version=%s", state, self._id(self.url, deal_id), version)

    def delete(self, deal_id: UUID, version: int) -> None:
        self._sql(
            "DELETE FROM stored_events WHERE originator_id=? AND originator_version=?",
            "DELETE FROM dealtrail_events WHERE originator_id=%s AND originator_version=%s",
            self._id(self.url, deal_id), version)

    def swap(self, deal_id: UUID, a: int, b: int) -> None:
        first, second = self.state(deal_id, a), self.state(deal_id, b)
        self.set_state(deal_id, a, second)
        self.set_state(deal_id, b, first)


@pytest.fixture(name="site")
def _site(store_url: str) -> Iterator[Site]:
    yield from open_site(store_url)


@pytest.fixture(name="deal")
def _deal(site: Site) -> UUID:
    deal_id = site.xx_keji()
    types = [e["type"] for e in audit.history(site.app, site.staff["auditor"], deal_id)["events"]]
    assert types.index("PaymentReceived") + 1 == PREPAYMENT
    return deal_id


def verdict(site: Site, deal_id: UUID) -> dict[str, Any]:
    answer = site.client.get(f"/deals/{deal_id}/verify", headers=bearer("auditor"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def cli_verify(site: Site, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["audit", "verify", *extra],
                              env={"DEALTRAIL_DATABASE_URL": site.container.settings.database_url})


def test_an_untouched_deal_verifies_and_the_cli_agrees(site: Site, deal: UUID) -> None:
    answer = verdict(site, deal)
    cli_result = cli_verify(site)

    assert answer["ok"] is True and answer["events"] == 27
    assert answer["head"] == site.app.repository.get(deal).head_hash
    assert cli_result.exit_code == 0, cli_result.output
    assert "1 of 1 deals verified" in cli_result.output


def test_editing_the_amount_inside_a_stored_row_is_detected(site: Site, deal: UUID) -> None:
    rows = Rows(site.container.settings.database_url)
    state = rows.state(deal, PREPAYMENT)
    assert b"85500.00" in state
    rows.set_state(deal, PREPAYMENT, state.replace(b"85500.00", b"8550.00"))

    answer = verdict(site, deal)

    assert answer == {"ok": False, "first_bad_version": PREPAYMENT,
                      "reason": "the stored hash does not match the event's stored content"}
    assert cli_verify(site).exit_code == 1


@pytest.mark.parametrize(("old", "new"), [(b"sunzhuguan", b"wangwu"), (b"2024-03-12", b"2024-03-11")])
def test_editing_the_actor_or_a_date_of_a_row_is_detected(
        site: Site, deal: UUID, old: bytes, new: bytes) -> None:
    rows = Rows(site.container.settings.database_url)
    state = rows.state(deal, PREPAYMENT)
    assert old in state
    rows.set_state(deal, PREPAYMENT, state.replace(old, new))

    answer = verdict(site, deal)

    assert answer["ok"] is False and answer["first_bad_version"] == PREPAYMENT


def test_a_deleted_row_is_a_gap_in_the_versions(site: Site, deal: UUID) -> None:
    Rows(site.container.settings.database_url).delete(deal, 10)

    answer = verdict(site, deal)

    assert answer["ok"] is False and answer["first_bad_version"] == 10
    assert "version 10 is missing" in answer["reason"]


@pytest.mark.parametrize(("a", "b"), [(3, 4), (5, 20)])
def test_swapping_two_rows_contents_is_detected_at_the_first(
        site: Site, deal: UUID, a: int, b: int) -> None:
    Rows(site.container.settings.database_url).swap(deal, a, b)

    answer = verdict(site, deal)

    assert answer["ok"] is False and answer["first_bad_version"] == a


def test_an_undecodable_row_is_reported_with_its_version_never_a_500(
        site: Site, deal: UUID) -> None:
    Rows(site.container.settings.database_url).set_state(deal, 7, b"\xff\x00garbage{")

    answer = verdict(site, deal)
    history = site.client.get(f"/deals/{deal}/history", headers=bearer("auditor"))
    export = site.client.get("/export", headers=bearer("auditor"))
    digest = site.client.get("/audit/digest", headers=bearer("auditor"))

    assert answer["ok"] is False and answer["first_bad_version"] == 7
    assert answer["reason"].startswith("undecodable")
    assert history.status_code == 200
    assert history.json()["events"][6]["version"] == 7 and "error" in history.json()["events"][6]
    assert export.status_code == 200 and len(export.text.splitlines()) == 27
    assert digest.status_code == 200
    assert cli_verify(site).exit_code == 1


def rewrite_consistently(site: Site, deal_id: UUID, start: int) -> None:
    """Change the prepayment's amount and recompute every hash from ``start`` on, as
    someone with write access to the database and the source code could."""
    app, rows = site.app, Rows(site.container.settings.database_url)
    prev = app.mapper.transcoder.decode(rows.state(deal_id, start - 1))["hash"]
    for version in range(start, app.repository.get(deal_id).version + 1):
        raw = rows.state(deal_id, version).replace(b"85500.00", b"80000.00")
        state = app.mapper.transcoder.decode(raw)
        topic = app.recorder.select_events(deal_id, gt=version - 1, lte=version)[0].topic
        state["prev_hash"] = prev
        state["hash"] = prev = link(
            prev, deal_id=deal_id, version=version, type=topic.rsplit(":", 1)[-1],
            recorded_at=state["timestamp"], on=state["on"], actor=state["actor"],
            data={k: v for k, v in state.items() if k not in ENVELOPE})
        rows.set_state(deal_id, version, app.mapper.transcoder.encode(state))


def test_a_consistently_rewritten_chain_passes_the_chain_but_not_a_digest_taken_before(
        site: Site, deal: UUID, tmp_path: Path) -> None:
    kept = site.client.get("/audit/digest", headers=bearer("auditor")).json()
    (tmp_path / "digest.json").write_text(json.dumps(kept))
    assert cli_verify(site, "--digest", str(tmp_path / "digest.json")).exit_code == 0

    rewrite_consistently(site, deal, PREPAYMENT)

    chain = verdict(site, deal)
    result = cli_verify(site, "--digest", str(tmp_path / "digest.json"))
    assert chain["ok"] is True  # the chain alone cannot tell
    assert audit.check_digest(site.app, kept)["ok"] is False
    assert result.exit_code == 1 and "BAD digest" in result.output


def test_deleting_the_last_row_is_caught_by_the_digest(site: Site, deal: UUID) -> None:
    kept = audit.digest(site.app)

    Rows(site.container.settings.database_url).delete(deal, 27)

    assert verdict(site, deal)["ok"] is True  # a shorter chain is still a chain
    assert audit.check_digest(site.app, kept)["ok"] is False


def test_the_digest_command_writes_what_the_api_answers(site: Site, deal: UUID,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "kept.json"

    result = CliRunner().invoke(cli, ["audit", "digest", "--output", str(out)], env={
        "DEALTRAIL_DATABASE_URL": site.container.settings.database_url})

    assert result.exit_code == 0, result.output
    api = site.client.get("/audit/digest", headers=bearer("auditor")).json()
    assert json.loads(out.read_text()) == api
    assert api["position"] == 27 and len(api["digest"]) == 64
