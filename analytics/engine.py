"""The polars engine that runs the plans over a row a day or a week (the reports' frames).

polars 2 collects with its streaming engine unless told otherwise; on frames of tens to hundreds of
rows its set-up costs more than the work: one week's report spent half of its CPU time there
(bench/analytics_bench.py --week-only). The in-memory engine runs such a plan in a third of the
time, and sums in one fixed order. Plans over every minute of days (the caches' refresh, a day's
curve) keep the default.
"""

from __future__ import annotations

import polars as pl

DAY_ROWS = pl.InMemoryEngine()
