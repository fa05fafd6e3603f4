"""How the plans over a row a day or a week (the reports' frames) are collected.

polars 2 collects with its streaming engine unless told otherwise, after its query optimizer; on
frames of tens to hundreds of rows both cost more than the work: the day summary of one week's
report took 8.9-11 ms of CPU streamed, 4.7 ms in memory and 2.7 ms in memory unoptimized
(bench/README.md, one week's report against main before issue 11). The caches' classification
of every minute of 183 days at a time runs in memory too, optimized (`collect_in_memory`: ~190
against ~220 ms of CPU streamed for the chunks of a 5-year rebuild); a day's curve keeps the defaults.
"""

from __future__ import annotations

import polars as pl

_IN_MEMORY = pl.InMemoryEngine()


def collect_day_rows(plan: pl.LazyFrame) -> pl.DataFrame:
    """`plan` (over a row a day or a week) run by the in-memory engine as written, unoptimized."""
    return plan.collect(engine=_IN_MEMORY, optimizations=pl.QueryOptFlags.none())


def collect_in_memory(plan: pl.LazyFrame) -> pl.DataFrame:
    """`plan` (over every minute of days) run by the in-memory engine, after the query optimizer."""
    return plan.collect(engine=_IN_MEMORY)
