"""The week on screen before the rest of the analytics cache (issue 14): a view's report brings
only its own days up to date, the earlier weeks fill in behind it, and the streak they make is
shown as pending, never 0, until they have."""

import threading
from datetime import date, timedelta

from tests.conftest import DAY_PIECES, MONITOR, require
from tests.functional.conftest import CONFIG, loaded, run_async, text_of
from wearsync.dashboard.app import build_app
from wearsync.dashboard.sync_actions import fill_history
from wearsync.reports import cache
from wearsync.reports import week as report_week
from wearsync.reports.cache import is_complete
from wearsync.reports.params import analytics_params
from wearsync.store import Store
from wearsync.sync.fit_import import import_paths
from wearsync.undo import forget, resolve

# The vivosmart 4's 2020-09-25 (week 2020-W39): the device's 200 goal-equivalent minutes on the
# Friday meet the week's 150 alone (test_report_cli). Then three weeks of Garmin Connect days, 150
# moderate minutes each Monday, worn every day: each meets the 150 on its own. The last week's
# streak by hand: W39, W40, W41 and W42 met in a row = 4.
FIRST_MONDAY = date(2020, 9, 28)
SHOWN = FIRST_MONDAY + timedelta(weeks=2)  # 2020-W42
AS_OF = date(2020, 11, 2)


def store_with_history(store):
    require(MONITOR)
    import_paths(store, [MONITOR / name for name in DAY_PIECES])
    rows = [((FIRST_MONDAY + timedelta(days=d)).isoformat(), 150 if d % 7 == 0 else 0) for d in range(21)]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO wellness (local_day, source, steps, moderate_min, vigorous_min, covered_s) "
            "VALUES (?, 'garmin', 2000, ?, 0, 86400)",
            rows,
        )
    return store


def stale_days(store):
    return [day for (day,) in store.conn.execute("SELECT local_day FROM analytics_stale_days ORDER BY 1")]


def test_a_views_week_report_computes_its_own_days_and_leaves_the_streak_pending(store):
    store_with_history(store)
    week = report_week.week_report(store, CONFIG, SHOWN, as_of=AS_OF, whole_history=False)
    assert week.streak_weeks is None  # unknown while 2020-09-25 waits, not 0
    assert (week.goal_minutes, week.cardio_met) == (150, True)  # the Monday's 150 minutes
    # the monitoring day is still to be computed; nothing of it was read for this week
    assert "2020-09-25" in stale_days(store) and not is_complete(store, analytics_params(store, CONFIG))
    # the whole history, as the command line's report computes it
    assert report_week.week_report(store, CONFIG, SHOWN, as_of=AS_OF).streak_weeks == 4
    assert stale_days(store) == [] and is_complete(store, analytics_params(store, CONFIG))


def test_a_file_forgotten_after_its_week_alone_was_computed_leaves_nothing_behind(store, tmp_path):
    # 2020-09-25 computed for its own week while the later weeks wait, then the day's first piece
    # forgotten: the day must read as in a store that never had that piece.
    store_with_history(store)
    before = report_week.week_report(store, CONFIG, date(2020, 9, 25), as_of=AS_OF, whole_history=False)
    forget(store, resolve(store, [str(MONITOR / DAY_PIECES[0])]))
    after = report_week.week_report(store, CONFIG, date(2020, 9, 25), as_of=AS_OF, whole_history=False)
    with Store.open(tmp_path / "never") as never:
        import_paths(never, [MONITOR / name for name in DAY_PIECES[1:]])
        expected = report_week.week_report(never, CONFIG, date(2020, 9, 25), as_of=AS_OF)

    def heart_rate(week):
        friday = week.days[4]
        return friday.local_day, friday.minutes_with_readings, friday.hr_moderate_min, friday.hr_vigorous_min

    assert heart_rate(after) == heart_rate(expected) != heart_rate(before)


@run_async
async def test_the_week_shows_while_the_earlier_weeks_are_computed_and_its_streak_after(store):
    store_with_history(store)
    go = threading.Event()

    def fill_when_told(store, config, progress):
        # the real fill, held until the test has looked at the week shown before it
        if go.wait(30):
            fill_history(store, config, progress)

    app = build_app(CONFIG, store, today=SHOWN + timedelta(days=2), fill=fill_when_told, poll_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3000):
            await pilot.pause(0.01)
            filling = any(w.group == "history" and w.is_running for w in app.workers)
            if filling and text_of(app, "#week-title").startswith("2020-W42"):
                break
        else:
            raise AssertionError("the week never showed while the earlier weeks were being computed")
        assert "Cardio 150/150 " in text_of(app, "#cardio-line")  # the Monday's 150 minutes
        days = text_of(app, "#cardio-days")
        assert "streak …" in days and "streak 0" not in days
        assert text_of(app, "#status-text").startswith("Computing the earlier weeks for the streak")
        go.set()
        await loaded(pilot)
        assert "streak 4 weeks" in text_of(app, "#cardio-days")
        assert text_of(app, "#status-text") == "Drop FIT files or a zip on this window to import them."
        assert is_complete(store, analytics_params(store, CONFIG)) and stale_days(store) == []


def test_a_refresh_stopped_after_the_minutes_classifies_their_days_next_time(store):
    # 2020-09-25's minutes written again (a piece forgotten), then the process gone before it
    # classified them: the day has no intensity results, and the next refresh must give it some.
    store_with_history(store)
    params = analytics_params(store, CONFIG)
    report_week.week_report(store, CONFIG, SHOWN, as_of=AS_OF)  # every day computed and classified
    forget(store, resolve(store, [str(MONITOR / DAY_PIECES[0])]))
    cache._refresh_minutes(store, None, None)  # the stopped refresh: minutes only
    assert store.conn.execute("SELECT count(*) FROM analytics_days WHERE local_day = '2020-09-25'").fetchone() == (0,)
    assert cache.refresh(store, params) >= {date(2020, 9, 25)}
    assert store.conn.execute("SELECT count(*) FROM analytics_days WHERE local_day = '2020-09-25'").fetchone() == (1,)
    assert is_complete(store, params)
