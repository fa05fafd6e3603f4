"""The week the dashboard drew last, kept so the next start draws its first frame before polars and the
analytics load, then replaces it with the week's report computed afresh (stale-while-revalidate;
docs/architecture.md, The first frame). Nothing here imports polars.

A kept week names what it was computed for: its week, its "today", a fingerprint of the settings
(the analytics settings, the whole config), of the report's shape and of the store's schema, and
the store's data generation its report read (store/snapshots.py). `kept_week` gives it back only
for the same week, today and fingerprint: as current when the generation is still the same, else
as stale (the data changed since: shown labelled with its time, never as current). A kept week
that does not read back as a WeekReport (damaged, or an older shape) is not used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import date

from wearsync.config import Config, as_dict
from wearsync.reports.models import WeekReport, as_json, from_json, shape
from wearsync.reports.params import analytics_params
from wearsync.store import MIGRATIONS, Store, snapshots


@dataclass(frozen=True)
class KeptWeek:
    report: WeekReport
    current: bool  # False: the store changed since it was computed
    computed_at: float  # Unix time


def fingerprint(store: Store, config: Config) -> str:
    """What a week report depends on besides the store's data and its week and today."""
    params = dataclasses.asdict(analytics_params(store, config))
    settings = [params, as_dict(config), shape(WeekReport), len(MIGRATIONS)]
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


def keep(store: Store, report: WeekReport, fingerprint: str, generation: int) -> bool:
    """Keep `report` (computed with `fingerprint`, having read the store at `generation`) for the next
    start; False when it was not kept (the store busy, or its table damaged: it is only a copy)."""
    try:
        return snapshots.save(
            store.conn,
            week_start=report.week_start.isoformat(),
            as_of=report.as_of.isoformat(),
            fingerprint=fingerprint,
            generation=generation,
            report=json.dumps(as_json(report)),
        )
    except sqlite3.DatabaseError:
        return False


def kept_week(store: Store, config: Config, week_start: date, today: date) -> KeptWeek | None:
    """The kept report of the week starting `week_start`, if it was computed for `today` with the
    settings of now; None otherwise, or when it does not read back."""
    try:
        kept = snapshots.read(store.conn)
    except sqlite3.DatabaseError:  # a damaged or missing table is no snapshot
        return None
    if kept is None or (kept.week_start, kept.as_of) != (week_start.isoformat(), today.isoformat()):
        return None
    if kept.fingerprint != fingerprint(store, config):
        return None
    try:
        report = from_json(WeekReport, json.loads(kept.report))
    except (TypeError, ValueError):  # json.JSONDecodeError is a ValueError
        return None
    return KeptWeek(report, current=kept.generation == kept.generation_now, computed_at=kept.computed_at)
