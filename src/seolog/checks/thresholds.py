"""The numbers checks compare against. Defaults follow common SEO practice; each is documented
here once and shown by `seolog checks list` and `seolog checks explain`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from seolog.checks.registry import did_you_mean
from seolog.errors import NotFoundError, UsageError

# Thresholds with a narrower range than "0 or more": (lowest, highest).
RANGES = {"near_duplicate_percent": (90, 100)}  # lower makes the comparison too costly


def range_problem(name: str, value: int) -> str | None:
    """Why `value` is out of range for threshold `name`, or None."""
    low, high = RANGES.get(name, (0, None))
    if value < low or (high is not None and value > high):
        return f"must be {low} to {high}" if high is not None else f"must be {low} or more"
    return None


@dataclass(frozen=True)
class Thresholds:
    # Below ~30 characters a title says too little.
    title_min_chars: int = 30
    # No longer decides title-too-long: title_max_px does, because 580 px holds 30 letters W or
    # 130 letters i. Still accepted so existing configs, flags and stored scans keep working, and
    # reported as `max` next to the character count in the finding's details.
    title_max_chars: int = 60
    # Google publishes no limit. Desktop results set the title in 20 px Arial and cut it with an
    # ellipsis at about 580 px, the width SERP-preview tools commonly measure against (issue 14).
    title_max_px: int = 580
    # Below ~70 characters a snippet leaves Google to write its own.
    description_min_chars: int = 70
    # Like title_max_chars: accepted and reported, description_max_px decides.
    description_max_chars: int = 160
    # Desktop snippets are set in 14 px Arial and cut at about 920 px, the common figure of the
    # same SERP-preview tools (some use up to 990); again not a limit Google publishes.
    description_max_px: int = 920
    # Screaming Frog's "low content" default: under 200 words rarely answers a query.
    thin_content_words: int = 200
    # Lighthouse flags a server response (time to first byte) over 600 ms.
    slow_response_ms: int = 600
    # HTML alone, not its assets; Googlebot stops reading at 15 MB, users suffer long before.
    max_html_bytes: int = 1_048_576
    # Links on one page before each passes little value and crawlers may skip some.
    max_links_per_page: int = 300
    # Clicks from the start page; deeper pages are crawled less and rank worse.
    max_click_depth: int = 4
    # Main contents this alike (share of SimHash bits equal) are near-duplicates: 95 allows 3 of
    # 64 bits to differ, the distance Manku et al. found for near-duplicate web pages (WWW 2007).
    near_duplicate_percent: int = 95
    # Screaming Frog's "over 100 characters" and Sitebulb's 115 are both common; long URLs get
    # cut in results and are hard to share. 115 flags the clearly long ones.
    max_url_length: int = 115
    # Query parameters in one URL: more usually means faceted or tracking URLs that multiply pages.
    max_url_parameters: int = 3
    # An image over 200 KiB is worth compressing or resizing (Lighthouse's "efficiently encode
    # images" starts saving at a few KiB; 200 KiB keeps the finding for the heavy ones).
    max_image_kib: int = 200

    @staticmethod
    def describe() -> dict[str, str]:
        return {
            "title_min_chars": "shortest title, in characters",
            "title_max_chars": "reference title length, in characters, reported with "
            "title-too-long findings (title_max_px decides)",
            "title_max_px": "widest title, in px of 20 px Arial (desktop results)",
            "description_min_chars": "shortest meta description, in characters",
            "description_max_chars": "reference meta description length, in characters, "
            "reported with meta-description-too-long findings (description_max_px decides)",
            "description_max_px": "widest meta description, in px of 14 px Arial (desktop)",
            "thin_content_words": "fewest words of body text",
            "slow_response_ms": "slowest response (time to first byte), in ms",
            "max_html_bytes": "largest HTML document, in bytes",
            "max_links_per_page": "most links on one page",
            "max_click_depth": "deepest page, in clicks from the start URL",
            "near_duplicate_percent": "how alike two main contents are to be near-duplicates, "
            "in % of fingerprint bits (90-100)",
            "max_url_length": "longest URL, in characters",
            "max_url_parameters": "most query parameters in one URL",
            "max_image_kib": "largest image, in KiB",
        }

    def to_stored(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_stored(cls, data: dict[str, Any] | None) -> Thresholds:
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in (data or {}).items() if k in known})

    def with_overrides(self, pairs: list[str]) -> Thresholds:
        """Apply `name=value` strings from the command line."""
        values = self.to_stored()
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or not name:  # malformed, a usage mistake (2)
                example = f"{name}={values[name]}" if name in values else "title_max_px=600"
                raise UsageError(
                    f"--threshold {pair.strip()!r}: expected NAME=NUMBER",
                    hint=f"e.g. --threshold {example}; names: `seolog checks list --thresholds`",
                )
            if name not in values:  # a name that does not exist (3), as an unknown check code
                raise NotFoundError(
                    f"unknown threshold {name!r}",
                    hint=did_you_mean(name, values, "`seolog checks list --thresholds`"),
                )
            try:
                number = int(raw.strip().replace("_", ""))
            except ValueError:
                raise UsageError(
                    f"threshold {name} needs a whole number, not {raw.strip()!r}",
                    hint=f"e.g. --threshold {name}={values[name]}",
                ) from None
            if (problem := range_problem(name, number)) is not None:
                raise UsageError(f"threshold {name} {problem}", hint=f"e.g. {name}={values[name]}")
            values[name] = number
        return Thresholds(**values)
