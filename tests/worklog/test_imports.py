"""Hours in and out: Toggl Track, Clockify and Harvest exports (tests/worklog/samples, written from
their documented formats) import with the right hours and amounts, every import is idempotent,
--create-clients and --dry-run do what they say, and the export carries what accounting needs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from seolog.errors import ExitCode

SAMPLES = Path(__file__).parent / "samples"


def _ok(cli, *args: str):
    r = cli(*args)
    assert r.exit_code == 0, r.stderr
    return r


def _entries(cli) -> list[dict]:
    return _ok(cli, "logs", "list", "--format", "json").json()


def _by_client(cli) -> dict[str, tuple[float, str]]:
    s = _ok(cli, "logs", "summary", "--by", "client", "--format", "json").json()
    return {g["group"]: (g["hours"], g["amount"]) for g in s["groups"]}


def test_a_toggl_export_into_a_fresh_store(cli):
    toggl = str(SAMPLES / "toggl_detailed.csv")
    r = cli("logs", "import", toggl)
    assert r.exit_code == ExitCode.USAGE
    assert "nothing imported" in r.stderr and "no client named 'Acme Ltd'" in r.stderr
    assert "--create-clients" in r.stderr
    r = _ok(cli, "logs", "import", toggl, "--create-clients", "--client", "SEO Agency", "--dry-run")
    assert "Would import" in r.stderr and "7 new, 0 already imported" in r.stderr
    assert _entries(cli) == [] and _ok(cli, "clients", "list", "--format", "json").json() == []
    r = _ok(cli, "logs", "import", toggl, "--create-clients", "--client", "SEO Agency")
    assert "(toggl): 7 new, 0 already imported" in r.stderr
    rows = {e["description"]: e for e in _entries(cli)}
    night = rows["Migration night: redirect checks after launch"]
    assert (night["date"], night["minutes"], night["author"]) == ("2026-11-05", 100, "Priya Shah")
    # wall-clock times of the export, in this machine's zone; the end on the next day
    assert night["started_at"].startswith("2026-11-05T23:30")
    assert night["ended_at"].startswith("2026-11-06T01:10")
    assert (night["rate"], night["amount"], night["project"]) == (
        "90.00",
        "150.00",
        "Site migration",
    )
    assert sorted(night["tags"]) == ["migration", "redirects"]
    # amounts as Toggl billed them, for whole minutes; 44:28 is stored as 44 minutes
    assert rows["Keyword clusters for the data-warehouse pages"]["amount"] == "293.33"
    assert (rows["Briefs"]["minutes"], rows["Briefs"]["amount"]) == (44, "80.67")
    training = rows["Agency training: Core Web Vitals"]
    assert (training["client"], training["billable"], training["minutes"]) == (
        "SEO Agency",
        False,
        120,
    )
    assert _by_client(cli)["Acme Ltd"] == (4.92, "442.50")  # 1:30 + 1:45 + 1:40
    invoice = _ok(cli, "invoices", "create", "Acme Ltd", "--period", "2026-11", "--format", "json")
    # importing the same file again adds nothing, and the invoice is as it was
    r = _ok(cli, "logs", "import", toggl, "--create-clients", "--client", "SEO Agency")
    assert "0 new, 7 already imported" in r.stderr
    assert len(_entries(cli)) == 7
    shown = _ok(cli, "invoices", "show", invoice.json()["number"], "--format", "json").json()
    assert shown == invoice.json() and shown["totals"][0]["subtotal"] == "442.50"


@pytest.mark.parametrize(
    ("sample", "extra", "expected"),
    [
        (
            "clockify_detailed.csv",
            (),
            {"Acme Ltd": (4.08, "367.50"), "Elephant Data BV": (2.75, "247.50")},
        ),
        (
            "clockify_detailed_12h.csv",
            (),
            {"Acme Ltd": (3.5, "350.00"), "Elephant Data BV": (3.17, "320.00")},
        ),
        (
            "harvest_detailed.csv",
            (),
            {"Acme Ltd": (4.25, "382.50"), "Elephant Data BV": (3.08, "293.33")},
        ),
    ],
)
def test_clockify_and_harvest_exports_import_with_their_hours_and_amounts(
    cli, sample, extra, expected
):
    path = str(SAMPLES / sample)
    r = _ok(cli, "logs", "import", path, "--create-clients", "--client", "SEO Agency", *extra)
    source = sample.split("_")[0]
    assert f"({source}):" in r.stderr
    totals = _by_client(cli)
    for client, wanted in expected.items():
        assert totals[client] == wanted, client
    r = _ok(cli, "logs", "import", path, "--create-clients", "--client", "SEO Agency")
    assert " 0 new," in r.stderr


def test_clockify_overnight_and_twelve_hour_times(cli):
    _ok(cli, "logs", "import", str(SAMPLES / "clockify_detailed_12h.csv"), "--create-clients")
    (outreach,) = [e for e in _entries(cli) if e["description"] == "Outreach follow-ups"]
    assert (outreach["date"], outreach["minutes"], outreach["currency"]) == (
        "2026-11-24",
        40,
        "USD",
    )
    assert outreach["end"] == "00:20" and outreach["ended_at"][:10] == "2026-11-25"


def test_harvest_currencies_make_clients_in_them(cli):
    _ok(cli, "logs", "import", str(SAMPLES / "harvest_detailed.csv"), "--create-clients")
    clients = {
        c["name"]: c["currency"] for c in _ok(cli, "clients", "list", "--format", "json").json()
    }
    assert clients["Northwind Analytics Inc"] == "USD" and clients["Acme Ltd"] == "EUR"
    (speed,) = [e for e in _entries(cli) if e["client"] == "Northwind Analytics Inc"]
    assert (speed["minutes"], speed["amount"], speed["currency"]) == (135, "270.00", "USD")


def test_the_format_can_be_named_and_a_wrong_one_says_what_is_missing(cli):
    r = cli("logs", "import", str(SAMPLES / "harvest_detailed.csv"), "--from", "toggl")
    assert r.exit_code == ExitCode.USAGE and "Toggl" in r.stderr and "Traceback" not in r.stderr


def test_a_seolog_export_is_complete_and_reimports_idempotently(cli, tmp_path: Path):
    _ok(cli, "sites", "add", "https://www.acme.example", "--name", "acme")
    _ok(cli, "clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme")
    for day in ("05", "06"):
        _ok(
            cli,
            "logs",
            "add",
            f"Work {day}",
            "--site",
            "acme",
            "--time",
            "1h",
            "--date",
            f"2026-10-{day}",
        )
    invoice = _ok(cli, "invoices", "create", "Acme Ltd", "--period", "2026-10", "--format", "json")
    out = tmp_path / "hours.csv"
    r = _ok(cli, "logs", "export", "--output", str(out))
    assert f"Wrote 2 entries to {out}" in r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    for column in ("id", "author", "client", "project", "site", "type", "date", "start", "end",
                   "minutes", "billable", "rate", "currency", "amount", "invoice"):  # fmt: skip
        assert column in rows[0], column
    assert [(r["minutes"], r["amount"], r["currency"], r["invoice"]) for r in rows] == [
        ("60", "95.00", "EUR", invoice.json()["number"])
    ] * 2
    r = _ok(cli, "logs", "import", str(out))
    assert "0 new, 2 already imported" in r.stderr
    # a hand-made CSV without ids: a content hash makes the second import a no-op too
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "date,duration,site,description\n2026-10-07,1h,acme,Hand\n2026-10-07,1h,acme,Hand\n"
    )
    assert "2 new" in _ok(cli, "logs", "import", str(plain)).stderr  # two real, equal rows
    assert "0 new, 2 already imported" in _ok(cli, "logs", "import", str(plain)).stderr
    typo = tmp_path / "typo.csv"
    typo.write_text("date,duration,site,type,description\n2026-10-08,1h,acme,contnet,Typo\n")
    r = cli("logs", "import", str(typo))
    assert r.exit_code == ExitCode.USAGE and "line 2: unknown work type 'contnet'" in r.stderr


def test_small_things_a_consultant_meets(cli):
    _ok(cli, "sites", "add", "https://www.acme.example", "--name", "acme")
    _ok(cli, "clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme")
    r = cli("logs", "add", "x", "--site", "acme", "--time", "1h70")
    assert r.exit_code == ExitCode.USAGE and "did you mean 2h10?" in r.stderr
    r = cli("logs", "add", "x", "--site", "acme", "--time", "1h", "--date", "2099-01-01")
    assert r.exit_code == ExitCode.USAGE and "in the future" in r.stderr
    made = _ok(cli, "logs", "add", "x", "--site", "acme", "--time", "1h", "--tag", "audit",
               "--no-billable", "--format", "json").json()  # fmt: skip
    assert made["billable"] is False  # the old spelling still works
    entry = str(made["id"])
    _ok(cli, "logs", "edit", entry, "--tag", "q4", "--tag", "draft", "--billable")
    edited = _ok(cli, "logs", "edit", entry, "--untag", "draft", "--format", "json").json()
    assert edited["tags"] == ["audit", "q4"] and edited["billable"] is True
    _ok(cli, "logs", "edit", entry, "--non-billable")
    assert (
        _ok(cli, "logs", "list", "--non-billable", "--format", "json").json()[0]["id"] == made["id"]
    )
    s = _ok(cli, "logs", "summary", "--by", "tag", "--format", "json").json()
    assert [g["group"] for g in s["groups"]] == ["audit", "q4"]
    assert [t["entries"] for t in s["totals"]] == [1]  # counted once in the total


def test_an_export_imported_elsewhere_keeps_minutes_and_follows_rate_changes(cli, tmp_path: Path):
    _ok(cli, "sites", "add", "https://www.acme.example", "--name", "acme")
    _ok(cli, "clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme")
    _ok(cli, "logs", "add", "Own rate", "--site", "acme", "--time", "1h", "--date", "2026-10-05",
        "--rate", "50")  # fmt: skip
    _ok(cli, "logs", "add", "Client rate", "--site", "acme", "--time", "1h", "--date", "2026-10-06")
    out = tmp_path / "hours.csv"
    _ok(cli, "logs", "export", "--output", str(out))
    # a timer counts seconds: 09:00:40 to 09:02 is one minute, though its times say 09:00-09:02
    out.write_text(
        out.read_text()
        + "2026-10-07,09:00,09:02,1m,Acme Ltd,,acme,other,Timed,yes,95.00,,,,,,,1,EUR,,\n"
    )
    other = f"sqlite:///{tmp_path / 'other.db'}"
    _ok(cli, "--db", other, "sites", "add", "https://www.acme.example", "--name", "acme")
    _ok(cli, "--db", other, "clients", "add", "Acme Ltd", "--rate", "95", "--site", "acme")
    r = _ok(cli, "--db", other, "logs", "import", str(out))
    assert "3 new" in r.stderr
    r = _ok(
        cli, "--db", other, "clients", "edit", "Acme Ltd", "--rate", "100", "--from", "2026-10-01"
    )
    assert "2 entries re-priced" in r.stderr  # the client's rate follows; the entry's own does not
    rows = _ok(cli, "--db", other, "logs", "list", "--format", "json").json()
    assert [(x["description"], x["minutes"], x["rate"]) for x in rows] == [
        ("Own rate", 60, "50.00"),
        ("Client rate", 60, "100.00"),
        ("Timed", 1, "100.00"),
    ]


def test_names_are_matched_whatever_their_spacing(cli, tmp_path: Path):
    toggl = (SAMPLES / "toggl_detailed.csv").read_text(encoding="utf-8-sig")
    spaced = tmp_path / "spaced.csv"
    spaced.write_text(toggl.replace("Acme Ltd", "Acme  Ltd", 1), encoding="utf-8")
    r = _ok(cli, "logs", "import", str(spaced), "--create-clients", "--client", "SEO Agency",
            "--dry-run")  # fmt: skip
    assert "would add client(s)" in r.stderr and "would add project(s)" in r.stderr
    _ok(cli, "logs", "import", str(spaced), "--create-clients", "--client", "SEO Agency")
    names = [c["name"] for c in _ok(cli, "clients", "list", "--format", "json").json()]
    assert names.count("Acme Ltd") == 1
