"""Page text is stored at a sane length: a 2 MB <title> does not become a 2 MB row, while the
checks still judge (and report) its real length."""

from __future__ import annotations

import json

from seolog.domain import MAX_STORED_TEXT


def test_a_two_megabyte_title_is_stored_capped_and_still_judged(server, cli, db) -> None:
    title = "Big " * 500_000  # 2,000,000 characters
    h1 = "Heading " * 50_000
    server.page(
        "/",
        title=title,
        body=f"<h1>{h1}</h1><h2>{h1}</h2><p>text</p>",
        head=f'<meta name="description" content="{"d" * 1_000_000}">',
    )
    r = cli("scan", server.url(), "--no-sitemaps", "-f", "json")
    assert r.exit_code == 0, r.stderr
    (row,) = db("SELECT title, meta_description, h1, h2 FROM pages")
    assert len(row.title) <= MAX_STORED_TEXT and row.title.startswith("Big Big")
    assert len(row.meta_description) <= MAX_STORED_TEXT
    for stored in (row.h1, row.h2):
        texts = json.loads(stored) if isinstance(stored, str) else stored
        assert texts and all(len(t) <= MAX_STORED_TEXT for t in texts)
    (long,) = [i for i in r.json()["issues"] if i["code"] == "title-too-long"]
    assert f"{len(title.strip())} characters" in long["message"], long["message"]
    assert long["details"]["length"] == len(title.strip())
    assert len(json.dumps(long["details"])) < 2 * MAX_STORED_TEXT
    assert len(r.stdout) < 100_000  # nothing carries the whole title along
