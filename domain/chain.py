"""The hash chain of SPEC §7: canonical JSON of an event's content, linked by sha256."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """The JSON form of a value: decimals, dates, ids as strings; attrs values as dicts."""
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {f.name: plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    msg = f"no canonical form for {type(value).__name__}"
    raise TypeError(msg)


def canonical(content: dict[str, Any]) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(
        plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def link(
    prev_hash: str,
    *,
    deal_id: UUID,
    version: int,
    type: str,
    recorded_at: datetime,
    on: date,
    actor: Any,
    data: dict[str, Any],
) -> str:
    """``sha256(prev_hash + canonical JSON of the event's content)``, hex."""
    content = {
        "deal_id": deal_id,
        "version": version,
        "type": type,
        "recorded_at": recorded_at,
        "on": on,
        "actor": actor,
        "data": data,
    }
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(content)).hexdigest()
