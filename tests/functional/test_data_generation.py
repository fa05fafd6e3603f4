"""The store's data generation (store/snapshots.py) moves on with every write a week report reads:
imports, a pull's days and activities, intake and weigh-ins entered and removed, forgetting, the
analytics caches' refresh, the wearer kept; never with a transaction that changed nothing, nor with
keeping the dashboard's week itself. A changed config changes the kept week's fingerprint instead."""

import dataclasses
from datetime import date

import pytest

from tests.fake_garmin import serving, skip_module_without_shared_data
from tests.functional.conftest import CONFIG, RUN, pull_from
from tests.garmin_pull_setup import with_a_run_and_a_walk
from wearsync import undo
from wearsync.config import Config
from wearsync.dashboard.sync_actions import log_intake
from wearsync.demo.build import keep_demo_wearer
from wearsync.reports import snapshot
from wearsync.reports.cache import refresh
from wearsync.reports.params import analytics_params
from wearsync.reports.week import week_report
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths
from wearsync.weight import record_weight, remove_weight

skip_module_without_shared_data()

RUN_DAY = date(2015, 8, 15)  # the Fenix 2 run's day


@pytest.fixture
def fake():
    yield from serving(with_a_run_and_a_walk())


def moves(store: Store, write) -> bool:
    before = store.data_generation()
    write()
    return store.data_generation() > before


def test_every_write_moves_the_generation_on(store):
    assert moves(store, lambda: import_paths(store, [RUN]))
    assert moves(store, lambda: refresh(store, analytics_params(store, CONFIG)))  # the new run's minutes cached
    assert moves(store, lambda: log_intake(store, RUN_DAY, 1800))
    assert moves(store, lambda: undo.remove_intake(store, RUN_DAY))
    assert moves(store, lambda: record_weight(store, {RUN_DAY: 70.5}, "manual"))
    assert moves(store, lambda: remove_weight(store, RUN_DAY))
    assert moves(store, lambda: keep_demo_wearer(store))
    assert moves(store, lambda: undo.forget(store, undo.resolve(store, [str(RUN)])))


def test_what_changes_nothing_leaves_it(store):
    import_paths(store, [RUN])
    refresh(store, analytics_params(store, CONFIG))
    assert not moves(store, lambda: refresh(store, analytics_params(store, CONFIG)))  # up to date: no row written
    report = week_report(store, CONFIG, RUN_DAY)
    kept = snapshot.fingerprint(store, CONFIG)
    assert not moves(store, lambda: snapshot.keep(store, report, kept, store.data_generation()))


def test_another_process_writing_moves_it_on_for_this_connection(store):
    before = store.data_generation()
    with Store.open(store.data_dir) as other:
        log_intake(other, RUN_DAY, 2000)
    assert store.data_generation() == before + 1


def test_a_pull_moves_it_on(home, fake):
    with Store.open(home) as store:
        before = store.data_generation()
    summary = pull_from(home, fake, date(2023, 7, 3), since=date(2023, 7, 1))
    assert summary.days_stored
    with Store.open(home) as store:
        assert store.data_generation() > before


def test_a_changed_config_changes_the_fingerprint(store):
    same = snapshot.fingerprint(store, Config())
    assert snapshot.fingerprint(store, Config()) == same
    steps = dataclasses.replace(CONFIG.targets, steps_per_day=12_000)
    assert snapshot.fingerprint(store, dataclasses.replace(CONFIG, targets=steps)) != same
    unit = dataclasses.replace(CONFIG.wearer, weight_unit="lb")
    assert snapshot.fingerprint(store, dataclasses.replace(CONFIG, wearer=unit)) != same
