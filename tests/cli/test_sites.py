"""`seolog sites …` through the real CLI and a real SQLite file."""

from __future__ import annotations

from seolog.errors import ExitCode


def test_add_list_show_edit_remove(cli):
    r = cli(
        "sites",
        "add",
        "https://www.acme.example/shop",
        "--name",
        "acme",
        "--client",
        "Acme Ltd",
        "--email",
        "seo@acme.example",
    )
    assert r.exit_code == 0, r.stderr
    assert "Added site acme (https://www.acme.example/)" in r.stderr

    listed = cli("sites", "list", "--format", "json").json()
    assert [(s["name"], s["url"], s["client"], s["scans"]) for s in listed] == [
        ("acme", "https://www.acme.example/", "Acme Ltd", 0)
    ]
    table = cli("sites", "list").stdout
    assert "acme" in table and "Acme Ltd" in table

    shown = cli("sites", "show", "acme", "--format", "json").json()
    assert shown["email"] == "seo@acme.example" and shown["active"] is True

    r = cli("sites", "edit", "acme", "--name", "acme-group", "--client", "Acme Group", "--inactive")
    assert r.exit_code == 0
    shown = cli("sites", "show", "acme-group", "--format", "json").json()
    assert (shown["client"], shown["active"]) == ("Acme Group", False)
    assert cli("sites", "list", "--active", "--format", "json").json() == []

    r = cli("sites", "remove", "acme-group", "--yes")
    assert r.exit_code == 0
    assert cli("sites", "list", "--format", "json").json() == []


def test_add_rejects_bad_input_with_one_line(cli):
    r = cli("sites", "add", "not a url")
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr.startswith("error: 'not a url' is not a valid http(s) URL")
    r = cli("sites", "add", "https://acme.example", "--email", "nope")
    assert r.exit_code == ExitCode.USAGE and "invalid e-mail" in r.stderr
    r = cli("sites", "add", "https://acme.example", "--name", "bad name!")
    assert r.exit_code == ExitCode.USAGE and "invalid site name" in r.stderr


def test_duplicates_are_refused(cli):
    assert cli("sites", "add", "https://acme.example", "--name", "acme").exit_code == 0
    r = cli("sites", "add", "https://acme.example/other", "--name", "acme2")
    assert r.exit_code == ExitCode.USAGE and "already registered as 'acme'" in r.stderr
    assert cli("sites", "add", "https://b.example", "--name", "b").exit_code == 0
    r = cli("sites", "edit", "b", "--name", "acme")
    assert r.exit_code == ExitCode.USAGE and "already exists" in r.stderr


def test_unknown_site_is_a_config_error(cli):
    r = cli("sites", "show", "ghost")
    assert r.exit_code == ExitCode.CONFIG
    assert "no site named 'ghost'" in r.stderr and "seolog sites list" in r.stderr


def test_remove_without_yes_refuses_when_nobody_can_answer(cli):
    cli("sites", "add", "https://acme.example", "--name", "acme")
    r = cli("sites", "remove", "acme")
    assert r.exit_code == ExitCode.USAGE and "--yes" in r.stderr
    assert len(cli("sites", "list", "--format", "json").json()) == 1


def test_scan_by_site_name_and_remove_cascades(cli, server, db):
    server.page("/", body='<a href="/a">a</a>')
    server.page("/a")
    cli("sites", "add", server.url(), "--name", "local")
    r = cli("scan", "local", "--no-sitemaps", "--format", "json")
    assert r.exit_code == 0
    assert r.json()["scan"]["site"] == "local"
    assert cli("sites", "show", "local", "--format", "json").json()["scans"] == 1
    assert cli("sites", "remove", "local", "--yes").exit_code == 0
    assert db("SELECT count(*) AS n FROM pages")[0].n == 0
    assert db("SELECT count(*) AS n FROM links")[0].n == 0
