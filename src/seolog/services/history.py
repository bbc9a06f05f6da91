"""A site's scans over time, like for like: the trend a report charts and the two scans a period
compares ("fixed this month"), chosen among complete scans of the same scope (`seolog.scope`).

A quick 5-page test scan or a subtree scan lands in the same history as the monthly full scans;
charted or compared with them, it reads as a collapse or a burst of fixes that never happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from seolog.context import AppContext
from seolog.scope import ScanScope
from seolog.services.results import scope_of
from seolog.storage import repo
from seolog.storage.db import session_scope
from seolog.storage.models import Scan


def _point(scan: Scan) -> dict[str, Any]:
    return {
        "id": scan.id,
        "score": scan.score,
        "completed_at": scan.completed_at.isoformat() if scan.completed_at else None,
    }


def _earlier(session: Session, scan: Scan, scope: ScanScope) -> tuple[list[Scan], list[Scan]]:
    """The site's completed scans before `scan`, and those of them it compares with (complete,
    of the same scope); both newest first."""
    earlier = repo.completed_scans(session, scan.site_id, before=scan.id)
    return earlier, [s for s in earlier if scope_of(s).not_comparable(scope) is None]


def comparable_history(ctx: AppContext, scan_id: int) -> list[dict[str, Any]]:
    """The scans a trend of `scan_id` may show: its site's completed, complete scans of the same
    scope up to it, oldest first (`id`, `score`, `completed_at`). Only `scan_id` itself when it
    is partial."""
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:
            return []
        scope = scope_of(scan)
        if scope.partial:
            return [_point(scan)]
        _all, alike = _earlier(session, scan, scope)
        return [_point(s) for s in reversed(alike)] + [_point(scan)]


@dataclass(frozen=True)
class Previous:
    """The scan a new one compares with, or why there is none to compare with."""

    scan_id: int | None
    reason: str | None = None  # when scan_id is None and a comparison was expected


def previous_comparable(ctx: AppContext, scan_id: int) -> Previous:
    """The latest complete scan of the same site and scope before this one. A partial scan
    compares with nothing (its findings are a sample); when earlier scans exist but none has
    the same scope, the reason names how the latest of them differs."""
    with session_scope(ctx.engine) as session:
        scan = repo.scan_by_id(session, scan_id)
        if scan is None:
            return Previous(None)
        scope = scope_of(scan)
        if scope.partial:
            return Previous(None, f"not compared: this scan {scope.partial_reason} (partial)")
        earlier, alike = _earlier(session, scan, scope)
        if alike:
            return Previous(alike[0].id)
        if not earlier:
            return Previous(None)
        latest = earlier[0]
        why = scope_of(latest).not_comparable(scope, f"scan {latest.id}", "this scan")
        return Previous(None, f"no earlier scan of the same scope ({why})")


@dataclass(frozen=True)
class PeriodScans:
    """The two scans a period compares: the last complete one before it (or, in a site's first
    period, the first inside it) and the last complete one inside it, of the same scope."""

    before: int | None
    after: int | None
    note: str | None = None  # why nothing is compared, when there is a scan but no pair


def period_scans(ctx: AppContext, site_id: int, start: datetime, end: datetime) -> PeriodScans:
    """The scans whose difference is what changed between `start` and `end`: none when no
    complete scan was made in the period (then `note` says why when a partial one was)."""
    with session_scope(ctx.engine) as session:
        done = [s for s in repo.completed_scans(session, site_id) if s.completed_at is not None]
        until_end = [s for s in done if _when(s) <= end]  # newest first
        scopes = {s.id: scope_of(s) for s in until_end}
        inside = [s for s in until_end if _when(s) >= start]
        complete_inside = [s for s in inside if not scopes[s.id].partial]
        if not complete_inside:
            if inside:
                latest = inside[0]
                reason = scopes[latest.id].partial_reason
                return PeriodScans(None, None, f"not compared: scan {latest.id} {reason}")
            return PeriodScans(None, None)
        after = complete_inside[0]
        scope = scopes[after.id]
        others = [s for s in until_end if s.id != after.id and not scopes[s.id].partial]
        alike = [s for s in others if scopes[s.id].not_comparable(scope) is None]
        before = [s for s in alike if _when(s) < start]
        if before:
            return PeriodScans(before[0].id, after.id)
        first = [s for s in alike if _when(s) >= start]
        if first:  # the site's first period: from its first comparable scan in it
            return PeriodScans(first[-1].id, after.id)
        if others:
            other = others[0]
            why = scopes[other.id].not_comparable(scope, f"scan {other.id}", f"scan {after.id}")
            return PeriodScans(None, after.id, why)
        return PeriodScans(None, after.id)


def _when(scan: Scan) -> datetime:
    assert scan.completed_at is not None
    return scan.completed_at
