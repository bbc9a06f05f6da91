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
    # Rounded to cents first: 9999999999.999 rounds up to 10^10, over the column.
    cents = value.quantize(CENT, ROUND_HALF_UP) if value < MAX_RATE else value
    if cents >= MAX_RATE:
        raise UsageError(
            f"the rate {text!r} is too large (the store keeps up to {MAX_RATE - CENT})",
            hint="give the hourly rate, e.g. --rate 95",
        )
    return cents


def _likely(code: str) -> str | None:
    """The currency a mistyped code most likely meant, among those some country uses today
    (not the historic XEU for EUX): the country letters (the first two) first, then spelling."""
    from babel import Locale
    from babel.numbers import get_territory_currencies

    from seolog.suggest import closest

    in_use = sorted({c for t in Locale("en").territories for c in get_territory_currencies(str(t))})
    same_country = [c for c in in_use if c[:2] == code[:2]]
    return closest(code, same_country or in_use) or (same_country[0] if same_country else None)


def amount(minutes: int, rate: Decimal | None) -> Decimal | None:
    """What `minutes` of work at `rate` per hour cost, to the cent."""
    if rate is None:
        return None
    return (Decimal(minutes) * rate / Decimal(60)).quantize(CENT, ROUND_HALF_UP)


def check_currency(text: str) -> str:
    """The ISO 4217 code `text` names, in capitals (`eur` is EUR). The codes are Babel's (CLDR,
    which formats the amounts in reports): a made-up code such as EUX would print as itself on
    an invoice."""
    from babel.numbers import list_currencies

    code = text.strip().upper()
    if code not in list_currencies():
        match = _likely(code) if len(code) == 3 else None
        raise UsageError(
            f"{text!r} is not an ISO 4217 currency code",
            hint=f"did you mean {match}?" if match else "use an ISO 4217 code, e.g. EUR, USD, GBP",
        )
    return code


class Tally:
    """Billable minutes per hourly rate. The amount prices each rate's minutes once, exactly, to
    the cent: three 20-minute entries at 95 make 95.00, not 3 x 31.67 = 95.01; and no hours are
    rounded before they are priced."""

    def __init__(self) -> None:
        self.by_rate: dict[Decimal, int] = {}

    def add(self, minutes: int, rate: Decimal) -> None:
        self.by_rate[rate] = self.by_rate.get(rate, 0) + minutes

    @property
    def amount(self) -> Decimal:
        return sum(
            (amount(m, r) or Decimal(0) for r, m in self.by_rate.items()), Decimal("0.00")
        ).quantize(CENT)
