"""The stored source names a rule tells apart (no polars here: the store imports this too).

Intake and weigh-ins come from devices and services ('fit', 'garmin') or from the person: typed in
('manual') or read from their CSV file ('csv'). Of the person's own entries one per day counts, the
latest; it wins over a device's value of the same day (docs/metrics.md, Energy; Weigh-ins).
"""

OWN_SOURCES = ("manual", "csv")
