"""Amounts are Decimal from input to output: a float would lose cents on an invoice."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from seolog.errors import UsageError

CENT = Decimal("0.01")
# Rates are stored as NUMERIC(12, 2) (storage/models.py `_money`): ten digits before the point.
MAX_RATE = Decimal(10) ** 10


def parse_rate(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise UsageError(
            f"cannot read the rate {text!r}", hint="give a number, e.g. 95 or 87.50"
        ) from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"the rate {text!r} must be a positive number", hint="e.g. --rate 95")
    if value >= MAX_RATE:
        raise UsageError(
            f"the rate {text!r} is too large (the store keeps up to {MAX_RATE - CENT})",
            hint="give the hourly rate, e.g. --rate 95",
        )
    return value.quantize(CENT, ROUND_HALF_UP)


def amount(minutes: int, rate: Decimal | None) -> Decimal | None:
    """What `minutes` of work at `rate` per hour cost, to the cent."""
    if rate is None:
        return None
    return (Decimal(minutes) * rate / Decimal(60)).quantize(CENT, ROUND_HALF_UP)


def check_currency(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise UsageError(
            f"{text!r} is not a currency code", hint="use ISO 4217, e.g. EUR, USD, GBP"
        )
    return code
