"""Time comes from a clock object so that tests and replays can fix it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...  # recorded time, UTC
    def today(self) -> date: ...  # business date in the business time zone


class SystemClock:
    def __init__(self, tz: str = "Asia/Shanghai") -> None:
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(self.tz).date()


class FixedClock:
    """A clock for tests and demos: business today is set, recorded time still moves."""

    def __init__(self, today: date) -> None:
        self._today = today

    def set(self, today: date) -> None:
        self._today = today

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self._today
