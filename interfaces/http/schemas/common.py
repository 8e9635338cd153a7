"""Syntax at the boundary: money, percentages, dates, hashes and text, checked before
any use case runs (422). Numbers arrive as ``Decimal`` (see ``interfaces.http.route``),
so money is read through its decimal text and never through a float."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

MAX_MONEY = Decimal("1e13")
_MONEY_TEXT = re.compile(r"^-?\d{1,14}(\.\d{1,2})?$")
_DECIMAL_TEXT = re.compile(r"^-?\d{1,14}(\.\d{1,6})?$")
_DAY_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Body(BaseModel):
    """Every request body: unknown fields are refused, names follow the SPEC."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _decimal(value: Any, pattern: re.Pattern[str], what: str) -> Decimal:
    if isinstance(value, (bool, float)):  # floats never get here: JSON numbers are Decimal
        raise ValueError(f"{what} is a decimal string or number")  # noqa: TRY004 - pydantic wants ValueError
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        if not pattern.match(value.strip()):
            raise ValueError(f"{what} must be a decimal like '285000.00'")
        return Decimal(value.strip())
    if isinstance(value, Decimal):
        return _checked_decimal(value, pattern, what)
    raise ValueError(f"{what} is a decimal string or number")


def _checked_decimal(value: Decimal, pattern: re.Pattern[str], what: str) -> Decimal:
    try:
        if not value.is_finite() or abs(value) >= MAX_MONEY:
            raise ValueError(f"{what} is out of range")
        text = format(value, "f")
    except InvalidOperation:
        raise ValueError(f"{what} is out of range") from None
    if not pattern.match(text):
        raise ValueError(f"{what} has too many decimal places")
    return value


def _money(value: Any) -> Decimal:
    return _decimal(value, _MONEY_TEXT, "money")


def _rate(value: Any) -> Decimal:
    return _decimal(value, _DECIMAL_TEXT, "a percentage")


def _day(value: Any) -> date:
    if not isinstance(value, str) or not _DAY_TEXT.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    day = date.fromisoformat(value)
    if day.year < 1900:
        raise ValueError("a date before 1900 is not a business date")
    return day


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    value.encode("utf-8")  # a lone surrogate cannot be stored: UnicodeEncodeError is a ValueError
    return value


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be greater than zero")
    return value


def _percent(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError("a percentage lies between 0 and 100")
    return value


_MONEY_SCHEMA = WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": r"^-?\d{1,14}(\.\d{1,2})?$"},
    {"type": "number", "multipleOf": 0.01, "exclusiveMaximum": 1e13,
     "exclusiveMinimum": -1e13}]})
_PERCENT_SCHEMA = WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": r"^\d{1,3}(\.\d{1,6})?$"},
    {"type": "number", "minimum": 0, "maximum": 100}]})

Money = Annotated[Decimal, BeforeValidator(_money), _MONEY_SCHEMA]
NonNegativeMoney = Annotated[Decimal, BeforeValidator(_money), AfterValidator(_non_negative),
                             _MONEY_SCHEMA]
PositiveMoney = Annotated[Decimal, BeforeValidator(_money), AfterValidator(_positive),
                          _MONEY_SCHEMA]
Percent = Annotated[Decimal, BeforeValidator(_rate), AfterValidator(_percent), _PERCENT_SCHEMA]
Day = Annotated[date, BeforeValidator(_day),
                WithJsonSchema({"type": "string", "format": "date",
                                "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
Text = Annotated[str, Field(max_length=4000), AfterValidator(_text)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_text)]
ShortText = Annotated[str, Field(max_length=200), AfterValidator(_text)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]
Count = Annotated[int, Field(ge=0, le=10_000_000, strict=True)]
Quantity = Annotated[int, Field(ge=1, le=10_000_000, strict=True)]
Days = Annotated[int, Field(ge=0, le=3650, strict=True)]
Months = Annotated[int, Field(ge=0, le=120, strict=True)]
DayDelta = Annotated[int, Field(ge=-3650, le=3650, strict=True)]
Flag = Annotated[bool, Field(strict=True)]


def unique(values: list[str], what: str) -> None:
    """Names that identify lines of one body must not repeat (422)."""
    seen = {v for v in values if values.count(v) > 1}
    if seen:
        raise ValueError(f"{what} must be unique: {', '.join(sorted(seen))}")


class Dated(Body):
    """Every command accepts an optional business date ``on`` (default today)."""

    on: Day | None = None

    def named_day(self, value: date | None, today: date) -> date:
        """A named date field, else ``on``, else today (SPEC §3)."""
        return value or self.on or today


class Signer(Body):
    name: Name
    title: ShortText = ""


class Decision(Dated):
    comment: Text = ""
    role: ShortText | None = None
