"""The store: engine, tables, migrations and the only queries."""
