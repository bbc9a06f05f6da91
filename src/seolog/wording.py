"""Finding messages as templates a translator can see.

A check words its finding with `say("title is {length} characters (min {min})", length=…)`, and
so does the crawl for the reasons that end up in findings ("no answer within 10s"): the template
(not the filled-in text) is a message id of the report catalogs, which
`python -m seolog.reports.catalog` collects from every `say("…")` and `term("…")` in seolog. Scans store
the English text; a report in another language matches that text back against the templates
(`seolog.reports.wording`), so a scan stored before a translation existed reads translated too,
and nothing about findings changes in the store, the JSON or the CLI.
"""

from __future__ import annotations


def say(template: str, /, **values: object) -> str:
    """`template` with its `{name}`s filled in. Every name appears once, with no format spec
    (format a number before: `size=f"{size:,}"`), so the text can be matched back."""
    return template.format(**values)


def term(text: str) -> str:
    """A word or phrase that fills another message's `{slot}` ("meta description"): marked so it
    reaches the catalog; a report translates it where it fills a slot."""
    return text
