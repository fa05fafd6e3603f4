"""The polars engine that runs the plans over a row a day or a week (the reports' frames).

polars 2 collects with its streaming engine unless told otherwise; on frames of tens to hundreds of
rows its set-up costs more than the work: the day summary of one week's report took 8.9-11 ms of
CPU on it, 4.7 ms in memory (bench/README.md, one week's report against main before issue 11).
Plans over every minute of days (the caches' refresh, a day's curve) keep the default.
"""

from __future__ import annotations

import polars as pl

DAY_ROWS = pl.InMemoryEngine()
