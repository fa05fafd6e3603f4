"""The data tables as STRICT tables whose CHECK constraints hold the import gate's limits.

A reader can rely on every stored value: the right type, and within the plausible range
that `wearsync.sync.gate.LIMITS` names for it (the only place a bound is written). Local
days are real ISO dates a plausible time can fall on. The migration `to_strict_tables`
rebuilds the tables of an older store this way; a row that breaks a rule moves to the
`quarantine` table (the row as JSON and why) instead of poisoning every later report.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from wearsync.sync.gate import FIRST_LOCAL_DAY, LAST_LOCAL_DAY, LIMITS

LOCAL_DAY = "local day"  # a rule of its own: an ISO date 'YYYY-MM-DD' within the gate's days
HR_SOURCES = ("activity", "monitoring", "garmin")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # INTEGER, REAL, TEXT or BLOB
    required: bool = False  # NOT NULL
    rule: str | None = None  # a LIMITS name, LOCAL_DAY, or None (any value of the type)
    choices: tuple[str, ...] = ()
    clause: str = ""  # PRIMARY KEY / REFERENCES, as written after the type

    def valid(self) -> str:
        """An SQL expression that is 1 when the column's value keeps the rules, else 0 (never NULL)."""
        name = self.name
        tests = [
            {
                "INTEGER": f"typeof({name}) = 'integer'",
                "REAL": f"typeof({name}) IN ('real', 'integer')",
                "TEXT": f"typeof({name}) = 'text'",
                "BLOB": f"typeof({name}) = 'blob'",
            }[self.type]
        ]
        if self.rule == LOCAL_DAY:
            # date(..., '+0 days') normalises: '2021-02-30' becomes '2021-03-02' and so is refused.
            tests.append(
                f"{name} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND "
                f"coalesce(date({name}, '+0 days') = {name}, 0) AND "
                f"{name} BETWEEN '{FIRST_LOCAL_DAY.isoformat()}' AND '{LAST_LOCAL_DAY.isoformat()}'"
            )
        elif self.rule is not None:
            limit = LIMITS[self.rule]
            tests.append(f"{name} BETWEEN {_number(limit.low)} AND {_number(limit.high)}")
        if self.choices:
            tests.append(f"{name} IN ({', '.join(repr(c) for c in self.choices)})")
        test = " AND ".join(tests)
        return f"({test})" if self.required else f"({name} IS NULL OR ({test}))"

    def reason(self) -> str:
        """Why a value that breaks the rules was refused, in words."""
        kind = {"INTEGER": "a whole number", "REAL": "a number", "TEXT": "text", "BLOB": "bytes"}[self.type]
        if self.rule == LOCAL_DAY:
            kind = f"a date from {FIRST_LOCAL_DAY} to {LAST_LOCAL_DAY}"
        elif self.rule is not None:
            limit = LIMITS[self.rule]
            kind += f" from {_number(limit.low)} to {_number(limit.high)} ({limit.why})"
        if self.choices:
            kind += " (one of " + ", ".join(self.choices) + ")"
        return f"{self.name} is not {kind}" + ("" if self.required else " or empty")

    def definition(self) -> str:
        parts = [self.name, self.type, self.clause, "NOT NULL" if self.required else "", f"CHECK {self.valid()}"]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    # The rows whose parent row is gone (an SQL condition; it follows the parent into quarantine).
    orphaned: str = ""

    def create(self, name: str) -> str:
        body = ",\n    ".join([c.definition() for c in self.columns] + list(self.constraints))
        return f"CREATE TABLE {name} (\n    {body}\n) STRICT"

    def valid(self) -> str:
        return " AND ".join(c.valid() for c in self.columns)


def _id(name: str) -> Column:
    return Column(name, "INTEGER", clause="PRIMARY KEY")


def _recording(required: bool) -> Column:
    return Column("recording_id", "INTEGER", required, clause="REFERENCES recordings(id) ON DELETE CASCADE")


_OF_A_RECORDING = "recording_id IS NOT NULL AND recording_id NOT IN (SELECT id FROM recordings)"

# Parents before children: a child row whose parent moved to quarantine follows it.
TABLES: tuple[Table, ...] = (
    Table(
        "activities",
        (
            _id("id"),
            _recording(True),
            Column("sport", "TEXT"),
            Column("sub_sport", "TEXT"),
            Column("start_utc", "INTEGER", True, "time"),
            Column("utc_offset_s", "INTEGER", True, "utc_offset_s"),
            Column("local_day", "TEXT", True, LOCAL_DAY),
            Column("elapsed_s", "REAL", rule="duration_s"),
            Column("timer_s", "REAL", rule="duration_s"),
            Column("calories", "INTEGER", rule="kcal_activity"),
            Column("avg_hr", "INTEGER", rule="heart_rate_bpm"),
            Column("max_hr", "INTEGER", rule="heart_rate_bpm"),
            Column("ascent_m", "REAL", rule="ascent_m_day"),
            Column("steps", "INTEGER", rule="steps_activity"),
        ),
        indexes=("CREATE INDEX activities_by_day ON activities(local_day)",),
        orphaned=_OF_A_RECORDING,
    ),
    Table(
        "strength_sets",
        (
            Column("activity_id", "INTEGER", True, clause="REFERENCES activities(id) ON DELETE CASCADE"),
            Column("position", "INTEGER", True),
            Column("start_utc", "INTEGER", rule="time"),
            Column("duration_s", "REAL", rule="duration_s"),
            Column("set_type", "TEXT"),
            Column("repetitions", "INTEGER", rule="repetitions"),
            Column("weight_kg", "REAL", rule="set_weight_kg"),
            Column("category", "INTEGER", rule="category"),
        ),
        constraints=("PRIMARY KEY (activity_id, position)",),
        orphaned="activity_id NOT IN (SELECT id FROM activities)",
    ),
    # A row per reading, as stores held heart rate until migration 6 (hr_series.readings_to_series).
    Table(
        "hr_readings",
        (
            Column("ts", "INTEGER", True, "time"),
            Column("bpm", "INTEGER", rule="heart_rate_bpm"),  # NULL: the source said "no value"
            Column("utc_offset_s", "INTEGER", True, "utc_offset_s"),
            Column("source", "TEXT", True, choices=HR_SOURCES),
            _recording(False),
            Column("garmin_day", "TEXT", rule=LOCAL_DAY),
        ),
        indexes=(
            "CREATE INDEX hr_by_ts ON hr_readings(ts)",
            "CREATE INDEX hr_by_recording ON hr_readings(recording_id)",
            "CREATE INDEX hr_by_garmin_day ON hr_readings(garmin_day)",
        ),
        orphaned=_OF_A_RECORDING,
    ),
    # A row per value, as stores held monitoring values until migration 13 (monitoring_series.values_to_series).
    Table(
        "monitoring_values",
        (
            Column("serial", "INTEGER", True),
            Column("local_day", "TEXT", True, LOCAL_DAY),
            Column("ts", "INTEGER", True, "time"),
            Column("activity_type", "INTEGER", True),
            Column("metric", "TEXT", True),
            Column("kind", "TEXT", True),
            Column("value", "INTEGER", True),
            _recording(True),
        ),
        constraints=("PRIMARY KEY (serial, local_day, ts, activity_type, metric, kind)",),
        indexes=("CREATE INDEX monitoring_by_recording ON monitoring_values(recording_id)",),
        orphaned=_OF_A_RECORDING,
    ),
    Table(
        "wellness",
        (
            Column("local_day", "TEXT", True, LOCAL_DAY),
            Column("source", "TEXT", True),
            Column("steps", "INTEGER", rule="steps_day"),
            Column("ascent_m", "REAL", rule="ascent_m_day"),
            Column("descent_m", "REAL", rule="ascent_m_day"),
            Column("active_kcal", "INTEGER", rule="kcal_day"),
            Column("bmr_kcal", "INTEGER", rule="rmr_kcal_day"),
            Column("total_kcal", "INTEGER", rule="kcal_day"),
            Column("moderate_min", "INTEGER", rule="minutes_day"),
            Column("vigorous_min", "INTEGER", rule="minutes_day"),
            Column("resting_hr", "INTEGER", rule="resting_hr_bpm"),
            Column("utc_offset_s", "INTEGER", rule="utc_offset_s"),
            Column("covered_s", "INTEGER", rule="seconds_day"),
        ),
        constraints=("PRIMARY KEY (local_day, source)",),
    ),
    Table(
        "intake",
        (
            Column("local_day", "TEXT", True, LOCAL_DAY),
            Column("source", "TEXT", True),
            Column("kcal", "INTEGER", True, "intake_kcal_day"),
            Column("entered_at", "INTEGER", True),
        ),
        constraints=("PRIMARY KEY (local_day, source)",),
    ),
)

# Weigh-ins: one row per weigh-in as its source gave it (a FIT scale file's, one typed in, a CSV
# row, a Garmin Connect weigh-in), in kg. A typed-in or CSV entry has a day but no time of day
# (ts NULL) and is the person's one own entry of that day; `user_index` is the scale's user on a
# multi-user scale (NULL: the source names none). Created by its own migration (`create_weigh_ins`).
WEIGHT_SOURCES = ("fit", "manual", "csv", "garmin")
WEIGH_INS = Table(
    "weigh_ins",
    (
        _id("id"),
        Column("local_day", "TEXT", True, LOCAL_DAY),
        Column("ts", "INTEGER", rule="time"),
        Column("utc_offset_s", "INTEGER", rule="utc_offset_s"),
        Column("weight_kg", "REAL", True, "weight_kg"),
        Column("fat_percent", "REAL", rule="body_fat_percent"),
        Column("source", "TEXT", True, choices=WEIGHT_SOURCES),
        Column("user_index", "INTEGER", rule="scale_user"),
        _recording(False),
        Column("entered_at", "INTEGER", True),
    ),
    constraints=("CHECK ((source = 'fit') = (recording_id IS NOT NULL))",),
    indexes=(
        # The person's own entry of a day is one (a new one replaces it), whether typed or from a CSV.
        "CREATE UNIQUE INDEX weigh_ins_own ON weigh_ins(local_day) WHERE source IN ('manual', 'csv')",
        # A timed weigh-in is stored once per source (and per file): a second pull or the same
        # file's weigh-in twice adds nothing.
        "CREATE UNIQUE INDEX weigh_ins_timed ON weigh_ins(ts, source, coalesce(user_index, -1), "
        "coalesce(recording_id, 0)) WHERE ts IS NOT NULL",
        "CREATE INDEX weigh_ins_by_day ON weigh_ins(local_day)",
        "CREATE INDEX weigh_ins_by_recording ON weigh_ins(recording_id)",
    ),
)


def create_weigh_ins(conn: sqlite3.Connection) -> list[str]:
    """The migration that adds the weigh_ins table (nothing to tell the person)."""
    conn.execute(WEIGH_INS.create(WEIGH_INS.name))
    for index in WEIGH_INS.indexes:
        conn.execute(index)
    return []


QUARANTINE = """
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    row TEXT NOT NULL,               -- the row as JSON (blobs as hex)
    reason TEXT NOT NULL,
    moved_at INTEGER NOT NULL
) STRICT
"""
# Derived from the tables above: rebuilt from scratch by the next report.
ANALYTICS_CACHES = ("analytics_minutes", "analytics_units", "analytics_days")


def to_strict_tables(conn: sqlite3.Connection) -> list[str]:
    """The migration: rebuild every data table STRICT, rows that break its rules to quarantine.

    Runs inside the caller's transaction with foreign keys off (SQLite's own procedure for
    changing a table's definition); returns the line to tell the person, if any row moved.
    """
    conn.execute(QUARANTINE)
    moved = 0
    for table in TABLES:
        columns = [c.name for c in table.columns]
        reasons = [(f"NOT {c.valid()}", c.reason()) for c in table.columns]
        if table.orphaned:
            reasons.append((table.orphaned, "the recording or activity it belonged to is gone"))
        kept = table.valid() + (f" AND NOT ({table.orphaned})" if table.orphaned else "")
        as_json = ", ".join(f"'{c}', CASE typeof({c}) WHEN 'blob' THEN hex({c}) ELSE {c} END" for c in columns)
        why = (
            "CASE "
            + " ".join(f"WHEN {test} THEN '{text.replace(chr(39), chr(39) * 2)}'" for test, text in reasons)
            + " END"
        )
        moved += conn.execute(
            f"INSERT INTO quarantine (table_name, row, reason, moved_at) SELECT '{table.name}', "
            f"json_object({as_json}), {why}, unixepoch() FROM {table.name} WHERE NOT ({kept})"
        ).rowcount
        conn.execute(table.create(f"{table.name}_strict"))
        conn.execute(
            f"INSERT INTO {table.name}_strict ({', '.join(columns)}) "
            f"SELECT {', '.join(columns)} FROM {table.name} WHERE {kept}"
        )
        conn.execute(f"DROP TABLE {table.name}")
        conn.execute(f"ALTER TABLE {table.name}_strict RENAME TO {table.name}")
        for index in table.indexes:
            conn.execute(index)
    for cache in ANALYTICS_CACHES:
        conn.execute(f"DELETE FROM {cache}")
    if moved == 0:
        return []
    return [
        f"store upgraded: {moved} row{'s' if moved != 1 else ''} that broke the value limits moved to "
        f"quarantine (table quarantine in the store)"
    ]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
