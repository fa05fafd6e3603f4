"""The SQLite store: the connection, the schema, the kept originals, and a module per group of
tables holding its writes and its reads. Outside this package no module holds SQL.

- connection: Store (open, read_copy, transaction, busy retries, context manager)
- migrations, strict_schema: the schema and its upgrades; originals: the kept source files
- state; recordings (recordings, activities, strength sets, import events); monitoring_series
  (the all-day monitoring values); forget (undoing imports); hr_series (+ series_codec);
  wellness; intake; weigh_ins; garmin (Garmin Connect pull state); sync_runs; analytics_caches; frames (rows to polars);
  listings (what the dashboard lists); snapshots (the data generation, the dashboard's kept week)
"""

from wearsync.store.connection import Store
from wearsync.store.migrations import DB_NAME, MIGRATIONS
from wearsync.store.originals import ORIGINALS

__all__ = ["DB_NAME", "MIGRATIONS", "ORIGINALS", "Store"]
