"""The wearer as the sources state them: a FIT file's user profile and Garmin Connect's user
settings, normalised, gated (sync/gate.py) and kept in the store's state, one entry per source.

Sync only stores what a source says; analytics/params.py decides what wins (the config first,
then Garmin Connect, then the newest FIT file, then assumptions: docs/metrics.md, The wearer).
Each entry: {"source": "garmin" | "fit", "as_of": Unix time it describes, "sex", "birth_year",
"weight_kg", "resting_hr", "max_hr", "week_start" (Garmin Connect only: "monday" ... "sunday")}, a
value the source does not state left out.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from wearsync.config import WEEKDAYS
from wearsync.sync.gate import FIT_EPOCH, Gate, is_number

if TYPE_CHECKING:  # fit_content brings in numpy: reading the stored profiles (the dashboard's start) needs none
    from wearsync.sync.fit_content import FitContent

# State keys, in the order their values win after the config.
STATE_KEYS = {"garmin": "wearer.garmin", "fit": "wearer.fit"}
_GARMIN_SEX = {"FEMALE": "female", "MALE": "male"}


def from_fit(content: FitContent) -> dict | None:
    """A FIT file's user profile as a wearer entry (its age turned into a birth year as of the
    file's first time: the year may be one late), or None when the file states none."""
    wearer = content.wearer
    when = (
        content.start
        if content.start is not None
        else (content.time_created + FIT_EPOCH if content.time_created is not None else None)
    )
    if wearer is None or when is None or content.times_are_local:
        return None
    year = datetime.fromtimestamp(when, UTC).year
    entry = {
        "source": "fit",
        "as_of": when,
        "sex": wearer.sex,
        "birth_year": year - wearer.age if wearer.age is not None else None,
        "weight_kg": wearer.weight_kg,
        "resting_hr": wearer.resting_hr,
        "max_hr": wearer.max_hr,
    }
    return _stated(entry)


def from_garmin(settings: dict, now: float) -> tuple[dict | None, list[str]]:
    """Garmin Connect's user settings (the body of user-settings) as a wearer entry, and one line
    for each value that was there but not plausible."""
    user = settings.get("userData") if isinstance(settings, dict) else None
    if not isinstance(user, dict):
        return None, []
    gate = Gate(now)
    gender = user.get("gender")
    sex = _GARMIN_SEX.get(gender) if isinstance(gender, str) else None
    if gender is not None and sex is None:
        gate.drop("userData.gender")
    grams = user.get("weight")
    weight = gate.check_float(grams / 1000 if is_number(grams) else grams, "weight_kg", "userData.weight")
    entry = _stated(
        {
            "source": "garmin",
            "as_of": int(now),
            "sex": sex,
            "birth_year": _birth_year(user.get("birthDate"), now, gate),
            "weight_kg": weight,
            "resting_hr": None,
            "max_hr": None,
            "week_start": _week_start(user.get("firstDayOfWeek"), gate),
        }
    )
    return entry, [f"Garmin Connect's user settings: {line}" for line in gate.warnings()]


def _birth_year(birth: object, now: float, gate: Gate) -> int | None:
    """The year of a "YYYY-MM-DD" birth date whose age today is plausible."""
    if birth is None:
        return None
    try:
        year = date.fromisoformat(birth).year if isinstance(birth, str) else None
    except ValueError:
        year = None
    if year is None:
        gate.drop("userData.birthDate")
        return None
    age = gate.check(datetime.fromtimestamp(now, UTC).year - year, "age_years", "userData.birthDate")
    return None if age is None else year


def _week_start(first: object, gate: Gate) -> str | None:
    """The weekday name of Garmin's firstDayOfWeek ({"dayName": "sunday", ...})."""
    if first is None:
        return None
    name = first.get("dayName") if isinstance(first, dict) else None
    if not (isinstance(name, str) and name.lower() in WEEKDAYS):
        gate.drop("userData.firstDayOfWeek")
        return None
    return name.lower()


def _stated(entry: dict) -> dict | None:
    values = {key: value for key, value in entry.items() if value is not None}
    return values if set(values) - {"source", "as_of"} else None


def save(store, conn, entry: dict) -> None:
    """Keep `entry` inside the caller's transaction; a FIT entry only if it is the newest one."""
    key = STATE_KEYS[entry["source"]]
    if entry["source"] == "fit":
        kept = read_entry(store, key)
        if kept and kept.get("as_of", 0) > entry["as_of"]:
            return
    store.set_state(conn, key, json.dumps(entry, sort_keys=True))


def read_entry(store, key: str) -> dict | None:
    stored = store.get_state(key)
    try:
        entry = json.loads(stored) if stored else None
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def read_all(store) -> list[dict]:
    """The stored entries, in the order their values win."""
    return [entry for key in STATE_KEYS.values() if (entry := read_entry(store, key))]
