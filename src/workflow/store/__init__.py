"""Persistence: typed records, engines and transactions, migrations."""
