"""Undo: what is stored, and taking a recording (a weight file's weigh-ins with it), a Garmin day or
an intake entry back out.

Forgetting leaves the store as if the thing had never been imported: its rows go (they
cascade from the recording), the FIT wellness of the days it covered is computed again from
what remains, its original is removed once no recording refers to it, and the analytics
caches rebuild the days it fed on the next report (the refresh sees its unit disappear).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from wearsync.errors import UnknownRecording
from wearsync.store import Store, garmin_kinds, hr_series, intake, monitoring_series, recordings, wellness
from wearsync.store import forget as stored
from wearsync.sync import garmin_day_words, garmin_state
from wearsync.sync.wellness import recompute_fit_wellness
from wearsync.unix_days import day_of

GARMIN_DAY = re.compile(r"garmin:(\d{4}-\d{2}-\d{2})")


@dataclass
class StoredItem:
    """One recording (or one day of Garmin Connect data) as `wearsync recordings` lists it."""

    id: str  # the recording id, or "garmin:YYYY-MM-DD"
    source: str  # 'file', 'garmin' (a Garmin activity's FIT file) or 'garmin day'
    path: str  # where it was first seen
    device: str | None
    local_days: list[str] = field(default_factory=list)
    outcome: str = ""  # 'imported' or 'skipped', with the reason or warnings
    imported_at: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


def garmin_days_in_words(store: Store) -> list[tuple[str, int, str]]:
    """Every pulled Garmin day, oldest first: (day, when last asked, what it holds per kind in words)."""
    nutrition = garmin_state.nutrition_available(store)
    return [
        (day.local_day, day.fetched_at, garmin_day_words.describe(day, nutrition=nutrition))
        for day in garmin_kinds.day_overviews(store.conn)
    ]


def stored_items(store: Store, *, day: date | None = None, path: str | None = None) -> list[StoredItem]:
    """Every recording and Garmin day, newest first; only those covering `day` / whose path holds `path`."""
    conn = store.conn
    days = recordings.recording_days(conn)
    for rid, low, high in hr_series.recording_spans(conn):
        first, last = day_of(low), day_of(high)
        days.setdefault(rid, set()).update(
            (first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)
        )
    items = [
        StoredItem(
            str(rid),
            source,
            label,
            _device(manufacturer, product, serial),
            sorted(days.get(rid, ())),
            status + (f": {reason}" if reason else ""),
            imported_at,
        )
        for rid, source, label, manufacturer, product, serial, status, reason, imported_at in recordings.recording_list(
            conn
        )
    ]
    items += [
        StoredItem(f"garmin:{local_day}", "garmin day", "Garmin Connect", None, [local_day], words, fetched_at)
        for local_day, fetched_at, words in garmin_days_in_words(store)
    ]
    if day is not None:
        items = [i for i in items if day.isoformat() in i.local_days]
    if path is not None:
        items = [i for i in items if path in i.path]
    return sorted(items, key=lambda i: (i.imported_at or 0, i.id), reverse=True)


def resolve(store: Store, names: list[str]) -> list[StoredItem]:
    """The stored items named by id, by the path they were imported from, or as garmin:DATE."""
    items = stored_items(store)
    by_id = {i.id: i for i in items}
    chosen: dict[str, StoredItem] = {}
    for name in names:
        matches = [by_id[name]] if name in by_id else [i for i in items if i.path == name]
        if not matches and Path(name).is_file():  # a copy of the file, wherever it was imported from
            sha = hashlib.sha256(Path(name).read_bytes()).hexdigest()
            known = recordings.recording_by_sha(store.conn, sha)
            matches = [by_id[str(known.id)]] if known else []
        if not matches:
            raise UnknownRecording(f"{name}: no stored recording has this id or path (see `wearsync recordings`)")
        chosen.update((i.id, i) for i in matches)
    return list(chosen.values())


def forget(store: Store, items: list[StoredItem]) -> list[str]:
    """Remove `items` and everything they brought, in one transaction; returns the local days touched."""
    touched: set[str] = set()
    recording_ids = [int(i.id) for i in items if i.id.isdigit()]
    garmin_days = [match.group(1) for i in items if (match := GARMIN_DAY.fullmatch(i.id))]
    with store.transaction() as conn:
        for rid in recording_ids:  # their originals go after the commit (store/originals.py)
            monitoring_days = monitoring_series.monitoring_days(conn, rid)
            stored.forget_recording(conn, rid)
            _fit_wellness_again(conn, monitoring_days)
            touched |= monitoring_days
        for day in garmin_days:
            stored.forget_garmin_day(conn, day)
            touched.add(day)
        recordings.log_imports(
            conn,
            [
                {
                    "at": int(time.time()),
                    "source": i.source,
                    "path": i.path,
                    "outcome": "forgotten",
                    "message": f"recording {i.id}",
                }
                for i in items
            ],
        )
    for item in items:
        touched.update(item.local_days)
    return sorted(touched)


def remove_intake(store: Store, day: date) -> int | None:
    """Remove the person's own intake entry of `day`; returns the kcal removed (None: there was none)."""
    with store.transaction() as conn:
        return intake.remove_own_intake(conn, day)


def _fit_wellness_again(conn, days: set[str]) -> None:
    """The FIT wellness of `days` from the monitoring values left; a day with none has no FIT row."""
    left = monitoring_series.days_with_monitoring(conn, days)
    recompute_fit_wellness(conn, left)
    wellness.forget_wellness(conn, days - left, "fit")


def _device(manufacturer: int | None, product: int | None, serial: int | None) -> str | None:
    if manufacturer is None and product is None:
        return None
    from fitparse.profile import FIELD_TYPES  # the FIT profile's names, loaded only to list

    maker = FIELD_TYPES["manufacturer"].values.get(manufacturer, manufacturer)
    model = FIELD_TYPES["garmin_product"].values.get(product, product) if maker == "garmin" else product
    return " ".join(str(p) for p in (maker, model) if p is not None) + (f" (serial {serial})" if serial else "")
