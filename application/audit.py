"""Audit evidence (SPEC §7): a deal's history and hash-chain verification over the
*stored* form of its events, the log digest, past states by recorded time, the export.

Everything here reads raw rows from the recorder and decodes them with the transcoder
only: never the upcaster, because each hash was computed over the event as it was
stored. A row that does not decode is evidence of tampering, never a crash. See
docs/audit.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import attrs
from eventsourcing.persistence import StoredEvent

from application import access
from application.errors import DealNotFoundError
from application.users import User
from domain.chain import GENESIS, link, plain
from domain.events import ENVELOPE

PAGE = 500  # notifications read per query when walking the whole log


@attrs.frozen
class Row:
    """One stored event as stored: its state decoded by the transcoder, or why not."""

    deal_id: UUID
    version: int
    topic: str
    state: dict[str, Any] | None
    problem: str | None = None

    @property
    def type(self) -> str:
        """The event's class name, from the stored topic ``module:Class``."""
        return self.topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def decode(app: Any, stored: StoredEvent) -> Row:
    """The transcoder's reading of a stored row (after the cipher and compressor the
    mapper may use); an undecodable row comes back with its ``problem``."""
    deal_id, version = UUID(str(stored.originator_id)), stored.originator_version
    try:
        raw = stored.state
        if app.mapper.cipher is not None:
            raw = app.mapper.cipher.decrypt(raw)
        if app.mapper.compressor is not None:
            raw = app.mapper.compressor.decompress(raw)
        state = app.mapper.transcoder.decode(raw)
        if not isinstance(state, dict):
            return Row(deal_id, version, stored.topic, None, "the stored state is not an object")
    except Exception as e:  # noqa: BLE001 - any undecodable row is evidence, not a crash
        return Row(deal_id, version, stored.topic, None, f"undecodable: {type(e).__name__}")
    return Row(deal_id, version, stored.topic, state)


def rows(app: Any, deal_id: UUID) -> list[Row]:
    return [decode(app, s) for s in app.recorder.select_events(deal_id)]


def recompute(row: Row) -> str:
    """The hash of a stored event's content, linked to the ``prev_hash`` it stored."""
    s = row.state or {}
    return link(s["prev_hash"], deal_id=row.deal_id, version=row.version, type=row.type,
                recorded_at=s["timestamp"], on=s["on"], actor=s["actor"],
                data={k: v for k, v in s.items() if k not in ENVELOPE})


def check_chain(chain: Sequence[Row]) -> dict[str, Any]:
    """``{"ok": true, "events", "head"}`` or ``{"ok": false, "first_bad_version",
    "reason"}``: versions 1, 2, … without gaps, each decodable, each ``prev_hash`` the
    previous hash, each stored hash equal to the recomputed one."""
    prev = GENESIS
    for expected, row in enumerate(chain, start=1):
        reason = _problem(row, expected, prev)
        if reason is not None:
            return {"ok": False, "first_bad_version": expected, "reason": reason}
        prev = (row.state or {})["hash"]
    return {"ok": True, "events": len(chain), "head": prev}


def _problem(row: Row, expected: int, prev: str) -> str | None:
    if row.version != expected:
        return f"version {expected} is missing (the next stored is {row.version})"
    if row.problem is not None or row.state is None:
        return row.problem or "undecodable"
    if row.state.get("prev_hash") != prev:
        return f"prev_hash is not the hash of version {expected - 1}"
    try:
        digest = recompute(row)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return f"cannot recompute the hash: {type(e).__name__} {e}"
    if digest != row.state.get("hash"):
        return "the stored hash does not match the event's stored content"
    return None


# -- reading one deal: access, history, verify -------------------------------------------
def readable_rows(app: Any, user: User, deal_id: UUID) -> list[Row]:
    """The deal's stored rows, if the user may read the deal (integration: 403; a rep's
    other deals: 404). The owner comes from the raw rows: a tampered deal still answers."""
    access.require_any(user, (*access.READ_ALL_ROLES, "sales_rep"), "reading deals")
    chain = rows(app, deal_id)
    if not chain or not (user.has(*access.READ_ALL_ROLES) or owner_of(chain) == user.name):
        raise DealNotFoundError(f"no deal {deal_id}", deal_id=str(deal_id))
    return chain


def owner_of(chain: Sequence[Row]) -> str | None:
    owner = None
    for row in chain:
        if row.state is not None and row.type in ("DealOpened", "OwnerChanged"):
            owner = row.state.get("owner", owner)
    return owner


def entry(row: Row) -> dict[str, Any]:
    """One event of ``GET /deals/{id}/history``, in the form that was hashed."""
    if row.state is None:
        return {"version": row.version, "type": row.type, "error": row.problem}
    s = row.state
    try:
        return {"version": row.version, "type": row.type,
                "recorded_at": plain(s.get("timestamp")), "on": plain(s.get("on")),
                "actor": plain(s.get("actor")),
                "data": plain({k: v for k, v in s.items() if k not in ENVELOPE}),
                "hash": s.get("hash"), "prev_hash": s.get("prev_hash")}
    except TypeError as e:
        return {"version": row.version, "type": row.type, "error": f"unreadable: {e}"}


def history(app: Any, user: User, deal_id: UUID) -> dict[str, Any]:
    chain = readable_rows(app, user, deal_id)
    return {"deal_id": str(deal_id), "events": [entry(r) for r in chain]}


def verify(app: Any, user: User, deal_id: UUID) -> dict[str, Any]:
    return check_chain(readable_rows(app, user, deal_id))


# -- the whole log: heads, digest, verify all ----------------------------------------------
def notifications(app: Any, stop: int) -> Iterator[Any]:
    """Every notification up to position ``stop``, a page at a time (constant memory)."""
    after = 0
    while after < stop:
        page = app.recorder.select_notifications(after, PAGE, stop=stop,
                                                 inclusive_of_start=False)
        if not page:
            return
        yield from page
        after = page[-1].id


def head_position(app: Any) -> int:
    return int(app.recorder.max_notification_id() or 0)


def heads(app: Any, position: int) -> dict[UUID, Row]:
    """Each deal's last event at log ``position`` (decoded: only its hash is needed)."""
    last: dict[UUID, Any] = {}
    for n in notifications(app, position):
        deal_id = UUID(str(n.originator_id))
        if deal_id not in last or n.originator_version > last[deal_id].originator_version:
            last[deal_id] = n
    return {deal_id: decode(app, n) for deal_id, n in last.items()}


def digest_lines(found: dict[UUID, Row]) -> list[str]:
    return [f"{d}:{r.version}:{(r.state or {}).get('hash', 'undecodable')}\n"
            for d, r in sorted(found.items(), key=lambda item: str(item[0]))]


def digest(app: Any, position: int | None = None) -> dict[str, Any]:
    """``{"position", "digest"}``: sha256 over ``deal_id:version:hash\\n`` of every
    deal's head at that position, sorted by deal id (SPEC §7)."""
    position = head_position(app) if position is None else position
    lines = digest_lines(heads(app, position))
    return {"position": position,
            "digest": hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()}


def require_auditor(user: User) -> None:
    """The whole log's evidence is for roles that read every deal."""
    access.require_any(user, access.READ_ALL_ROLES, "reading the audit digest")


def check_digest(app: Any, kept: dict[str, Any]) -> dict[str, Any]:
    """Compare a digest kept outside the system with the log's digest now."""
    now = digest(app, int(kept["position"]))
    return {"ok": now["digest"] == kept["digest"], **now, "expected": kept["digest"]}


def verify_all(app: Any) -> dict[str, dict[str, Any]]:
    """Every deal's verdict, by deal id."""
    ids = sorted(heads(app, head_position(app)), key=str)
    return {str(d): check_chain(rows(app, d)) for d in ids}


# -- past states by recorded time -----------------------------------------------------------
def recorded_at(app: Any, deal_id: UUID, version: int) -> datetime:
    found = app.recorder.select_events(deal_id, gt=version - 1, lte=version)
    row = decode(app, found[0]) if found else None
    if row is None or row.state is None or not isinstance(row.state.get("timestamp"), datetime):
        raise DealNotFoundError(f"deal {deal_id} has no readable version {version}",
                                deal_id=str(deal_id), version=version)
    return row.state["timestamp"]  # type: ignore[no-any-return]  # checked just above


def version_at(app: Any, deal_id: UUID, at: datetime) -> int:
    """The version of the last event recorded at or before ``at`` (naive: UTC).

    A binary search over versions, reading one row by primary key per step, so a long
    history costs log2(n) row reads. Sound because recorded times never go down along a
    deal's versions (a command that lost a race is re-run with a fresh time)."""
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    last = app.recorder.select_events(deal_id, desc=True, limit=1)
    if not last:
        raise DealNotFoundError(f"no deal {deal_id}", deal_id=str(deal_id))
    lo, hi = 0, last[0].originator_version  # version lo is at or before `at` (0: none)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if recorded_at(app, deal_id, mid) <= at:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        raise DealNotFoundError(f"deal {deal_id} had no events at {at.isoformat()}",
                                deal_id=str(deal_id), at=at.isoformat())
    return lo


def business_date(app: Any, at: datetime) -> date:
    """The business date (``DEALTRAIL_TIMEZONE``) of a recorded time (naive: UTC)."""
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    try:
        return at.astimezone(ZoneInfo(app.settings.timezone)).date()
    except OverflowError:  # year 1 or 9999 shifted out of range: its own date will do
        return at.date()


# -- the export -----------------------------------------------------------------------------
def export_lines(app: Any, user: User) -> Iterator[bytes]:
    """NDJSON of every event up to the head when the export began, with hashes, read a
    page at a time: memory stays flat however long the log is."""
    access.require_any(user, access.EXPORT_ROLES, "exporting the event log")
    return export_lines_unchecked(app)


def export_lines_unchecked(app: Any) -> Iterator[bytes]:
    """The export for the command line (whoever can read the database file needs no role)."""
    for n in notifications(app, head_position(app)):
        line = {"position": n.id, "deal_id": str(n.originator_id), **entry(decode(app, n))}
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
