"""Rows of the store as polars frames, with declared schemas.

The table modules import this (and polars, and the analytics' schemas) inside their frame reads
only: the writers (the command line, the importer) start without polars.

Frames are built from cursor rows. Measured on the 5-year bench store (bench/analytics_bench.py
prints it again): `pl.read_database` and cursor rows cost the same within noise for these shapes
(e.g. 55k heart-rate rows: 0.15-0.20 s vs 0.11-0.15 s), and cursor rows need no type inference,
so a column that is NULL on every row keeps its type. Raw heart rate is the exception: millions
of readings, stored as packed columns (hr_series.py) and read from bytes to numpy to polars with
no Python object per reading. Not the ADBC driver: it brings its own copy of SQLite, and two
copies in one process break each other's POSIX locks on the same file
(sqlite.org/howtocorrupt.html 2.2.1; seen here as "locking protocol" errors).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date

import polars as pl

from wearsync.store.strict_schema import HR_SOURCES

# Source codes (indexes into HR_SOURCES, as the series and the minute cache store them) to names, by gather.
SOURCE_NAMES = pl.Series(HR_SOURCES, dtype=pl.String)
# The frame of activities the reports list (recordings.read_activities).
ACTIVITY_DETAIL_SCHEMA = pl.Schema(
    {
        "id": pl.Int64,
        "local_day": pl.Date,
        "sport": pl.String,
        "sub_sport": pl.String,
        "start_utc": pl.Int64,
        "elapsed_s": pl.Float64,
        "calories": pl.Int64,
        "avg_hr": pl.Int64,
        "max_hr": pl.Int64,
        "ascent_m": pl.Float64,
        "steps": pl.Int64,
        "utc_offset_s": pl.Int64,
    }
)


def query_frame(conn: sqlite3.Connection, sql: str, params: Mapping[str, object], schema: pl.Schema) -> pl.DataFrame:
    """The rows of `sql` as a frame whose columns are `schema` in order (ISO dates parsed)."""
    rows = conn.execute(sql, params).fetchall()
    raw = {name: (pl.String if dtype == pl.Date else dtype) for name, dtype in schema.items()}
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    dates = [name for name, dtype in schema.items() if dtype == pl.Date]
    return frame.with_columns(pl.col(dates).str.to_date()) if dates else frame


def day_range(first: date | None, last: date | None) -> dict[str, str]:
    """The named parameters :first and :last of local days first..last (None = open)."""
    return {"first": (first or date.min).isoformat(), "last": (last or date.max).isoformat()}
