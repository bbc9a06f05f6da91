"""A client's currency is an ISO 4217 code (Babel's list, the one reports format amounts with):
a made-up code is one line, exit 2, with the likely meant one; case does not matter."""

from __future__ import annotations

import pytest

from seolog.errors import ExitCode
from tests.conftest import Cli


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("EUX", "did you mean EUR?"),
        ("GBX", "did you mean GBP?"),
        ("EURO", "e.g. EUR, USD, GBP"),
        ("€", "e.g. EUR, USD, GBP"),
        ("QQQ", "e.g. EUR, USD, GBP"),
    ],
)
def test_a_code_that_is_no_currency_is_refused(cli: Cli, code, hint):
    r = cli("clients", "add", "Acme Ltd", "--currency", code)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    assert r.stderr.startswith(f"error: {code!r} is not an ISO 4217 currency code"), r.stderr
    assert hint in r.stderr and "Traceback" not in r.stderr
    assert cli("clients", "list", "--format", "json").json() == []


def test_an_edit_to_a_made_up_currency_changes_nothing(cli: Cli):
    assert cli("clients", "add", "Acme Ltd", "--currency", "gbp").exit_code == 0
    r = cli("clients", "edit", "Acme Ltd", "--currency", "EUX")
    assert r.exit_code == ExitCode.USAGE, r.stderr
    [client] = cli("clients", "list", "--format", "json").json()
    assert client["currency"] == "GBP"


@pytest.mark.parametrize("code", ["usd", "JPY", "chf", "XAU"])
def test_real_currencies_are_kept_in_capitals(cli: Cli, code):
    assert cli("clients", "add", "Acme Ltd", "--currency", code).exit_code == 0
    [client] = cli("clients", "list", "--format", "json").json()
    assert client["currency"] == code.upper()
