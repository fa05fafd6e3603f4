"""Issue 23, the soak in the suite: two real dashboards (tmux) open on one store for 25 s while
`pull` (from the fake Garmin Connect), `import`/`forget`, `log intake`, `log weight` and `report`
loop in processes of their own; then every process ended as documented, no dashboard showed an
error, both show `report --json`'s week, every row logged, imported or pulled is there and
`PRAGMA integrity_check` is "ok". tests/soak.py is the harness; bench/soak.py runs it for minutes."""

import pytest

from tests.soak import missing_requirements, soak

SECONDS = 25  # of loops; with the start and the end checks the test takes under a minute
REFRESH_S = 15  # the dashboards poll the store every second: time enough to show the last data

pytestmark = pytest.mark.soak


def test_dashboards_open_while_other_processes_write_leave_a_whole_store(tmp_path):
    why = missing_requirements()
    if why:
        pytest.skip(why)
    result = soak(tmp_path, SECONDS, REFRESH_S)
    print(result.summary())
    runs = {
        kind: sum(1 for r in result.runs if r.kind == kind) for kind in ("pull", "import", "intake", "weight", "report")
    }
    assert all(runs.values()), f"a loop never ran: {runs}\n{result.details()}"
    assert result.ok, result.details()
