"""Weigh-ins in: the FIT SDK's weight-scale files, typed values and CSV files, stored in kg, undone by forget."""

import calendar
from datetime import date

import fitparse
import pytest

from tests.conftest import SHARED_FIT, require
from wearsync.cli import main
from wearsync.errors import WeightError
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths
from wearsync.undo import forget, resolve
from wearsync.weight import check_weight, read_weight_csv, record_weight

FILES = SHARED_FIT / "python-fitparse" / "tests" / "files"
SINGLE = FILES / "WeightScaleSingleUser.fit"  # FIT SDK examples (synthetic), 2009-09-09
MULTI = FILES / "WeightScaleMultiUser.fit"


def fitparse_weigh_ins(path):
    """The file's weigh-ins as python-fitparse reads them: (UTC seconds, kg, fat %, user)."""
    rows = []
    for message in fitparse.FitFile(str(path)).get_messages("weight_scale"):
        values = message.get_values()
        rows.append(
            (
                calendar.timegm(values["timestamp"].timetuple()),  # fitparse: naive UTC
                values["weight"],
                values["percent_fat"],
                values.get("user_profile_index"),
            )
        )
    return rows


def stored(store, recording=None):
    where, params = ("WHERE recording_id = ?", (recording,)) if recording else ("", ())
    return store.conn.execute(
        f"SELECT ts, weight_kg, fat_percent, user_index FROM weigh_ins {where} ORDER BY id", params
    ).fetchall()


def test_both_sdk_weight_files_are_imported_with_fitparses_values_and_users_kept_apart(tmp_path):
    single, multi = require(SINGLE), require(MULTI)
    store = Store.open(tmp_path / "home")
    summary = import_paths(store, [single, multi], zone="Europe/Berlin")
    # Two different files (different weigh-ins) that share serial 1234 and time_created: both count.
    assert [o.outcome for o in summary.outcomes] == ["imported", "imported"], summary.to_json()
    ids = [o.recording_id for o in summary.outcomes]
    assert stored(store, ids[0]) == fitparse_weigh_ins(single)
    assert stored(store, ids[1]) == fitparse_weigh_ins(multi)
    # fitparse: single user 75.8 then 76.09 kg; multi: user 0 75.8 kg, user 1 58.2 kg
    assert [(w, u) for _, w, _, u in stored(store, ids[1])] == [(75.8, 0), (58.2, 1)]
    # 2009-09-09 21:38 and 22:38 UTC are 23:38 and 00:38 in Berlin (UTC+2 in September)
    assert store.conn.execute(
        "SELECT local_day, utc_offset_s FROM weigh_ins WHERE recording_id = ? ORDER BY ts", (ids[0],)
    ).fetchall() == [("2009-09-09", 7200), ("2009-09-10", 7200)]
    assert "local time from the configured time zone Europe/Berlin" in summary.outcomes[0].message
    again = import_paths(store, [multi], zone="Europe/Berlin")
    assert again.outcomes[0].outcome == "duplicate"


def test_forgetting_a_weight_file_takes_its_weigh_ins_with_it(tmp_path):
    store = Store.open(tmp_path / "home")
    summary = import_paths(store, [require(SINGLE), require(MULTI)], zone="UTC")
    forget(store, resolve(store, [str(SINGLE)]))
    assert [u for *_, u in stored(store)] == [0, 1]
    assert store.conn.execute(
        "SELECT count(*) FROM weigh_ins WHERE recording_id = ?", (summary.outcomes[0].recording_id,)
    ).fetchone() == (0,)


@pytest.mark.parametrize(
    ("value", "unit", "kg"),
    [
        ("80", "kg", 80.0),
        ("80.4", "kg", 80.4),
        (" 200 ", "lb", 200 * 0.45359237),  # 90.718474 kg
        ("44.1", "lb", 44.1 * 0.45359237),
        (95, "KG", 95.0),
    ],
)
def test_a_weight_is_a_plain_number_in_kg_or_lb_stored_in_kg(value, unit, kg):
    assert check_weight("2026-03-14", value, unit) == (date(2026, 3, 14), pytest.approx(kg, abs=1e-9))


@pytest.mark.parametrize(
    ("value", "unit", "says"),
    [
        ("80,5", "kg", "'80,5' is not a weight like 80 or 80.4"),
        ("nan", "kg", "'nan' is not a weight"),
        ("1e2", "kg", "'1e2' is not a weight"),
        ("19.9", "kg", "19.9 kg is outside 20 to 650 kg"),
        ("700", "kg", "700 kg is outside 20 to 650 kg"),
        ("1500", "lb", "1500 lb is outside 44 to 1,433 lb"),  # 20 / 0.45359237 = 44.1; 650 / 0.45359237 = 1433.0
        ("80", "stone", "'stone' is not a unit of weight: kg or lb"),
    ],
)
def test_a_weight_outside_the_gate_or_not_a_number_is_refused_saying_why(value, unit, says):
    with pytest.raises(WeightError) as caught:
        check_weight("2026-03-14", value, unit)
    assert says in str(caught.value)


def test_the_command_line_logs_corrects_and_removes_a_days_own_weight(capsys, store, tmp_path):
    assert main(["log", "weight", "80.4", "--date", "2026-03-14"]) == 0
    assert "logged 80.4 kg on 2026-03-14" in capsys.readouterr().out
    assert main(["log", "weight", "176", "--unit", "lb", "--date", "2026-03-14"]) == 0
    assert "logged 176.0 lb on 2026-03-14 (replaces 177.3 lb)" in capsys.readouterr().out  # 80.4 / 0.45359 = 177.25
    assert store.conn.execute("SELECT local_day, weight_kg, source FROM weigh_ins").fetchall() == [
        ("2026-03-14", pytest.approx(176 * 0.45359237), "manual")
    ]
    assert main(["log", "weight", "700", "--date", "2026-03-15"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wearsync: error: 700 kg is outside 20 to 650 kg") and len(err.splitlines()) == 1
    assert main(["log", "weight", "--remove", "2026-03-14"]) == 0
    assert "removed 79.8 kg logged on 2026-03-14" in capsys.readouterr().out  # 176 lb = 79.83 kg
    assert main(["log", "weight", "--remove", "2026-03-14"]) == 0
    assert "nothing removed" in capsys.readouterr().out
    assert store.conn.execute("SELECT count(*) FROM weigh_ins").fetchone() == (0,)


def test_the_unit_setting_is_the_default_unit(capsys, store, tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text('[wearer]\nweight_unit = "lb"\n')
    assert main(["--config", str(config), "log", "weight", "150", "--date", "2026-03-14"]) == 0
    assert "logged 150.0 lb" in capsys.readouterr().out
    assert store.conn.execute("SELECT weight_kg FROM weigh_ins").fetchone() == (pytest.approx(68.0388555),)


def test_a_csv_is_checked_whole_and_its_rows_may_name_their_unit(tmp_path, store):
    path = tmp_path / "weights.csv"
    path.write_text(
        "date,weight,unit\n2026-03-01,80.5\n2026-03-02,176,lb\n2026-03-03,80,5\n"
        "2026-03-04,80,stone\n2026-03-01,80\n2026-03-05,80,kg,extra\n"
    )
    with pytest.raises(WeightError) as caught:
        read_weight_csv(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: 4 bad rows; nothing was stored"
    assert lines[1].startswith(f"{path}:4: '5' is not a unit of weight")  # 80,5: a decimal comma
    assert lines[2].startswith(f"{path}:5: 'stone' is not a unit")
    assert lines[3] == f"{path}:6: 2026-03-01 is given twice, on lines 2 and 6"
    assert lines[4].startswith(f"{path}:7: expected 2 to 3 columns (date,weight[,unit]), got 4")
    path.write_text("2026-03-01,80.5\n2026-03-02,176,lb\n")
    record_weight(store, read_weight_csv(path), "csv")
    assert store.conn.execute("SELECT local_day, weight_kg, source FROM weigh_ins ORDER BY local_day").fetchall() == [
        ("2026-03-01", 80.5, "csv"),
        ("2026-03-02", pytest.approx(79.832257), "csv"),
    ]  # 176 x 0.45359237


def test_an_implausible_weigh_in_costs_only_itself_and_is_counted(tmp_path):
    # Synthetic: a weight file written with Garmin's official encoder (garmin-fit-sdk).
    from garmin_fit_sdk import Encoder
    from garmin_fit_sdk.util import FIT_EPOCH_S

    at = 1_772_430_000 - FIT_EPOCH_S  # 2026-03-02 05:40 UTC
    encoder = Encoder()
    encoder.write_mesg(
        {"mesg_num": 0, "type": "weight", "manufacturer": "garmin", "serial_number": 77, "time_created": at}
    )
    for n, (kg, fat) in enumerate(((80.0, 20.0), (655.0, 20.0), (80.2, 90.0))):  # 655 kg: above the gate
        encoder.write_mesg({"mesg_num": 30, "timestamp": at + 86_400 * n, "weight": kg, "percent_fat": fat})
    path = tmp_path / "scale.fit"
    path.write_bytes(encoder.close())
    store = Store.open(tmp_path / "home")
    outcome = import_paths(store, [path], zone="UTC").outcomes[0]
    assert outcome.outcome == "imported"
    assert "1 implausible or malformed weight_scale.weight value dropped" in outcome.message
    assert "1 implausible or malformed weight_scale.percent_fat value dropped" in outcome.message
    assert store.conn.execute("SELECT local_day, weight_kg, fat_percent FROM weigh_ins ORDER BY ts").fetchall() == [
        ("2026-03-02", 80.0, 20.0),
        ("2026-03-04", 80.2, None),
    ]
