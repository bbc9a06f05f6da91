"""The messages a report can show, gathered for translators: every `t("…")` in the templates, the
check catalog's titles, why and fix texts, the checks' finding messages (`say("…")`, `term("…")`)
and the labels. `python -m seolog.reports.catalog`
rewrites `locale/seolog.pot` and adds new messages (untranslated) to each `locale/*.po`."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import seolog
from seolog.checks.registry import catalog as check_catalog
from seolog.reports import labels
from seolog.reports.i18n import DOMAIN


def _template_messages(folder: Path) -> Iterator[tuple[str, str]]:
    """(msgid, where) for each literal `t("…")` in the templates."""
    from jinja2 import Environment
    from jinja2.ext import extract_from_ast

    env = Environment()
    for path in sorted(folder.glob("*.j2")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for lineno, _func, message in extract_from_ast(tree, gettext_functions=("t",)):
            # t("…", name=value) comes as ("…", None): the text, then one None per value
            text = message[0] if isinstance(message, tuple) and message else message
            if isinstance(text, str):
                yield text, f"{path.name}:{lineno}"


def _finding_messages() -> Iterator[tuple[str, str]]:
    """(msgid, where) for each literal `say("…")` and `term("…")` in seolog (the checks, and the
    crawl's reasons a finding quotes)."""
    package = Path(seolog.__file__).parent
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("say", "term")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = path.relative_to(package).as_posix()
                yield node.args[0].value, f"{where}:{node.lineno} {node.func.id}"


def messages(templates: Path) -> dict[str, list[str]]:
    """msgid → where it comes from, in a stable order."""
    found: dict[str, list[str]] = {}

    def add(msgid: str, where: str) -> None:
        if msgid:
            found.setdefault(msgid, []).append(where)

    for msgid, where in _template_messages(templates):
        add(msgid, where)
    for text in labels.messages():
        add(text, "labels")
    for spec in check_catalog():
        add(spec.title, f"check {spec.code} title")
        add(spec.why, f"check {spec.code} why")
        add(spec.fix, f"check {spec.code} fix")
    for msgid, where in _finding_messages():
        add(msgid, where)
    return found


def update(templates: Path) -> list[Path]:
    """Write the .pot and merge it into every .po of `templates/locale`; returns the files."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    locale_dir = templates / "locale"
    pot = Catalog(project="seolog", domain=DOMAIN, charset="utf-8")
    for msgid, places in messages(templates).items():
        pot.add(msgid, auto_comments=places[:3])
    written = [locale_dir / f"{DOMAIN}.pot"]
    with written[0].open("wb") as f:
        write_po(f, pot, width=100, omit_header=False, sort_output=False)
    for po_path in sorted(locale_dir.glob("*.po")):
        with po_path.open("rb") as f:
            po = read_po(f)
        po.update(pot, no_fuzzy_matching=True)
        with po_path.open("wb") as f:
            write_po(f, po, width=100, ignore_obsolete=True)
        written.append(po_path)
    return written


if __name__ == "__main__":
    from seolog.reports.render import package_templates

    for path in update(package_templates()):
        sys.stdout.write(f"wrote {path}\n")
