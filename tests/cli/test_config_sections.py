"""`seolog config show` lists every section of the config file, [alerts] and [report] included,
each key with its value and where it came from (the default when the files leave it out)."""

from __future__ import annotations

CONFIG = """
[alerts]
score_drop = 3
webhook = true

[alerts.email]
to = ["seo@acme.example"]
host = "smtp.agency.example"

[report]
agency = "Acme SEO"

[worklog]
invoice_number = "ACME-{seq:03d}"

[profiles.quiet]
alerts = { new_errors = false }
"""


def test_config_show_lists_alerts_and_report_with_their_sources(cli, tmp_path, monkeypatch):
    (tmp_path / "seolog.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    settings = cli("config", "show", "--format", "json").json()["settings"]
    where = str(tmp_path / "seolog.toml")
    assert settings["alerts.score_drop"] == {"value": 3, "source": where}
    assert settings["alerts.webhook"] == {"value": True, "source": where}
    assert settings["alerts.new_errors"] == {"value": True, "source": "default"}
    assert settings["alerts.unreachable"] == {"value": True, "source": "default"}
    assert settings["alerts.email.to"] == {"value": ["seo@acme.example"], "source": where}
    assert settings["alerts.email.host"]["value"] == "smtp.agency.example"
    assert settings["report.agency"] == {"value": "Acme SEO", "source": where}
    assert settings["report.logo"] == {"value": None, "source": "default"}
    assert settings["worklog.invoice_number"] == {"value": "ACME-{seq:03d}", "source": where}
    assert settings["worklog.max_timer_hours"] == {"value": 10, "source": "default"}
    # A profile's [alerts] shows with the profile named as its source.
    profiled = cli("config", "show", "--profile", "quiet", "--format", "json").json()["settings"]
    assert profiled["alerts.new_errors"]["value"] is False
    assert "[profiles.quiet]" in profiled["alerts.new_errors"]["source"]

    table = cli("config", "show").stdout
    for key in ("alerts.score_drop", "alerts.email.to", "report.agency", "report.footer"):
        assert key in table
    # Every section of the file has rows: scan, gates, thresholds, checks, alerts, report, worklog.
    sections = {line.split(".")[0] for line in table.splitlines() if "." in line.split(" ")[0]}
    assert {"scan", "gates", "thresholds", "checks", "alerts", "report", "worklog"} <= sections


def test_without_a_config_file_alerts_and_report_show_their_defaults(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = cli("config", "show", "--format", "json").json()["settings"]
    assert settings["alerts.score_drop"] == {"value": 5, "source": "default"}
    assert settings["alerts.webhook"] == {"value": False, "source": "default"}
    assert settings["alerts.email"] == {"value": None, "source": "default"}
    assert settings["report.agency"] == {"value": None, "source": "default"}
