"""Write src/seolog/storage/schema_sqlite.json: the schema Alembic's migrations make on SQLite.

    python tools/schema_snapshot.py          # after adding a migration

A new SQLite store is made from this snapshot (seolog.storage.snapshot) rather than by replaying
every migration; tests/storage/test_schema_snapshot.py says when it is out of date.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from seolog.storage import snapshot  # noqa: E402
from seolog.storage.db import make_engine, migrate_with_alembic  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'snapshot.db'}")
        try:
            migrate_with_alembic(engine)
            with engine.connect() as conn:
                data = snapshot.dump(conn)
        finally:
            engine.dispose()
    snapshot.SNAPSHOT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {snapshot.SNAPSHOT} (revision {data['revision']})")


if __name__ == "__main__":
    main()
