"""The work log from the command line, on real SQLite files: entries, filters, summaries with
exact amounts, the timer, CSV in and out, and clients/projects that refuse to lose data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from seolog.context import AppContext
from seolog.errors import ExitCode


@pytest.fixture
def acme(cli):
    """A site, a client at 95 EUR/h linked to it, and a project."""
    assert cli("sites", "add", "https://www.acme.example", "--name", "acme").exit_code == 0
    r = cli("clients", "add", "Acme Ltd", "--rate", "95", "--currency", "eur", "--site", "acme")
    assert r.exit_code == 0, r.stderr
    r = cli("projects", "add", "Migration", "--client", "Acme Ltd", "--site", "acme")
    assert r.exit_code == 0, r.stderr
    return cli


def _add(cli, *args: str) -> int:
    r = cli("logs", "add", *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return r.json()["id"]


def test_entries_are_priced_filtered_and_summarised(acme):
    cli = acme
    _add(
        cli,
        "Rewrote 14 meta descriptions",
        "--site",
        "acme",
        "--type",
        "on-page",
        "--time",
        "1h30",
        "--date",
        "2026-10-05",
        "--fixes",
        "meta-description-missing",
        "--tag",
        "audit",
    )
    _add(
        cli,
        "Redirect map",
        "--project",
        "Migration",
        "--type",
        "technical",
        "--time",
        "20m",
        "--rate",
        "87.50",
        "--date",
        "2026-10-06",
    )
    _add(cli, "Kick-off call", "--client", "Acme Ltd", "--type", "meeting", "--start", "14:00",
         "--end", "14:45", "--date", "2026-11-02", "--no-billable")  # fmt: skip

    rows = cli("logs", "list", "--format", "json").json()
    assert [r["description"] for r in rows] == [
        "Rewrote 14 meta descriptions", "Redirect map", "Kick-off call"
    ]  # fmt: skip
    first, second, third = rows
    # The site's client prices the work: 1.5 h x 95.
    assert (first["client"], first["amount"], first["currency"]) == ("Acme Ltd", "142.50", "EUR")
    assert first["fixes"] == ["meta-description-missing"] and first["tags"] == ["audit"]
    # A project brings its client and site; the entry's own rate wins: 20 min x 87.50 = 29.17.
    assert (second["project"], second["site"], second["amount"]) == ("Migration", "acme", "29.17")
    assert (third["minutes"], third["start"], third["end"], third["amount"]) == (
        45,
        "14:00",
        "14:45",
        None,
    )

    def listed(*args: str) -> list[str]:
        return [r["description"] for r in cli("logs", "list", *args, "--format", "json").json()]

    assert listed("--type", "meeting") == ["Kick-off call"]
    assert listed("--tag", "audit") == ["Rewrote 14 meta descriptions"]
    assert listed("--period", "2026-10") == ["Rewrote 14 meta descriptions", "Redirect map"]
    assert listed("--since", "2026-10-06", "--until", "2026-11-30") == [
        "Redirect map",
        "Kick-off call",
    ]
    assert listed("--non-billable") == ["Kick-off call"]
    assert listed("--project", "Migration") == ["Redirect map"]

    summary = cli("logs", "summary", "--by", "month", "--format", "json").json()
    groups = {g["group"]: g for g in summary["groups"]}
    assert groups["2026-10"]["amount"] == "171.67" and groups["2026-10"]["hours"] == 1.83
    assert groups["2026-11"]["billable_hours"] == 0.0
    (total,) = summary["totals"]
    assert (total["amount"], total["hours"], total["billable_hours"]) == ("171.67", 2.58, 1.83)
    table = cli("logs", "summary", "--by", "type").stdout
    assert "Total" in table and "171.67 EUR" in table
    csv_text = cli("logs", "summary", "--by", "client", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("group,entries,hours")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--site", "acme", "--time", "ages"], "cannot read the duration 'ages'"),
        (["x", "--site", "acme", "--start", "10:00", "--end", "09:00"], "is not after the start"),
        (["x", "--site", "acme", "--time", "1h", "--type", "coding"], "unknown work type 'coding'"),
        (["x", "--site", "acme"], "say how long the work took"),
        (["x", "--time", "1h"], "say who the work was for"),
        (["x", "--site", "acme", "--time", "1h", "--start", "09:00", "--end", "10:00"], "not both"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(acme, args, message):
    r = acme("logs", "add", *args)
    assert r.exit_code == ExitCode.USAGE, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert acme("logs", "list", "--format", "json").json() == []


def test_the_timer_survives_processes_and_runs_one_at_a_time(acme, store_url):
    from seolog.services import logs, timer

    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def ctx_at(minutes: int) -> AppContext:  # a new process each time, with its own clock
        return AppContext(db_url=store_url, clock=lambda: now + timedelta(minutes=minutes))

    timer.start_timer(
        ctx_at(0), logs.EntryInput("Fixing redirect chains", site="acme", work_type="technical")
    )
    (running,) = timer.timer_status(ctx_at(30))
    assert running.minutes == 30 and running.timer.entry["description"] == "Fixing redirect chains"
    r = acme("logs", "start", "Something else", "--site", "acme")
    assert r.exit_code == ExitCode.USAGE and "a timer of yours is already running" in r.stderr
    entry = timer.stop_timer(ctx_at(95), "Fixed 9 redirect chains")
    assert (entry.minutes, entry.description, entry.day.isoformat()) == (
        95,
        "Fixed 9 redirect chains",
        "2026-11-20",
    )
    assert entry.started_at == now and entry.ended_at == now + timedelta(minutes=95)
    assert timer.timer_status(ctx_at(96)) == []
    r = acme("logs", "stop")
    assert r.exit_code == ExitCode.USAGE and "no timer is running" in r.stderr
    acme("logs", "start", "Abandoned", "--site", "acme")
    assert "Running for" in acme("logs", "status").stdout
    assert acme("logs", "cancel").exit_code == 0
    assert [r["description"] for r in acme("logs", "list", "--format", "json").json()] == [
        "Fixed 9 redirect chains"
    ]


def test_csv_round_trip_and_all_or_nothing_import(acme, tmp_path: Path):
    cli = acme
    _add(
        cli,
        "Rewrote titles, with care",
        "--site",
        "acme",
        "--type",
        "on-page",
        "--time",
        "1h30",
        "--date",
        "2026-10-05",
        "--tag",
        "audit",
        "--tag",
        "q4",
        "--url",
        "https://www.acme.example/a",
    )
    _add(cli, "Call", "--project", "Migration", "--type", "meeting", "--start", "09:00", "--end",
         "09:20", "--date", "2026-10-06", "--no-billable", "--rate", "80")  # fmt: skip
    exported = tmp_path / "hours.csv"
    assert cli("logs", "export", "--output", str(exported)).exit_code == 0
    before = cli("logs", "list", "--format", "json").json()

    for row in before:
        assert cli("logs", "rm", str(row["id"]), "--yes").exit_code == 0
    r = cli("logs", "import", str(exported))
    assert r.exit_code == 0, r.stderr
    assert "2 new, 0 already imported" in r.stderr
    after = cli("logs", "list", "--format", "json").json()
    strip = [{k: v for k, v in row.items() if k != "id"} for row in after]
    assert strip == [{k: v for k, v in row.items() if k != "id"} for row in before]

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,duration,client,site,type,description,billable\n"
        "2026-10-07,1h,,acme,content,Fine row,yes\n"
        "2026-10-08,forever,,acme,content,Bad duration,yes\n"
        "2026-10-09,1h,,nowhere,content,Unknown site,maybe\n"
    )
    r = cli("logs", "import", str(bad))
    assert r.exit_code == ExitCode.USAGE
    assert "2 bad row(s)" in r.stderr and "line 3:" in r.stderr and "line 4:" in r.stderr
    assert "nothing imported" in r.stderr
    assert len(cli("logs", "list", "--format", "json").json()) == 2  # the fine row was not added
    missing = tmp_path / "nodesc.csv"
    missing.write_text("date,duration\n2026-10-07,1h\n")
    r = cli("logs", "import", str(missing))
    assert r.exit_code == ExitCode.USAGE and "no description column" in r.stderr


def test_clients_and_projects_refuse_to_drop_logged_work(acme):
    cli = acme
    _add(cli, "Audit", "--project", "Migration", "--time", "1h", "--type", "research")
    r = cli("projects", "remove", "Migration", "--yes")
    assert r.exit_code == ExitCode.USAGE and "has 1 log entries" in r.stderr
    r = cli("clients", "remove", "Acme Ltd", "--yes")
    assert r.exit_code == ExitCode.USAGE and "--cascade" in r.stderr
    assert cli("clients", "remove", "Acme Ltd", "--cascade", "--yes").exit_code == 0
    assert cli("logs", "list", "--format", "json").json() == []
    assert cli("projects", "list", "--format", "json").json() == []
    assert cli("sites", "show", "acme").exit_code == 0  # the site stays


def test_project_names_are_per_client(acme):
    cli = acme
    assert cli("clients", "add", "Beta GmbH", "--rate", "100").exit_code == 0
    assert cli("projects", "add", "Migration", "--client", "Beta GmbH").exit_code == 0
    r = cli("logs", "add", "Work", "--project", "Migration", "--time", "1h")
    assert r.exit_code == ExitCode.USAGE and "several clients have a project named" in r.stderr
    entry = _add(cli, "Work", "--project", "Migration", "--client", "Beta GmbH", "--time", "1h")
    assert cli("logs", "show", str(entry), "--format", "json").json()["client"] == "Beta GmbH"
    r = cli("projects", "add", "Migration", "--client", "Beta GmbH")
    assert r.exit_code == ExitCode.USAGE and "already has a project" in r.stderr
    shown = cli("clients", "show", "Acme Ltd", "--format", "json").json()
    assert shown["sites"] == ["acme"] and shown["hourly_rate"] == "95.00"


def test_a_site_added_with_a_known_client_name_bills_that_client(acme):
    cli = acme
    r = cli(
        "sites", "add", "https://shop.acme.example", "--name", "acme-shop", "--client", "acme ltd"
    )
    assert r.exit_code == 0, r.stderr
    entry = _add(cli, "Fixed the shop's canonicals", "--site", "acme-shop", "--time", "30m")
    shown = cli("logs", "show", str(entry), "--format", "json").json()
    assert (shown["client"], shown["amount"]) == ("Acme Ltd", "47.50")
    assert "acme-shop" in cli("clients", "show", "Acme Ltd", "--format", "json").json()["sites"]


def test_editing_an_entry_changes_only_what_is_given(acme):
    cli = acme
    entry = _add(cli, "Call", "--client", "Acme Ltd", "--type", "meeting", "--start", "09:00",
                 "--end", "09:30", "--date", "2026-10-06")  # fmt: skip
    r = cli("logs", "edit", str(entry), "--date", "2026-10-08", "--no-billable", "--tag", "kickoff")
    assert r.exit_code == 0, r.stderr
    shown = cli("logs", "show", str(entry), "--format", "json").json()
    assert (shown["date"], shown["start"], shown["end"], shown["minutes"]) == (
        "2026-10-08",
        "09:00",
        "09:30",
        30,
    )
    assert (shown["billable"], shown["tags"], shown["type"]) == (False, ["kickoff"], "meeting")
    assert cli("logs", "edit", str(entry), "--time", "1h15").exit_code == 0
    shown = cli("logs", "show", str(entry), "--format", "json").json()
    assert (shown["minutes"], shown["start"]) == (75, None)
    r = cli("logs", "edit", "999", "--time", "1h")
    assert r.exit_code == ExitCode.CONFIG and "no log entry with id 999" in r.stderr
