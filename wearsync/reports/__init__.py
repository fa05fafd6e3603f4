"""The read side: the analytics cache (cache.py), the analytics settings of a store (params.py), and
the reports the CLI and the dashboard show, as typed models (models.py; docs/reports.md): a day
(day.py), weeks and their history (week.py, from the daily frame in days.py and weight.py), a day's
heart-rate curve (curve.py)."""
