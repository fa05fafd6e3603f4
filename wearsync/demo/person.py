"""Demo data for `wearsync demo`: weeks of synthetic FIT files and a food log for a made-up person.

Everything here is invented and seeded: the same arguments give byte-identical files. The files are
laid out like a Garmin device's: `Activity/<local start yyyy-mm-dd-hh-mm-ss>.fit`, one all-day
`Monitor/<local yyyy-mm-dd>.fit` per day (the real vivosmart 4 names these by number; a date is
easier to read), `weight.csv` (date,weight,unit: her scale's morning readings, as a scale app
exports them) and `intake.csv` (date,kcal; days with nothing logged have no row).

The person trains in ISO weeks that are either "keen" (two or three runs, a bike ride, a brisk
walk: well over 150 goal minutes) or "busy" (a brisk walk, two strolls, maybe a short run: short
of 150), lifts 1-3 days a week, and climbs stairs: a few floors most days plus stairwell sessions
(recorded as fitness_equipment/stair_climbing; the watch's barometer counts those floors too).
She logs food on most days, usually at a 500 kcal deficit (but never below the floor), sometimes
over it, sometimes crash-dieting below 1,200 kcal.

She weighs herself most mornings. Her weight follows what she really eats (on unlogged days too)
against what she really burns, which is WATCH_OVERREAD_KCAL less than her watch says (wrist devices
misjudge free-living expenditure by hundreds of kcal: O'Driscoll et al. 2020), at 7,700 kcal a kg;
each reading adds the day-to-day water swing of a real scale. So the demo's weight trend measures an
expenditure below the watch's, and its real deficit is smaller than the one the watch scores.
"""

import csv
import io
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from wearsync.demo.fit_writer import MonitoringMinute, SetToWrite, activity_fit, monitoring_fit

BIRTH_YEAR = 1988  # age = calendar year - 1988; her watch's zones: HRmax = 220 - age (182 in 2026)
WEIGHT_KG = 68.0
HR_REST = 58
# The made-up person as the demo store keeps her (state key reports/params.py WEARER_KEY): reports on the
# demo store use her body, not the config's wearer (reports/params.py params_from_config).
WEARER = {"source": "demo", "sex": "female", "birth_year": BIRTH_YEAR, "resting_hr": HR_REST, "weight_kg": WEIGHT_KG}
UTC_OFFSET_S = 3600  # UTC+1 all year round: no daylight saving modelled
SERIAL = 3_981_204_517
# Harris-Benedict (revised) for a 68 kg, 170 cm tall woman in her mid-thirties.
RESTING_METABOLIC_RATE = 1450
INTAKE_FLOOR_KCAL = 1200
DEFICIT_TARGET_KCAL = 500
KCAL_PER_STEP = 0.04
WATCH_OVERREAD_KCAL = 250  # her watch says she burns this much more a day than she does
KCAL_PER_KG = 7700
WEIGH_IN_SHARE = 0.85  # mornings she steps on the scale
WATER_SWING_KG = 0.4  # SD of a morning reading about her true weight (water, food, salt)

_LOCAL = timezone(timedelta(seconds=UTC_OFFSET_S))
# Local start times (minutes after midnight) of the day's training slots.
_SLOTS = {"morning": 6 * 60 + 40, "lunch": 12 * 60 + 10, "evening": 17 * 60 + 40, "late": 19 * 60 + 10}
_SLOT_CHOICES = {
    "run": ("morning", "evening"),
    "walk": ("lunch", "evening"),
    "stroll": ("lunch", "evening"),
    "bike": ("morning", "evening"),
    "stairs": ("lunch", "evening"),
    "strength": ("late", "morning"),
}
_LIFTS = [
    ("squat", 35.0, 50.0),
    ("deadlift", 40.0, 60.0),
    ("bench_press", 25.0, 35.0),
    ("row", 20.0, 30.0),
    ("shoulder_press", 12.0, 20.0),
    ("lunge", 12.0, 20.0),
]


@dataclass(frozen=True)
class Session:
    """One workout of the made-up person, as her watch records it (1 s heart rate)."""

    kind: str
    start_s: int  # seconds after local midnight
    heart_rates: list[int | None]
    steps_per_s: float
    activity_type: str  # what the all-day monitor counts the session's steps and calories as
    ascent_m: float | None = None
    sets: list[SetToWrite] | None = None


def _age(day: date) -> int:
    return day.year - BIRTH_YEAR


def _hr_at(day: date, fraction_of_reserve: float) -> float:
    """Heart rate at a fraction of the heart-rate reserve (Karvonen)."""
    return HR_REST + fraction_of_reserve * (220 - _age(day) - HR_REST)


def _keytel_kcal_per_min(hr: float, day: date) -> float:
    """Keytel et al. 2005, women: gross energy expenditure at an exercise heart rate."""
    kj = -20.4022 + 0.4472 * hr - 0.1263 * WEIGHT_KG + 0.0740 * _age(day)
    return max(kj, 0.0) / 4.184


def _trace(rng: random.Random, segments: list[tuple[int, float]], start_hr: float) -> list[int | None]:
    """1 s heart rate easing towards each segment's target, with wander and optical dropouts."""
    hr, wander, out = start_hr, 0.0, []
    for seconds, target in segments:
        for _ in range(seconds):
            # HR rises faster than it recovers.
            hr += (target - hr) / (20 if target > hr else 45)
            wander = 0.98 * wander + rng.gauss(0, 0.5)
            out.append(round(hr + wander))
    readings: list[int | None] = list(out)
    for _ in range(rng.randint(0, 2)):
        at = rng.randrange(len(readings))
        for i in range(at, min(at + rng.randint(3, 15), len(readings))):
            readings[i] = None
    return readings


def _pieces(rng: random.Random, seconds: int, low: float, high: float, day: date) -> list[tuple[int, float]]:
    segments = []
    while seconds > 0:
        length = min(seconds, rng.randint(120, 300))
        segments.append((length, _hr_at(day, rng.uniform(low, high))))
        seconds -= length
    return segments


def session(rng: random.Random, kind: str, day: date, start_s: int, keen: bool) -> Session:
    start_hr = _hr_at(day, 0.15)
    if kind == "run":
        main = rng.randint(20, 35) * 60 if keen else rng.randint(12, 20) * 60
        segments = (
            [(rng.randint(300, 420), _hr_at(day, 0.45))]
            + _pieces(rng, main, 0.62, 0.74, day)
            + [(rng.randint(180, 300), _hr_at(day, 0.35))]
        )
        return Session(kind, start_s, _trace(rng, segments, start_hr), rng.uniform(2.65, 2.85), "running")
    if kind == "walk":
        segments = _pieces(rng, rng.randint(30, 45) * 60, 0.36, 0.50, day)
        return Session(kind, start_s, _trace(rng, segments, start_hr), rng.uniform(1.85, 2.05), "walking")
    if kind == "stroll":
        segments = _pieces(rng, rng.randint(25, 40) * 60, 0.22, 0.38, day)
        return Session(kind, start_s, _trace(rng, segments, start_hr), rng.uniform(1.6, 1.8), "walking")
    if kind == "bike":
        segments = [(300, _hr_at(day, 0.45))]
        for _ in range(rng.randint(4, 5)):
            segments += [
                (rng.randint(240, 360), _hr_at(day, rng.uniform(0.50, 0.58))),
                (180, _hr_at(day, rng.uniform(0.66, 0.75))),
            ]
        return Session(kind, start_s, _trace(rng, segments, start_hr), 0.0, "cycling")
    if kind == "stairs":
        main = rng.randint(13, 21) * 60
        segments = [(120, _hr_at(day, 0.45))] + _pieces(rng, main, 0.62, 0.72, day) + [(120, _hr_at(day, 0.40))]
        # Up and down a stairwell: climbing about half the time at ~0.17 m/s.
        ascent = round(main * 0.5 * rng.uniform(0.15, 0.19), 1)
        return Session(kind, start_s, _trace(rng, segments, start_hr), 1.3, "walking", ascent_m=ascent)
    lifts = rng.sample(_LIFTS, rng.randint(4, 5))
    sets, segments = [], []
    for category, light, heavy in lifts:
        weight = round(rng.uniform(light, heavy) * 2) / 2
        for _ in range(3):
            work, pause = rng.randint(30, 50), rng.randint(75, 120)
            sets.append(SetToWrite(category, rng.randint(8, 12), weight, work, pause))
            segments += [(work, _hr_at(day, rng.uniform(0.42, 0.50))), (pause, _hr_at(day, rng.uniform(0.22, 0.28)))]
    segments.append((120, _hr_at(day, 0.2)))
    return Session(kind, start_s, _trace(rng, segments, start_hr), 0.0, "generic", sets=sets)


def _session_calories(session: Session, day: date) -> int:
    last, total = HR_REST, 0.0
    for hr in session.heart_rates:
        last = hr if hr is not None else last
        total += _keytel_kcal_per_min(last, day) / 60
    return round(total)


def _week_plan(rng: random.Random, keen: bool) -> dict[int, list[str]]:
    """Session kinds per weekday (0 = Monday)."""
    if keen:
        cardio = ["run", "run", "bike", "walk"] + (["run"] if rng.random() < 0.5 else [])
    else:
        cardio = ["walk", "stroll", "stroll"] + (["run"] if rng.random() < 0.5 else [])
    plan: dict[int, list[str]] = {d: [] for d in range(7)}
    for weekday, kind in zip(rng.sample(range(7), len(cardio)), cardio, strict=False):
        plan[weekday].append(kind)
    for weekday in rng.sample(range(7), rng.randint(1, 3)):
        plan[weekday].append("strength")
    for weekday in rng.sample(range(7), rng.randint(0, 2)):
        plan[weekday].append("stairs")
    return plan


def day_minutes(rng: random.Random, day: date, sessions: list[Session]) -> list[MonitoringMinute]:
    hr: list[float | None] = [None] * 1440
    steps = [0] * 1440
    kcal = [0.0] * 1440
    kind = ["walking"] * 1440
    ascent = [0] * 1440
    descent = [0] * 1440
    busy = [False] * 1440

    wake = rng.randint(6 * 60, 6 * 60 + 30)
    bed = rng.randint(22 * 60 + 30, 23 * 60 + 30)
    base = rng.uniform(68, 78)
    for m in range(1440):
        asleep = m < wake or m >= bed
        hr[m] = HR_REST + rng.uniform(-5, 2) if asleep else base + 6 * math.sin(m / 97) + rng.uniform(-4, 4)

    for s in sessions:
        start, end = s.start_s, s.start_s + len(s.heart_rates)
        for m in range(start // 60, (end - 1) // 60 + 1):
            lo, hi = max(start, m * 60), min(end, m * 60 + 60)
            readings = [h for h in s.heart_rates[lo - start : hi - start] if h is not None]
            hr[m] = sum(readings) / len(readings) if readings else None
            steps[m] = math.floor(s.steps_per_s * (hi - start)) - math.floor(s.steps_per_s * (lo - start))
            kcal[m] = sum(
                max(_keytel_kcal_per_min(h, day) / 60 - RESTING_METABOLIC_RATE / 86400, 0.0) for h in readings
            )
            kind[m] = s.activity_type
            busy[m] = True
            if s.ascent_m:
                # Spread the session's climb, and the same again down, over its minutes.
                per_min = round(s.ascent_m * 1000 * 60 / len(s.heart_rates))
                ascent[m] += per_min
                descent[m] += per_min

    # Everyday walking in bursts, around the sessions, up to the day's step target.
    target = rng.randint(4000, 14000)
    remaining = max(target - sum(steps), rng.randint(1500, 2500))
    while remaining > 0:
        start = rng.randint(wake + 5, bed - 15)
        rate = rng.randint(70, 110)
        for m in range(start, start + rng.randint(2, 12)):
            if busy[m] or remaining <= 0:
                continue
            n = min(rate, remaining)
            steps[m] += n
            kcal[m] += n * KCAL_PER_STEP
            hr[m] = base + rng.uniform(10, 20)
            remaining -= n

    for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6))):
        m = rng.randint(wake + 30, bed - 30)
        floors = rng.randint(1, 3)
        ascent[m] += floors * rng.randint(2950, 3150)
        descent[min(m + rng.randint(20, 240), 1439)] += floors * 3048

    # The watch comes off to charge on some evenings: nothing at all is recorded.
    if rng.random() < 0.15:
        off = rng.randint(19 * 60, 21 * 60)
        for m in range(off, off + rng.randint(30, 60)):
            if not busy[m]:
                hr[m], steps[m], kcal[m], ascent[m], descent[m] = None, 0, 0.0, 0, 0

    intensity = _device_intensity(day, hr)
    minutes = []
    for m in range(1440):
        bpm = hr[m]
        reading = round(bpm) if bpm is not None else None
        if reading is None and not (steps[m] or kcal[m] or ascent[m] or descent[m]):
            continue
        minutes.append(
            MonitoringMinute(m, reading, steps[m], round(kcal[m], 3), kind[m], ascent[m], descent[m], intensity[m])
        )
    return minutes


def _device_intensity(day: date, hr: list[float | None]) -> list[str | None]:
    """The watch's own intensity minutes: by heart-rate reserve, counted only in bouts of 10+
    minutes (older firmware), so they differ from wearsync's minute-by-minute count."""
    moderate, vigorous = _hr_at(day, 0.40), _hr_at(day, 0.60)
    zone = [None if h is None or h < moderate else "vigorous" if h >= vigorous else "moderate" for h in hr]
    out: list[str | None] = [None] * len(zone)
    m = 0
    while m < len(zone):
        end = m
        while end < len(zone) and zone[end] is not None:
            end += 1
        if end - m >= 10:
            out[m:end] = zone[m:end]
        m = end + 1
    return out


def _intake(rng: random.Random, burned: float) -> int | None:
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.25:
        return rng.randint(900, INTAKE_FLOOR_KCAL - 50)
    if roll < 0.45:
        return round(burned + rng.uniform(-200, 250))
    return max(round(burned - DEFICIT_TARGET_KCAL + rng.uniform(-60, 60)), INTAKE_FLOOR_KCAL + rng.randint(0, 60))


def day_sessions(rng: random.Random, day: date, kinds: list[str], keen: bool) -> list[Session]:
    """The day's sessions of `kinds` ("run", "walk", "stroll", "bike", "stairs", "strength"), each
    in the first of its training slots still free (a kind whose slots are taken is left out)."""
    sessions, taken = [], set()
    for kind in kinds:
        slot = next((s for s in _SLOT_CHOICES[kind] if s not in taken), None)
        if slot is None:
            continue
        taken.add(slot)
        start_s = (_SLOTS[slot] + rng.randint(0, 12)) * 60 + rng.randint(0, 59)
        sessions.append(session(rng, kind, day, start_s, keen))
    return sessions


def activity_file(s: Session, day: date) -> tuple[datetime, bytes]:
    """The activity file her watch writes for session `s` of `day`, and its local start."""
    start_local = datetime(day.year, day.month, day.day, tzinfo=_LOCAL) + timedelta(seconds=s.start_s)
    steps = math.floor(s.steps_per_s * len(s.heart_rates)) if s.kind in ("run", "walk", "stroll") else None
    sport, sub_sport = {
        "run": ("running", "generic"),
        "walk": ("walking", "generic"),
        "stroll": ("walking", "casual_walking"),
        "bike": ("cycling", "road"),
        "stairs": ("fitness_equipment", "stair_climbing"),
        "strength": ("training", "strength_training"),
    }[s.kind]
    data = activity_fit(
        start_utc=start_local.astimezone(UTC),
        utc_offset_s=UTC_OFFSET_S,
        sport=sport,
        sub_sport=sub_sport,
        heart_rates=s.heart_rates,
        serial=SERIAL,
        calories=_session_calories(s, day),
        ascent_m=s.ascent_m,
        steps=steps,
        sets=s.sets,
    )
    return start_local, data


def write_demo_files(folder: Path, *, end: date, weeks: int = 10, seed: int = 7) -> list[Path]:
    """Write `weeks` weeks of demo data ending on `end` (inclusive) into `folder`; return the
    paths written (activity and monitoring FIT files, then weight.csv, then intake.csv)."""
    rng = random.Random(seed)
    # The scale has a generator of its own: the rest of the demo is the same with or without it.
    scale_rng = random.Random(seed + 1)
    true_kg = WEIGHT_KG
    weight_rows: list[tuple[str, float, str]] = []
    (folder / "Activity").mkdir(parents=True, exist_ok=True)
    (folder / "Monitor").mkdir(parents=True, exist_ok=True)
    week_plans: dict[tuple[int, int], tuple[bool, dict[int, list[str]]]] = {}
    written: list[Path] = []
    intake_rows: list[tuple[str, int]] = []

    for offset in range(weeks * 7 - 1, -1, -1):
        day = end - timedelta(days=offset)
        week = day.isocalendar()[:2]
        if week not in week_plans:
            keen = rng.random() < 0.5
            week_plans[week] = (keen, _week_plan(rng, keen))
        keen, plan = week_plans[week]

        sessions = day_sessions(rng, day, plan[day.weekday()], keen)
        for s in sessions:
            start_local, data = activity_file(s, day)
            path = folder / "Activity" / f"{start_local:%Y-%m-%d-%H-%M-%S}.fit"
            path.write_bytes(data)
            written.append(path)

        minutes = day_minutes(rng, day, sessions)
        path = folder / "Monitor" / f"{day:%Y-%m-%d}.fit"
        path.write_bytes(
            monitoring_fit(
                day=day,
                utc_offset_s=UTC_OFFSET_S,
                serial=SERIAL,
                resting_metabolic_rate=RESTING_METABOLIC_RATE,
                minutes=minutes,
            )
        )
        written.append(path)

        burned = RESTING_METABOLIC_RATE + sum(m.active_kcal for m in minutes)
        eaten = _intake(rng, burned)
        if eaten is not None:
            intake_rows.append((day.isoformat(), eaten))
        if scale_rng.random() < WEIGH_IN_SHARE:  # in the morning, before the day's eating
            weight_rows.append((day.isoformat(), round(true_kg + scale_rng.gauss(0, WATER_SWING_KG), 1), "kg"))
        really_eaten = eaten if eaten is not None else burned - 300 + scale_rng.uniform(-150, 150)
        true_kg += (really_eaten - (burned - WATCH_OVERREAD_KCAL)) / KCAL_PER_KG

    for name, header, rows in (
        ("weight.csv", ("date", "weight", "unit"), weight_rows),
        ("intake.csv", ("date", "kcal"), intake_rows),
    ):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        path = folder / name
        path.write_text(buffer.getvalue(), encoding="utf-8")
        written.append(path)
    return written
