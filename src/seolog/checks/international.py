"""Language and hreflang on a page; the return-link rule is a site check (see site.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from seolog.checks.facts import content_with, is_content
from seolog.checks.registry import Hit, page_check
from seolog.checks.thresholds import Thresholds
from seolog.domain import CrawledPage, Severity
from seolog.wording import say

# Google reads hreflang as an ISO 639-1 language, optionally an ISO 15924 script, optionally an
# ISO 3166-1 alpha-2 region (or 419, Latin America), or x-default.
_LANGUAGES = (  # the standard's table, compact so it is easy to compare
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu "
    "hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb "
    "lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om "
    "or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw "
    "ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
)
ISO_639_1 = frozenset(_LANGUAGES.split())
_REGIONS = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
    "ZW 419"
)
ISO_3166_1 = frozenset(_REGIONS.split())
_SCRIPT = re.compile(r"^[A-Za-z]{4}$")


def hreflang_problem(value: str) -> str | None:
    """Why an hreflang value is not one Google understands, or None when it is fine."""
    v = value.strip()
    if v.lower() == "x-default":
        return None
    if not v:
        return say("empty value")
    parts = v.replace("_", "-").split("-")
    if "_" in v:
        return say("uses '_'; subtags are joined with '-'")
    lang, rest = parts[0].lower(), parts[1:]
    if lang not in ISO_639_1:
        return say("{code} is not an ISO 639-1 language code", code=repr(parts[0]))
    if rest and _SCRIPT.match(rest[0]):
        rest = rest[1:]
    if len(rest) > 1:
        return say("too many subtags")
    if rest:
        region = rest[0].upper()
        if region == "UK":
            return say("'UK' is not a region code; the United Kingdom is 'GB'")
        if region not in ISO_3166_1:
            return say("{code} is not an ISO 3166-1 alpha-2 region code", code=repr(rest[0]))
    return None


@page_check(
    code="html-lang-missing",
    family="international",
    applies=is_content,
    severity=Severity.WARNING,
    title="No lang attribute on <html>",
    why="The lang attribute tells browsers, screen readers and search engines the page's "
    "language; translation prompts and pronunciation depend on it.",
    fix='Set it on the root element, e.g. <html lang="en">.',
)
def html_lang_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if is_content(page) and page.snapshot is not None and not (page.snapshot.lang or "").strip():
        yield Hit(
            say("<html> has no lang attribute")
            if page.snapshot.lang is None
            else say("lang is empty")
        )


@page_check(
    code="hreflang-invalid",
    family="international",
    applies=content_with(lambda s: s.hreflang),
    severity=Severity.ERROR,
    title="Invalid hreflang value",
    why="Search engines ignore an alternate whose language code they cannot read, so the wrong "
    "language version may be shown to users.",
    fix="Use a language code (ISO 639-1), optionally with a region (ISO 3166-1), e.g. en-GB, "
    "or x-default.",
    lighthouse="hreflang (Document has a valid hreflang)",
)
def hreflang_invalid(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None:
        return
    bad = []
    for entry in page.snapshot.hreflang:
        problem = hreflang_problem(entry.get("lang", ""))
        if problem is not None:
            bad.append(
                {"hreflang": entry.get("lang", ""), "url": entry.get("url"), "problem": problem}
            )
    if bad:
        if len(bad) == 1:  # the usual case: its problem is a message of its own, translated too
            said = say(
                "1 invalid hreflang value(s): {value}: {problem}",
                value=repr(bad[0]["hreflang"]),
                problem=bad[0]["problem"],
            )
        else:  # the list is one value; "{value}: {problem}" alone would match any text
            listed = "; ".join(f"{b['hreflang']!r}: {b['problem']}" for b in bad[:3])
            said = say("{count} invalid hreflang value(s): {listed}", count=len(bad), listed=listed)
        yield Hit(said, {"invalid": bad})


@page_check(
    code="hreflang-x-default-missing",
    family="international",
    applies=content_with(lambda s: s.hreflang),
    severity=Severity.NOTICE,
    title="hreflang set without x-default",
    why="x-default names the page for users whose language matches none of the alternates.",
    fix='Add <link rel="alternate" hreflang="x-default" href="…"> to every page of the set.',
)
def hreflang_x_default_missing(page: CrawledPage, t: Thresholds) -> Iterator[Hit]:
    if not is_content(page) or page.snapshot is None or not page.snapshot.hreflang:
        return
    if not any(e.get("lang", "").strip().lower() == "x-default" for e in page.snapshot.hreflang):
        yield Hit(
            say(
                "{count} hreflang alternates, none x-default",
                count=len(page.snapshot.hreflang),
            )
        )
