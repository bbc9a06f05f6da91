"""Billing that never changes behind your back: entries belong to their client's sites, rates have
dates and entries keep the one in force on their day, invoices freeze a period under a number and
lock its entries, and amounts are priced from exact minutes. On real SQLite files (and the
PostgreSQL server in its CI pass); invoice PDFs are read back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from seolog.errors import ExitCode
from tests.reports.test_reports import _pdf_text


def _ok(cli, *args: str):
    r = cli(*args)
    assert r.exit_code == 0, r.stderr
    return r


def _add(cli, *args: str) -> int:
    return _ok(cli, "logs", "add", *args, "--format", "json").json()["id"]


@pytest.fixture
def two_clients(cli):
    """Acme (95 EUR/h, VAT 21%) owns site acme; Elephant (120 EUR/h) owns site pydocs."""
    _ok(cli, "sites", "add", "https://www.acme.example", "--name", "acme")
    _ok(cli, "sites", "add", "https://docs.python.example", "--name", "pydocs")
    _ok(cli, "clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme", "--vat", "21")
    _ok(cli, "clients", "add", "Elephant Data BV", "--rate", "120", "--site", "pydocs")
    return cli


def _amounts(cli, *filters: str) -> list[tuple[str, str | None]]:
    rows = _ok(cli, "logs", "list", *filters, "--format", "json").json()
    return [(r["description"], r["amount"]) for r in rows]


# --- consistency -------------------------------------------------------------------------------


def test_a_site_of_another_client_is_refused_naming_its_owner(two_clients):
    cli = two_clients
    r = cli("logs", "add", "x", "--site", "pydocs", "--client", "Elephant Data BV", "--time", "1h")
    assert r.exit_code == 0
    r = cli("logs", "add", "x", "--site", "pydocs", "--client", "Acme Ltd", "--time", "1h")
    assert r.exit_code == ExitCode.USAGE
    assert "site 'pydocs' belongs to Elephant Data BV, not Acme Ltd" in r.stderr
    _ok(cli, "projects", "add", "Migration", "--client", "Acme Ltd", "--site", "acme")
    r = cli("logs", "add", "x", "--project", "Migration", "--site", "pydocs", "--time", "1h")
    assert r.exit_code == ExitCode.USAGE and "belongs to Elephant Data BV" in r.stderr
    entry = _add(cli, "y", "--site", "acme", "--time", "1h")
    r = cli("logs", "edit", str(entry), "--site", "pydocs", "--client", "Acme Ltd")
    assert r.exit_code == ExitCode.USAGE and "belongs to Elephant Data BV" in r.stderr
    assert [d for d, _ in _amounts(cli, "--client", "Acme Ltd")] == ["y"]


def test_the_monthly_report_shows_only_the_clients_own_sites(two_clients, db, sql, tmp_path: Path):
    cli = two_clients
    _add(cli, "Elephant work", "--site", "pydocs", "--time", "1h", "--date", "2026-10-03")
    # An entry written before consistency was checked: the other client's site on Acme's entry.
    entry = _add(cli, "Acme work", "--site", "acme", "--time", "1h", "--date", "2026-10-04")
    (pydocs,) = db("SELECT id FROM sites WHERE name = 'pydocs'")
    sql("UPDATE log_entries SET site_id = :s WHERE id = :e", s=pydocs[0], e=entry)
    out = tmp_path / "acme.html"
    _ok(cli, "reports", "monthly", "Acme Ltd", "--month", "2026-10", "-o", str(out))
    html = out.read_text()
    assert "www.acme.example" in html and "docs.python.example" not in html


# --- rates with dates --------------------------------------------------------------------------


def test_a_rate_change_applies_from_its_date_and_never_reprices_earlier_entries(two_clients):
    cli = two_clients
    _add(cli, "October", "--site", "acme", "--time", "1h", "--date", "2026-10-20")
    _add(cli, "November", "--site", "acme", "--time", "1h", "--date", "2026-11-02")
    _add(cli, "Own rate", "--site", "acme", "--time", "1h", "--date", "2026-11-03", "--rate", "50")
    r = _ok(cli, "clients", "edit", "Acme Ltd", "--rate", "110", "--from", "2026-11-01")
    assert "Rate 110.00 EUR from 2026-11-01: 1 entries re-priced" in r.stderr
    assert _amounts(cli) == [("October", "95.00"), ("November", "110.00"), ("Own rate", "50.00")]
    # an entry added later, dated before the change, takes the rate of its own day
    _add(cli, "Back-dated", "--site", "acme", "--time", "1h", "--date", "2026-10-21")
    assert ("Back-dated", "95.00") in _amounts(cli)
    shown = _ok(cli, "clients", "show", "Acme Ltd", "--format", "json").json()
    assert shown["hourly_rate"] == "110.00"
    assert [(r["from"], r["rate"]) for r in shown["rates"]] == [
        ("1900-01-01", "95.00"),
        ("2026-11-01", "110.00"),
    ]
    assert "from 2026-11-01: 110.00 EUR" in _ok(cli, "clients", "show", "Acme Ltd").stdout


def test_project_and_consultant_rates_beat_the_clients(two_clients, monkeypatch):
    cli = two_clients
    _ok(cli, "projects", "add", "Migration", "--client", "Acme Ltd", "--site", "acme")
    _ok(cli, "clients", "edit", "Acme Ltd", "--rate", "130", "--project", "Migration")
    _ok(cli, "clients", "edit", "Acme Ltd", "--rate", "150", "--author", "senior")
    monkeypatch.setenv("SEOLOG_USER", "junior")
    _add(cli, "Junior, client", "--client", "Acme Ltd", "--time", "1h", "--date", "2026-10-01")
    _add(cli, "Junior, project", "--project", "Migration", "--time", "1h", "--date", "2026-10-01")
    monkeypatch.setenv("SEOLOG_USER", "senior")
    _add(cli, "Senior, client", "--client", "Acme Ltd", "--time", "1h", "--date", "2026-10-01")
    assert _amounts(cli) == [
        ("Junior, client", "95.00"),
        ("Junior, project", "130.00"),
        ("Senior, client", "150.00"),
    ]


def test_amounts_price_exact_minutes_once_per_rate(two_clients):
    cli = two_clients
    for day in ("01", "02", "03"):
        _add(cli, f"Meta {day}", "--site", "acme", "--time", "20m", "--date", f"2026-10-{day}")
    s = _ok(cli, "logs", "summary", "--by", "client", "--period", "2026-10", "--format", "json")
    (group,) = s.json()["groups"]
    assert group["amount"] == "95.00"  # not 3 x 31.67 = 95.01
    made = _ok(cli, "invoices", "create", "Acme Ltd", "--period", "2026-10", "--format", "json")
    assert made.json()["totals"][0]["subtotal"] == "95.00"


# --- invoices ----------------------------------------------------------------------------------


def _invoice(cli, client: str, period: str, *extra: str) -> dict:
    r = cli("invoices", "create", client, "--period", period, *extra, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return r.json()


def test_an_invoice_freezes_the_period_locks_entries_and_survives_rate_changes(two_clients):
    cli = two_clients
    first = _add(cli, "Audit", "--site", "acme", "--time", "2h", "--date", "2026-10-06")
    _add(cli, "Titles", "--site", "acme", "--time", "1h30", "--date", "2026-10-07")
    _add(cli, "Call", "--site", "acme", "--time", "1h", "--date", "2026-10-08", "--non-billable")
    _add(cli, "November", "--site", "acme", "--time", "1h", "--date", "2026-11-02")
    inv = _invoice(cli, "Acme Ltd", "2026-10")
    assert inv["number"].endswith("-0001") and len(inv["entries"]) == 2
    (total,) = inv["totals"]
    assert (total["subtotal"], total["vat_rate"], total["vat"], total["total"]) == (
        "332.50", "21.00", "69.83", "402.33",
    )  # fmt: skip
    # a later rate change, even one dated back into the period, leaves the invoice alone
    r = _ok(cli, "clients", "edit", "Acme Ltd", "--rate", "200", "--from", "2026-10-01")
    assert "2 invoiced entries keep theirs" in r.stderr
    assert _ok(cli, "invoices", "show", inv["number"], "--format", "json").json() == inv
    assert ("Audit", "190.00") in _amounts(cli)  # the entry keeps its invoiced price
    for args in (("edit", str(first), "--time", "3h"), ("rm", str(first), "--yes")):
        r = cli("logs", *args)
        assert r.exit_code == ExitCode.USAGE
        assert f"is on invoice {inv['number']}" in r.stderr and "invoices void" in r.stderr
    r = cli("invoices", "create", "Acme Ltd", "--period", "2026-10")
    assert r.exit_code == ExitCode.USAGE and f"invoiced already ({inv['number']})" in r.stderr


def test_voiding_keeps_the_number_and_frees_the_entries(two_clients, tmp_path: Path):
    cli = two_clients
    cfg = tmp_path / "seolog.toml"
    cfg.write_text('[worklog]\ninvoice_number = "ACME-{seq:03d}"\ninvoice_due_days = 14\n')
    entry = _add(cli, "Audit", "--site", "acme", "--time", "2h", "--date", "2026-10-06")
    r = cli("--config", str(cfg), "invoices", "create", "Acme Ltd", "--period", "2026-10",
            "--date", "2026-11-01", "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    first = r.json()
    assert first["number"] == "ACME-001" and first["due_on"] == "2026-11-15"
    r = _ok(cli, "invoices", "void", "ACME-001", "--reason", "wrong hours", "--yes")
    assert "Voided invoice ACME-001" in r.stderr
    _ok(cli, "logs", "edit", str(entry), "--time", "1h30")
    r = cli("--config", str(cfg), "invoices", "create", "Acme Ltd", "--period", "2026-10",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert r.json()["number"] == "ACME-002"  # a voided number is never given again
    listed = _ok(cli, "invoices", "list", "--format", "json").json()
    assert [(i["number"], i["status"], i["totals"][0]["subtotal"]) for i in listed] == [
        ("ACME-001", "void", "190.00"),
        ("ACME-002", "issued", "142.50"),
    ]


def test_unpriced_billable_work_is_not_invoiced_silently(cli):
    _ok(cli, "clients", "add", "No Rate BV")
    _add(cli, "Work", "--client", "No Rate BV", "--time", "1h", "--date", "2026-10-02")
    r = cli("invoices", "create", "No Rate BV", "--period", "2026-10")
    assert r.exit_code == ExitCode.USAGE and "have no rate" in r.stderr and "--rate" in r.stderr
    assert _ok(cli, "invoices", "list", "--format", "json").json() == []


def test_totals_per_currency_and_an_unfinished_period(two_clients):
    cli = two_clients
    _add(cli, "Euro work", "--site", "acme", "--time", "1h", "--date", "2026-10-05")
    r = cli("clients", "edit", "Acme Ltd", "--currency", "usd")
    assert r.exit_code == ExitCode.USAGE and "give the rate in USD too" in r.stderr
    _ok(
        cli,
        "clients",
        "edit",
        "Acme Ltd",
        "--currency",
        "usd",
        "--rate",
        "95",
        "--from",
        "2026-10-15",
    )
    _add(cli, "Dollar work", "--site", "acme", "--time", "2h", "--date", "2026-10-20")
    inv = _invoice(cli, "Acme Ltd", "2026-10", "--vat", "0")
    assert [(t["currency"], t["subtotal"], t["total"]) for t in inv["totals"]] == [
        ("EUR", "95.00", "95.00"),
        ("USD", "190.00", "190.00"),
    ]
    r = cli("invoices", "create", "Acme Ltd", "--period", "this-year")
    assert r.exit_code == ExitCode.USAGE and "has not ended yet" in r.stderr


def test_invoice_pdf_in_dutch_html_and_exports(two_clients, tmp_path: Path):
    cli = two_clients
    _ok(cli, "clients", "edit", "Acme Ltd", "--address", "Keizersgracht 1\\n1015 CJ Amsterdam")
    _add(cli, "Audit", "--site", "acme", "--time", "2h", "--date", "2026-10-06")
    inv = _invoice(cli, "Acme Ltd", "2026-10")
    pdf = tmp_path / "factuur.pdf"
    _ok(cli, "invoices", "render", inv["number"], "--lang", "nl", "-o", str(pdf))
    text = _pdf_text(pdf)
    for wanted in ("Factuur", inv["number"], "Keizersgracht 1", "Btw 21%", "€ 229,90", "Audit"):
        assert wanted in text, wanted
    html = tmp_path / "invoice.html"
    _ok(cli, "invoices", "render", inv["number"], "-o", str(html))
    assert "€229.90" in html.read_text() and "Bill to" in html.read_text()
    out = tmp_path / "invoices.csv"
    r = _ok(cli, "invoices", "export", "--all", "--output", str(out))
    assert "Wrote 1 invoice(s)" in r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["line"], r["amount"]) for r in rows] == [
        ("SEO work: acme", "190.00"),
        ("Subtotal", "190.00"),
        ("VAT", "39.90"),
        ("Total", "229.90"),
    ]
    exported = _ok(cli, "invoices", "export", inv["number"], "--format", "json").json()
    assert exported == [inv]


def test_a_client_with_invoices_cannot_be_removed(two_clients):
    cli = two_clients
    _add(cli, "Audit", "--site", "acme", "--time", "2h", "--date", "2026-10-06")
    _invoice(cli, "Acme Ltd", "2026-10")
    r = cli("clients", "remove", "Acme Ltd", "--cascade", "--yes")
    assert r.exit_code == ExitCode.USAGE and "invoice" in r.stderr
    assert _amounts(cli) == [("Audit", "190.00")]


# --- the upgrade -------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # the same SQL on both; this one starts from an old SQLite store
def test_upgrading_keeps_every_amount_and_starts_the_rate_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 0010 store: a client at 95, an entry with its own rate of 50 and one without. After
    0011 each entry holds the rate it was shown at, the client's rate is its first rate (in force
    always), entries belong to whoever upgraded, and the way back restores the client's rate."""
    from sqlalchemy import create_engine, text

    from seolog.storage.db import make_engine, migrate
    from tests.migrations import downgrade_to, upgrade_to

    monkeypatch.setenv("SEOLOG_USER", "upgrader")
    url = f"sqlite:///{tmp_path}/seolog.db"
    upgrade_to(url, "0010")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO clients (id, uuid, name, hourly_rate, currency, created_at, updated_at)"
                " VALUES (1, 'c1', 'Acme Ltd', 95, 'EUR', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO projects (id, uuid, client_id, name, active, created_at, updated_at)"
                " VALUES (1, 'p1', 1, 'Migration', 1, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO sites (id, uuid, name, root_url, active, client_id, created_at,"
                " updated_at) VALUES (1, 's1', 'acme', 'https://acme.example/', 1, 1,"
                " '2026-01-01', '2026-01-01')"
            )
        )
        for i, rate in ((1, "50"), (2, None)):
            conn.execute(
                text(
                    "INSERT INTO log_entries (id, uuid, day, minutes, client_id, project_id,"
                    " site_id, work_type, description, billable, rate, created_at, updated_at)"
                    " VALUES (:i, :u, '2026-10-01', 90, 1, 1, 1, 'other', 'x', 1, :r,"
                    " '2026-10-01', '2026-10-01')"
                ),
                {"i": i, "u": f"e{i}", "r": rate},
            )
    engine.dispose()
    # as seolog opens a store: foreign keys on, which a rebuilt `clients` must not set off
    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as conn:
        entries = conn.execute(
            text("SELECT rate, rate_manual, currency, author FROM log_entries ORDER BY id")
        ).all()
        rates = conn.execute(text("SELECT client_id, rate, effective_from FROM rates")).all()
        links = conn.execute(
            text("SELECT client_id, project_id, site_id FROM log_entries ORDER BY id")
        ).all()
        assert [tuple(r) for r in links] == [(1, 1, 1), (1, 1, 1)]
        assert conn.execute(text("SELECT client_id FROM projects")).all() == [(1,)]
        assert conn.execute(text("SELECT client_id FROM sites")).all() == [(1,)]
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert [(Decimal(str(r[0])), bool(r[1]), r[2], r[3]) for r in entries] == [
        (Decimal(50), True, "EUR", "upgrader"),
        (Decimal(95), False, "EUR", "upgrader"),
    ]
    assert [(r[0], Decimal(str(r[1])), str(r[2])) for r in rates] == [(1, 95, "1900-01-01")]
    engine.dispose()
    downgrade_to(url, "0010")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert Decimal(str(conn.execute(text("SELECT hourly_rate FROM clients")).scalar())) == 95
        assert [r[0] for r in conn.execute(text("SELECT rate FROM log_entries ORDER BY id"))] == [
            50,
            None,
        ]
    engine.dispose()


def test_lines_add_up_to_the_subtotal_and_name_the_projects(two_clients):
    cli = two_clients
    _ok(cli, "clients", "edit", "Acme Ltd", "--rate", "50", "--from", "2026-09-01")
    _ok(cli, "projects", "add", "Migration", "--client", "Acme Ltd")
    _add(cli, "a", "--project", "Migration", "--time", "20m", "--date", "2026-09-02")
    _add(cli, "b", "--site", "acme", "--time", "20m", "--date", "2026-09-03")
    _add(cli, "c", "--client", "Acme Ltd", "--time", "20m", "--date", "2026-09-04")
    inv = _invoice(cli, "Acme Ltd", "2026-09", "--vat", "0")
    assert [(x["projects"], x["hours"], x["amount"]) for x in inv["lines"]] == [
        (["Migration", "acme"], "1.00", "50.00")
    ]  # one line per rate: not 3 x 16.67 = 50.01 against a subtotal of 50.00
    assert inv["totals"][0]["subtotal"] == "50.00"


def test_invoiced_entries_survive_project_and_site_removal(two_clients):
    cli = two_clients
    _ok(cli, "projects", "add", "Migration", "--client", "Acme Ltd", "--site", "acme")
    _add(cli, "a", "--project", "Migration", "--time", "1h", "--date", "2026-10-02")
    inv = _invoice(cli, "Acme Ltd", "2026-10")
    r = cli("projects", "remove", "Migration", "--cascade", "--yes")
    assert r.exit_code == ExitCode.USAGE and "invoiced" in r.stderr
    r = cli("sites", "remove", "acme", "--yes")
    assert r.exit_code == ExitCode.USAGE and "invoiced" in r.stderr
    shown = _ok(cli, "invoices", "show", inv["number"], "--format", "json").json()
    assert shown == inv and [d for d, _ in _amounts(cli)] == ["a"]
    r = cli("invoices", "void", str(shown["number"]).split("-")[-1].lstrip("0"), "--yes")
    assert r.exit_code == ExitCode.CONFIG  # a database id is no invoice number


def test_an_entry_cannot_move_to_a_client_that_does_not_own_its_project(two_clients):
    cli = two_clients
    _ok(cli, "projects", "add", "Migration", "--client", "Acme Ltd")
    entry = _add(cli, "a", "--project", "Migration", "--time", "1h", "--date", "2026-10-02")
    r = cli("logs", "edit", str(entry), "--client", "Elephant Data BV")
    assert r.exit_code == ExitCode.USAGE and "project 'Migration' belongs to Acme Ltd" in r.stderr
    _ok(cli, "logs", "edit", str(entry), "--client", "Elephant Data BV", "--project", "")
    r = cli("projects", "add", "Docs", "--client", "Acme Ltd", "--site", "pydocs")
    assert r.exit_code == ExitCode.USAGE and "belongs to Elephant Data BV" in r.stderr
    # a site moved to another client later: its old entries can still be corrected
    entry = _add(cli, "b", "--site", "acme", "--time", "1h", "--date", "2026-10-03")
    _ok(cli, "clients", "edit", "Elephant Data BV", "--site", "acme")
    _ok(cli, "logs", "edit", str(entry), "--time", "2h")


@pytest.mark.postgresql_only  # SQLite's BEGIN IMMEDIATE serialises writers already
def test_an_edit_waits_for_an_invoice_being_made_and_is_then_refused(
    two_clients, seolog_env, store_url
):
    """A teammate's `logs edit` while an invoice takes the entry: the edit waits for the invoice
    (the entry is locked) and then refuses, instead of changing an invoiced entry."""
    import subprocess
    import sys
    import time

    from sqlalchemy import create_engine, text

    cli = two_clients
    entry = _add(cli, "Audit", "--site", "acme", "--time", "2h", "--date", "2026-10-06")
    inv = _invoice(cli, "Acme Ltd", "2026-10")
    _ok(cli, "invoices", "void", inv["number"], "--yes")
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            tx = conn.begin()
            # what `invoices create` does: lock the period's entries, then claim them
            (invoice_id,) = conn.execute(text("SELECT id FROM invoices")).one()
            conn.execute(text("SELECT id FROM log_entries WHERE id = :e FOR UPDATE"), {"e": entry})
            conn.execute(
                text("UPDATE log_entries SET invoice_id = :i WHERE id = :e"),
                {"i": invoice_id, "e": entry},
            )
            edit = subprocess.Popen(
                [sys.executable, "-m", "seolog", "logs", "edit", str(entry), "--time", "5h"],
                env=seolog_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            deadline = time.monotonic() + 120
            waiting = 0
            while not waiting and time.monotonic() < deadline and edit.poll() is None:
                with engine.connect() as watch:  # the edit, blocked on our row lock
                    waiting = watch.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            " AND pid <> pg_backend_pid()"
                        )
                    ).scalar_one()
                time.sleep(0.05)
            assert waiting, edit.communicate()
            tx.commit()
        _out, err = edit.communicate(timeout=120)
    finally:
        engine.dispose()
    assert edit.returncode == ExitCode.USAGE, err
    assert "is on invoice" in err
    assert [(d, a) for d, a in _amounts(cli)] == [("Audit", "190.00")]


def test_a_sequence_counts_per_year_wherever_the_year_is(two_clients, tmp_path: Path):
    cli = two_clients
    cfg = tmp_path / "seolog.toml"
    cfg.write_text('[worklog]\ninvoice_number = "{seq:03d}/{year}"\n')
    _add(cli, "Last year", "--site", "acme", "--time", "1h", "--date", "2025-11-03")
    _add(cli, "This year", "--site", "acme", "--time", "1h", "--date", "2026-10-05")
    _add(cli, "Other client", "--site", "pydocs", "--time", "1h", "--date", "2026-10-06")
    numbers = []
    for client, period, issued in (
        ("Acme Ltd", "2025-11", "2025-12-01"),
        ("Acme Ltd", "2026-10", "2026-11-02"),
        ("Elephant Data BV", "2026-10", "2026-11-02"),
    ):
        r = cli("--config", str(cfg), "invoices", "create", client, "--period", period,
                "--date", issued, "--format", "json")  # fmt: skip
        assert r.exit_code == 0, r.stderr
        numbers.append(r.json()["number"])
    assert numbers == ["001/2025", "001/2026", "002/2026"]
