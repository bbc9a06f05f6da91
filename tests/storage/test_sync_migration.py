"""Migration 0009: the sync history stored before is kept per the platform site the login
recorded; without a record it stays unkeyed, for the next push to adopt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from seolog.storage.db import migrate
from tests.migrations import downgrade_to, upgrade_to

NOW = "2026-11-01 10:00:00.000000"


def _add_shop(conn: Any) -> None:
    """The site the sync rows belong to (ID 1)."""
    conn.execute(
        text(
            "INSERT INTO sites (id, uuid, name, root_url, active, created_at, updated_at) "
            "VALUES (1, 'u1', 'shop', 'https://shop.test/', 1, :now, :now)"
        ),
        {"now": NOW},
    )


def test_rows_get_the_platform_site_the_login_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/seolog.db"
    upgrade_to(url, "0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        _add_shop(conn)
        conn.execute(
            text(
                "INSERT INTO sync_accounts (site_id, api_url, platform_site_id, created_at, "
                "updated_at) VALUES (1, 'https://a.test/api/v1', 7, :now, :now)"
            ),
            {"now": NOW},
        )
        for api in ("https://a.test/api/v1", "https://ci.test/api/v1"):  # ci: no login
            conn.execute(
                text(
                    "INSERT INTO sync_pages (site_id, api_url, url, page_id, synced_at) "
                    "VALUES (1, :api, 'https://shop.test/', 101, :now)"
                ),
                {"api": api, "now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO sync_outbox (site_id, api_url, url, wp_post_id, page, seo_data, "
                    "state, attempts, created_at, updated_at) VALUES (1, :api, "
                    "'https://shop.test/', 2, '{}', '{}', 'sent', 0, :now, :now)"
                ),
                {"api": api, "now": NOW},
            )
    migrate(engine)
    with engine.connect() as conn:
        for table in ("sync_pages", "sync_outbox"):
            found = conn.execute(text(f"SELECT api_url, platform_site_id FROM {table}"))
            rows = {api: platform for api, platform in found}
            assert rows == {"https://a.test/api/v1": 7, "https://ci.test/api/v1": None}
    engine.dispose()


def test_a_downgrade_keeps_one_platform_sites_history_per_api(tmp_path: Path) -> None:
    """Unkeyed rows beside keyed ones for the same URL (an environment key's history, then a
    login's) would break the narrower constraints of 0008: the downgrade keeps the lowest known
    platform site's rows, and unkeyed ones only where none is known."""
    url = f"sqlite:///{tmp_path}/seolog.db"
    upgrade_to(url, "0009")
    engine = create_engine(url)
    a, ci = "https://a.test/api/v1", "https://ci.test/api/v1"
    with engine.begin() as conn:
        _add_shop(conn)
        for api, platform, page_id in ((a, None, 100), (a, 9, 109), (a, 7, 107), (ci, None, 200)):
            values = {"api": api, "platform": platform, "page_id": page_id, "now": NOW}
            conn.execute(
                text(
                    "INSERT INTO sync_pages (site_id, api_url, platform_site_id, url, page_id, "
                    "synced_at) VALUES (1, :api, :platform, 'https://shop.test/', :page_id, :now)"
                ),
                values,
            )
            conn.execute(
                text(
                    "INSERT INTO sync_outbox (site_id, api_url, platform_site_id, url, wp_post_id, "
                    "page, seo_data, state, attempts, platform_page_id, created_at, updated_at) "
                    "VALUES (1, :api, :platform, 'https://shop.test/', 2, '{}', '{}', 'sent', 0, "
                    ":page_id, :now, :now)"
                ),
                values,
            )
    engine.dispose()
    downgrade_to(url, "0008")
    engine = create_engine(url)
    with engine.connect() as conn:
        pages = dict(conn.execute(text("SELECT api_url, page_id FROM sync_pages")).all())
        outbox = dict(conn.execute(text("SELECT api_url, platform_page_id FROM sync_outbox")).all())
    engine.dispose()
    assert pages == outbox == {a: 107, ci: 200}
