"""Monitoring messages taken as columns (sync/fit_monitoring_columns.py) give exactly what the
per-message path (`Monitoring.take`, fed messages one by one) gives: the same monitoring values in
the same order, the same heart-rate arrays, the same gate drops and warnings, on the real
monitoring files, on written ones (several days and offsets, totals stamped at midnight, several
activity types, gaps in the heart rate), with blocks cut small, and on fuzzed mutants of them."""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from tests.fit_mutations import mutate, mutate_stacked
from tests.fit_raw import field, fit_file, fit_time, message
from wearsync.demo.fit_writer import MonitoringMinute, monitoring_fit
from wearsync.errors import FitError
from wearsync.sync import fit_decoder
from wearsync.sync.fit_content import FitContent
from wearsync.sync.fit_decoder import WEARSYNC_MESSAGES, iter_blocks, read_fast
from wearsync.sync.fit_monitoring_columns import MonitoringRows
from wearsync.sync.fit_records import extract, extract_messages

FIT_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "fit"
NOW = 1_900_000_000  # 2030: after every file here, so no time is in the future
MUTANTS = 300
START = 1_700_000_000  # 2023-11-14 22:13:20 UTC
MANY = 40  # enough messages of one definition to be decoded as columns


def _shared_monitoring_files() -> list[Path]:
    manifest = FIT_DIR / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return sorted(FIT_DIR / r["path"] for r in rows if r["file_type"].startswith("monitoring"))


def _written_days() -> list[bytes]:
    """Days at several offsets: totals of several activity types stamped at midnight, the heart rate
    missing for stretches (timestamp_16 then builds on an older full time) and out of range once."""
    files = []
    for k, offset in enumerate((3 * 3600, -5 * 3600, 0, 14 * 3600, 5 * 3600 + 2700, -12 * 3600)):
        rng = random.Random(k)
        minutes = []
        for m in range(1440):
            hr = None if (m // 97) % 3 == 1 or rng.random() < 0.1 else rng.randint(45, 160)
            kind = ("walking", "running", "generic", "sedentary", "cycling")[(m // 60) % 5]
            moving = rng.random() < 0.3
            minutes.append(
                MonitoringMinute(
                    m,
                    heart_rate=hr,
                    steps=rng.randint(1, 120) if moving and kind in ("walking", "running") else 0,
                    active_kcal=rng.random() * 5 if moving else 0.0,
                    activity_type=kind,
                    ascent_mm=rng.choice((0, 0, 0, 3000)),
                    descent_mm=rng.choice((0, 0, 2500)),
                    intensity=rng.choice((None, None, None, "moderate", "vigorous")),
                )
            )
        if k == 2:
            minutes[700] = MonitoringMinute(700, heart_rate=251)  # out of the gate's range: dropped
            minutes = minutes[:900]  # a day cut short, as the watch's pieces are
        day = date(2024, 3, 30) + timedelta(days=k)  # the nights clocks change in Europe, and after
        files.append(
            monitoring_fit(day=day, utc_offset_s=offset, serial=7, resting_metabolic_rate=1700, minutes=minutes)
        )
    return files


def _both(data: bytes) -> tuple[object, object]:
    """What each path makes of `data`: its content as plain values, or the error it raised."""
    out = []
    for columns in (True, False):
        try:
            if columns:
                content = extract(iter_blocks(data, "m.fit", WEARSYNC_MESSAGES, []), "m.fit", NOW)
            else:
                content = extract_messages(read_fast(data, "m.fit", WEARSYNC_MESSAGES).messages, "m.fit", NOW)
        except FitError as exc:
            out.append(("FitError", str(exc)))
        else:
            out.append(_plain(content))
    return out[0], out[1]


def _plain(content: FitContent) -> dict:
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in vars(content).items()}


def _columnar_blocks(data: bytes) -> int:
    return sum(MonitoringRows.of(b) is not None for b in iter_blocks(data, "m.fit", WEARSYNC_MESSAGES, []))


def test_real_monitoring_files_give_the_same_content_either_way():
    paths = _shared_monitoring_files()
    if not paths:
        pytest.skip(f"the shared FIT files are missing: {FIT_DIR}")
    assert len(paths) >= 4  # the vivosmart 4's day in three pieces and the SDK's example
    for path in paths:
        data = path.read_bytes()
        assert _columnar_blocks(data), path  # the columns path is the one tested
        columns, messages = _both(data)
        assert columns == messages, path
        assert isinstance(columns, dict) and columns["monitoring"] and columns["hr_source"] == "monitoring"


@pytest.mark.parametrize("block_bytes", [1 << 17, 4096, 1024])
def test_written_days_give_the_same_content_either_way(monkeypatch, block_bytes):
    # small blocks: timestamp_16 messages whose last full time lies in an earlier block
    monkeypatch.setattr(fit_decoder, "_BLOCK_BYTES", block_bytes)
    for data in _written_days():
        assert _columnar_blocks(data)
        columns, messages = _both(data)
        assert columns == messages
        assert isinstance(columns, dict) and columns["monitoring"] and len(columns["hr_ts"])
    # what the written days hold: values stamped at local midnight, several activity types, a drop
    contents = [_both(data)[0] for data in _written_days()]
    assert any("1 implausible or malformed monitoring.heart_rate value dropped" in c["warnings"] for c in contents)
    assert {v.activity_type for c in contents for v in c["monitoring"]} >= {-1, 0, 1, 2, 6}


def test_fuzzed_monitoring_files_give_the_same_content_or_error_either_way():
    seeds = [p.read_bytes() for p in _shared_monitoring_files()] + _written_days()[:2]
    rng = random.Random(20261208)
    columnar = 0
    for case in range(MUTANTS):
        data = seeds[case % len(seeds)]
        kind, mutated = (mutate if case % 2 else mutate_stacked)(data, rng)
        try:
            columnar += _columnar_blocks(mutated) > 0
        except FitError:
            pass
        columns, messages = _both(mutated)
        assert columns == messages, f"case {case}: {kind}"
    assert columnar > MUTANTS // 2  # most mutants still have monitoring columns


def _monitoring_file(rows: list[bytes]) -> bytes:
    start = fit_time(START)
    return fit_file(
        message(0, field(0, "enum", 32), field(1, "uint16", 1), field(3, "uint32z", 99), field(4, "uint32", start)),
        message(103, field(253, "uint32", start), field(0, "uint32", start + 3600), field(5, "uint16", 1700)),
        *rows,
        message(211, field(253, "uint32", start + 7200), field(0, "uint8", 60)),
        *rows,
    )


def test_hand_written_odd_columns_give_the_same_content_either_way():
    start = fit_time(START)
    files = {
        # no field read here at all: the rows change nothing
        "unread fields only": [message(55, field(2, "uint8", i)) for i in range(MANY)],
        # 55/24 written as a uint16: a value above a byte is no activity type
        "type and intensity as uint16": [
            message(
                55,
                field(253, "uint32", start + 60 * i),
                field(24, "uint16", 0x106 if i % 2 else 6),
                field(3, "uint32", 10 * i),
            )
            for i in range(MANY)
        ],
        # a signed timestamp_16 and heart rate, and 55/5 beside 55/24
        "signed": [
            message(
                55,
                field(26, "sint16", (start + 61 * i) & 0x7FFF),
                field(27, "sint8", 60 - i),
                field(5, "enum", 6 if i % 3 else 0xFF),
                field(24, "byte", [0xFF, 1] if i % 4 else 0x21),
                field(3, "uint32", 10 * i),
            )
            for i in range(MANY)
        ],
        # a float heart rate: the block is taken message by message
        "float heart rate": [
            message(55, field(253, "uint32", start + 60 * i), field(27, "float32", 60.0 + i / 2)) for i in range(MANY)
        ],
    }
    for name, rows in files.items():
        data = _monitoring_file(rows)
        columns, messages = _both(data)
        assert columns == messages, name
        assert _columnar_blocks(data) == (name != "float heart rate"), name
