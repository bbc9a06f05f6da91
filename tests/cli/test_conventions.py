"""The global options work after the command too (`seolog scan URL -q`), as people type them;
typed both before and after, the later one wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seolog.cli.tree import GLOBAL_PANEL


def _all_commands():
    from typer.main import get_command

    from seolog.cli.app import app

    root = get_command(app)
    for name, cmd in root.commands.items():
        yield (name,), cmd
        for sub_name, sub in (getattr(cmd, "commands", None) or {}).items():
            yield (name, sub_name), sub


@pytest.mark.sqlite_only
def test_db_after_the_command_is_used_and_wins_over_one_before(cli, tmp_path: Path):
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    r = cli(
        "--db", f"sqlite:///{before}", "sites", "add", "https://a.example", "--db",
        f"sqlite:///{after}",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert after.exists() and not before.exists()
    listed = cli("sites", "list", "--format", "json", "--db", f"sqlite:///{after}").json()
    assert [s["name"] for s in listed] == ["a.example"]
    assert cli("sites", "list", "-f", "json").json() == []  # the default store is untouched


def test_quiet_after_the_command_silences_the_chatter(cli):
    loud = cli("sites", "add", "https://loud.example")
    quiet = cli("sites", "add", "https://quiet.example", "-q")
    assert loud.exit_code == quiet.exit_code == 0
    assert "Added site" in loud.stdout + loud.stderr
    assert quiet.stdout == quiet.stderr == ""


def test_a_default_after_the_command_does_not_undo_a_flag_before_it(cli):
    r = cli("-q", "sites", "add", "https://quiet.example")
    assert r.exit_code == 0 and r.stdout == r.stderr == ""


def test_debug_after_the_command_shows_the_traceback(cli):
    plain = cli("checks", "explain", "no-such-check")
    debug = cli("checks", "explain", "no-such-check", "--debug")
    assert plain.exit_code == debug.exit_code != 0
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr


def test_config_after_the_command_is_read(cli, tmp_path: Path):
    config = tmp_path / "elsewhere.toml"
    config.write_text("[scan]\nmax_pages = 7\n")
    shown = cli("config", "show", "-f", "json", "--config", str(config)).json()
    assert shown["file"] == str(config)
    assert shown["settings"]["scan.max_pages"]["value"] == 7


def test_no_color_after_the_command_is_accepted(cli):
    r = cli("checks", "list", "--no-color")
    assert r.exit_code == 0 and "\x1b[" not in r.stdout


def test_after_a_double_dash_a_global_option_is_an_argument(cli):
    r = cli("scan", "--", "-q")
    # `-q` reached the command as its target, not as --quiet.
    assert r.exit_code != 0 and "'-q'" in r.stderr


def test_an_options_value_that_looks_like_a_global_option_stays_a_value(cli):
    r = cli("sites", "add", "https://notes.example", "--notes", "--debug", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["notes"] == "--debug"


def test_every_command_lists_the_global_options_without_clashing_with_its_own():
    import typer

    for path, cmd in _all_commands():
        ctx = typer.Context(cmd)
        params = cmd.get_params(ctx)
        opts = [o for p in params for o in (*p.opts, *p.secondary_opts)]
        assert len(opts) == len(set(opts)), f"seolog {' '.join(path)}: an option twice"
        panel = {o for p in params if p.rich_help_panel == GLOBAL_PANEL for o in p.opts}
        assert {"--db", "--config", "--quiet", "--debug", "--no-color"} <= set(opts), path
        assert panel, f"seolog {' '.join(path)} has no {GLOBAL_PANEL} panel"


def test_global_options_appear_in_a_commands_help(cli):
    text = cli("scans", "list", "--help").stdout
    assert GLOBAL_PANEL in text
    for option in ("--db", "--config", "--quiet", "--debug", "--no-color"):
        assert option in text.split(GLOBAL_PANEL, 1)[1]


def test_the_root_help_says_global_options_may_follow_the_command(cli):
    text = " ".join(cli("--help").stdout.split())
    assert "also work after a command" in text and "the later one wins" in text
