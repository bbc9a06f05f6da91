"""The JSON document streams from the store to its file (a million-page scan is never held
whole), byte for byte what `json.dumps` of the whole document wrote, and all or nothing."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from seolog.context import AppContext
from seolog.domain import Severity
from seolog.errors import UsageError
from seolog.files import atomic_write_chunks
from seolog.output import unicode_text
from seolog.output.jsonout import chunks
from seolog.services.results import StoredRows, issue_doc, page_doc, scan_document
from seolog.storage import audit as store
from seolog.storage import repo
from seolog.storage.db import session_scope
from tests.checks.test_audit_end_to_end import _site
from tests.server import FixtureServer, Response


def _whole(doc: dict) -> str:
    """The document as seolog wrote it before it streamed: one json.dumps of it all."""
    return unicode_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str)) + "\n"


def test_the_streamed_document_is_byte_for_byte_the_whole_one(
    server: FixtureServer, cli, store_url, tmp_path: Path
):
    _site(server)
    # Text JSON must escape or keep as is: quotes, a newline, a tab, non-ASCII, an emoji.
    server.routes["/thin"] = Response(
        body='<!doctype html><html lang="nl"><head><title>"Tuin" \\ gereedschap\t– ü 🌱</title>'
        "</head><body><h1>Line\nbreak</h1><p>Kort.</p></body></html>"
    )
    r = cli("scan", server.url(), "--format", "json")
    assert r.exit_code == 0, r.stderr
    ctx = AppContext(db_url=store_url)
    listed = scan_document(ctx, 1)
    with session_scope(ctx.engine) as session:  # as documents were built from ORM objects
        assert listed["pages"] == [page_doc(p) for p in repo.pages_of_scan(session, 1)]
        assert listed["issues"] == [issue_doc(i) for i in store.issues_of_scan(session, 1)]
    whole = _whole(listed)
    doc = scan_document(ctx, 1, stream=True)
    assert isinstance(doc["pages"], StoredRows) and isinstance(doc["issues"], StoredRows)
    assert len(doc["pages"]) == len(json.loads(whole)["pages"]) > 10
    assert "".join(chunks(doc)) == whole
    assert r.stdout == whole  # --format json on stdout streams too

    shown = cli("scans", "show", "1", "--format", "json", "-o", str(tmp_path / "shown.json"))
    assert shown.exit_code == 0, shown.stderr
    assert (tmp_path / "shown.json").read_text(encoding="utf-8") == whole


class _Rows(Sequence):
    """A streamed part that is not a list (as StoredRows is not)."""

    def __init__(self, rows: list | None = None) -> None:
        self.rows = rows or []

    def __getitem__(self, i):
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.rows)


@pytest.mark.store_agnostic
def test_empty_and_nested_streamed_parts_are_laid_out_as_json_dumps_does():
    doc = {
        "schema": "x",
        "pages": _Rows(),
        "issues": _Rows([{"a": [1, {"b": None}], "c": "\ud800 \n"}, {}]),
        "summary": {"pages": {"total": 0}, "empty": []},
    }
    plain = {key: list(v) if isinstance(v, _Rows) else v for key, v in doc.items()}
    assert "".join(chunks(doc)) == _whole(plain)


def _value(rng: random.Random, depth: int = 0) -> object:
    """Anything a document holds: text with escapes and non-ASCII, numbers of every kind,
    nested and empty containers, and values json.dumps turns into text (default=str)."""
    kinds = ["str", "int", "float", "bool", "none", "date", "enum"]
    if depth < 3:
        kinds += ["dict", "list", "tuple"]
    kind = rng.choice(kinds)
    if kind == "str":
        return "".join(
            rng.choice('ab"\\\n\t\x00\x1fé–🌱\ud800 /') for _ in range(rng.randint(0, 8))
        )
    if kind == "int":
        return rng.choice([0, -1, 7, 2**70, -(2**63)])
    if kind == "float":
        return rng.choice(
            [0.0, -0.5, 1e300, 3.14159, 1e-7, float("nan"), float("inf"), -float("inf")]
        )
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "none":
        return None
    if kind == "date":
        return datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    if kind == "enum":
        return rng.choice(list(Severity))
    items = [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "dict":
        keys = [rng.choice(["url", "ü", 'q"k', "a\nb", "x"]) + str(i) for i in range(len(items))]
        if rng.random() < 0.1:
            return {1: items, None: "n", 2.5: True}  # keys json.dumps turns into text
        return dict(zip(keys, items, strict=True))
    return items if kind == "list" else tuple(items)


@pytest.mark.store_agnostic
@pytest.mark.parametrize("seed", range(30))
def test_any_row_is_laid_out_as_json_dumps_does(seed: int):
    rng = random.Random(seed)
    rows = [_value(rng) for _ in range(20)]
    doc = {"schema": "x", "pages": _Rows(rows), "summary": {"rows": rows[:3]}}
    plain = {key: list(v) if isinstance(v, _Rows) else v for key, v in doc.items()}
    assert "".join(chunks(doc)) == _whole(plain)


@pytest.mark.store_agnostic
def test_a_document_that_fails_half_way_leaves_the_last_good_file(tmp_path: Path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "scan.json"
    target.write_text("the last good document\n")

    def pieces():
        yield '{\n  "pages": ['
        raise UsageError("the store went away", hint="-")

    with pytest.raises(UsageError):
        atomic_write_chunks(target, pieces())
    assert target.read_text() == "the last good document\n"
    assert list(folder.iterdir()) == [target]  # no temporary file left behind
