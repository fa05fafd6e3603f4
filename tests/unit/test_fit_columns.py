"""Data messages decoded as numpy columns (sync/fit_columns.py): the same messages as fitparse
when materialised, and the records' heart rate taken straight from the columns as the
one-message path takes it: invalid and implausible values left out and counted, file order kept."""

import math

from tests.fit_raw import field, fit_file, fit_time, message
from wearsync.sync.fit_columns import FitColumns
from wearsync.sync.fit_decoder import iter_blocks, read_fast
from wearsync.sync.fit_messages import read_with_fitparse
from wearsync.sync.fit_records import extract

START = 1_700_000_000  # 2023-11-14 22:13:20 UTC
NOW = START + 86_400
MANY = 40  # more than enough messages of one definition to be decoded as columns


def _activity(records: list[bytes]) -> bytes:
    start = fit_time(START)
    return fit_file(
        message(0, field(0, "enum", 4), field(1, "uint16", 1), field(3, "uint32z", 99), field(4, "uint32", start)),
        *records,
        message(18, field(253, "uint32", start + 100), field(2, "uint32", start), field(5, "enum", 1)),
        message(34, field(253, "uint32", start + 100), field(5, "uint32", start + 100)),
    )


def _columns(data: bytes) -> list[FitColumns]:
    return [c for block in iter_blocks(data, "test.fit", None, []) for c in block.columns]


def test_materialised_columns_equal_fitparse_on_every_kind_of_field():
    # 20 messages of one definition: arrays with invalid elements, NaN floats, signed and
    # zero-invalid types, 64-bit integers, bytes (invalid only when all are 0xFF); fitparse
    # (the reference) decodes the same bytes
    nan = float("nan")
    rows = [
        message(
            65280,
            field(0, "uint16", [i, 0xFFFF if i % 3 == 0 else 7, 0xFFFF]),
            field(1, "float32", nan if i % 2 else i / 4),
            field(2, "sint8", 0x7F if i % 5 == 0 else -i),
            field(3, "uint8z", i % 4),
            field(4, "uint64", 0xFFFFFFFFFFFFFFFF if i == 7 else 2**40 + i),
            field(5, "float64", [nan, 1.5]),
            field(6, "sint16", [-1, 0x7FFF]),
            field(7, "byte", [0xFF, 0xFF] if i % 4 == 0 else [0xFF, i]),
            field(8, "byte", 0xFF if i == 2 else i),
        )
        for i in range(20)
    ]
    data = fit_file(*rows)
    assert [len(c) for c in _columns(data)] == [20]  # decoded as columns, not one by one
    got = read_fast(data, "test.fit").messages
    want = read_with_fitparse(data, "test.fit").messages
    assert got == want
    # written above: message 3 has its second array element invalid, message 1 a NaN float
    assert got[3].fields[0] == (3, None, None) and got[1].fields[1] is None and got[2].fields[1] == 0.5
    assert got[0].fields[2] is None and got[0].fields[3] is None and got[7].fields[4] is None
    assert got[4].fields[7] is None and got[5].fields[7] == (0xFF, 5) and got[2].fields[8] is None
    assert got[3].fields[8] == (3,)
    assert got[1].fields[5] == (None, 1.5) and not any(isinstance(x, float) and math.isnan(x) for x in got[1].fields[5])


def test_records_heart_rate_from_columns_leaves_out_invalid_zero_and_implausible_values():
    start = fit_time(START)
    bpms = [100 + i for i in range(MANY)]
    bpms[3] = 0xFF  # the invalid placeholder: no value
    bpms[4] = 0  # some devices' "no reading"
    bpms[5] = 251  # above the plausible 250: dropped and counted
    bpms[6] = 20  # below 25: dropped and counted
    times = [start + i for i in range(MANY)]
    times[7] = 0xFFFFFFFF  # an invalid time: the record holds no reading
    data = _activity(
        [message(20, field(253, "uint32", t), field(3, "uint8", b)) for t, b in zip(times, bpms, strict=True)]
    )
    assert [c.num for c in _columns(data)] == [20]
    content = extract(iter_blocks(data, "test.fit", None, []), "test.fit", now=NOW)
    kept = [i for i in range(MANY) if i not in (3, 4, 5, 6, 7)]
    assert content.hr_ts.tolist() == [START + i for i in kept]
    assert content.hr_bpm.tolist() == [100 + i for i in kept]
    assert "2 implausible or malformed record.heart_rate values dropped" in content.warnings


def test_records_of_two_interleaved_definitions_keep_the_files_order():
    # a record with cadence and one without, alternating: two definitions, each decoded as columns
    start = fit_time(START)
    records = [
        message(20, field(253, "uint32", start + i), field(3, "uint8", 60 + i))
        if i % 2
        else message(20, field(253, "uint32", start + i), field(3, "uint8", 60 + i), field(4, "uint8", 80))
        for i in range(2 * MANY)
    ]
    data = _activity(records)
    assert sorted(len(c) for c in _columns(data)) == [MANY, MANY]
    content = extract(iter_blocks(data, "test.fit", None, []), "test.fit", now=NOW)
    assert content.hr_ts.tolist() == [START + i for i in range(2 * MANY)]
    assert content.hr_bpm.tolist() == [60 + i for i in range(2 * MANY)]


def test_records_whose_heart_rate_is_not_an_integer_are_dropped_one_by_one():
    # heart rate declared float32: the profile says uint8, so every value is malformed
    start = fit_time(START)
    records = [message(20, field(253, "uint32", start + i), field(3, "float32", 120.0)) for i in range(MANY)]
    data = _activity(records)
    assert [c.num for c in _columns(data)] == [20]
    content = extract(iter_blocks(data, "test.fit", None, []), "test.fit", now=NOW)
    assert len(content.hr_ts) == 0
    assert f"{MANY} implausible or malformed record.heart_rate values dropped" in content.warnings
