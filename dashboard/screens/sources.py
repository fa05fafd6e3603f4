"""The sources view: each source's last pull and result, any Garmin cooldown, recent imports.

`f` forgets the selected import's recording (after a confirmation): its rows, its original and
the analytics it fed, as `wearsync forget` does.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wearsync.dashboard.screens.base import Selection, ViewScreen
from wearsync.dashboard.screens.dialogs import ConfirmDialog
from wearsync.dashboard.sync_actions import garmin_cooldown, garmin_gaps
from wearsync.store import Store, listings

RUN_COLUMNS = (("source", "Source", 8), ("when", "Last run", 16), ("outcome", "Result", 12), ("message", "Message", 34))
# Within 80 columns beside the table's scroll bar; a longer "why" wraps.
IMPORT_COLUMNS = (("when", "When", 12), ("outcome", "Outcome", 9), ("file", "File", 23), ("why", "Why", 22))


class SourcesScreen(ViewScreen):
    """Where data came from lately and what went wrong."""

    VIEW = "sources"
    READS_REPORTS: ClassVar[bool] = False
    BINDINGS: ClassVar[list[BindingType]] = [*ViewScreen.BINDINGS, Binding("f", "forget", "Forget")]
    imports: list[dict] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="sources-body"):
            yield Static(id="cooldown", markup=False)
            yield Static(id="gaps", markup=False)
            yield Static(id="garmin-days", markup=False)
            runs: DataTable[str] = DataTable(id="runs", cursor_type="none")
            for key, title, width in RUN_COLUMNS:
                runs.add_column(title, key=key, width=width)
            yield runs
            yield Static("Recent imports (skipped and failed files say why)", id="imports-title")
            imports: DataTable[str] = DataTable(id="imports", cursor_type="row", zebra_stripes=True)
            for key, title, width in IMPORT_COLUMNS:
                imports.add_column(title, key=key, width=width)
            yield imports

    def load(self, store: Store, selection: Selection) -> dict:
        return {
            "cooldown": garmin_cooldown(store),
            "gaps": garmin_gaps(store, selection.config),
            "garmin_days": _garmin_days(store),
            "runs": listings.last_runs(store),
            "imports": listings.recent_imports(store),
        }

    def show(self, data: dict, selection: Selection) -> None:
        until = data["cooldown"]
        self.query_one("#cooldown", Static).update(
            f"Garmin is cooling down after a rate limit: no requests before {_when(until)}."
            if until
            else "No Garmin cooldown."
        )
        gaps = self.query_one("#gaps", Static)
        gaps.display = data["gaps"] is not None  # shown once Garmin has been pulled
        gaps.update(_gaps_line(data["gaps"]) if data["gaps"] is not None else "")
        days = self.query_one("#garmin-days", Static)
        days.display = bool(data["garmin_days"])
        days.update("\n".join(f"{day}: {words}" for day, words in data["garmin_days"]))
        runs = self.query_one("#runs", DataTable)
        runs.clear()
        for run in data["runs"]:
            runs.add_row(
                run["source"],
                _when(run["finished_at"] or run["started_at"]),
                run["outcome"] or "running",
                run["message"] or "",
                height=None,
            )
        if not runs.row_count:
            runs.add_row("—", "never", "", "Press p to pull, or drop FIT files here.")
        imports = self.query_one("#imports", DataTable)
        imports.clear()
        self.imports = data["imports"]
        for event in data["imports"]:
            imports.add_row(
                _when(event["at"], short=True),
                event["outcome"],
                _name(event["path"]),
                event["message"] or "",
                height=None,
            )  # reasons wrap

    def action_forget(self) -> None:
        """Ask to forget the recording of the selected import."""
        row = self.query_one("#imports", DataTable).cursor_row
        if not 0 <= row < len(self.imports):
            self.app.set_status("Select an import first.")
            return
        self.find_worker(self.imports[row]["path"])

    @work(thread=True, group="forget", exit_on_error=False, name="Finding the recording")
    def find_worker(self, path: str) -> None:
        from wearsync.errors import UnknownRecording
        from wearsync.undo import resolve

        with Store.open(self.app.store.data_dir) as store:
            try:
                items = resolve(store, [path])
            except UnknownRecording:
                items = []
        self.app.call_from_thread(self._confirm, path, items)

    def _confirm(self, path: str, items: list) -> None:
        name = _name(path)
        if not items:
            self.app.set_status(f"Nothing is stored from {name} (it failed, or was forgotten).")
            return
        days = sorted({d for item in items for d in item.local_days})
        details = (
            f"{name} ({', '.join(days[:3])}{' …' if len(days) > 3 else ''}): its activities, heart rate and "
            "monitoring values, its kept original and the numbers it fed are removed. The reports "
            "become what they were before it was imported."
        )

        def forget_if_confirmed(yes: bool | None) -> None:
            if yes:
                self.forget_worker(name, items)

        self.app.push_screen(ConfirmDialog(f"Forget {name}?", details, "Forget"), forget_if_confirmed)

    @work(thread=True, group="forget", exit_on_error=False, name="Forget")
    def forget_worker(self, name: str, items: list) -> None:
        from wearsync.undo import forget

        with Store.open(self.app.store.data_dir) as store:
            forget(store, items)
        self.app.call_from_thread(self._forgotten, name)

    def _forgotten(self, name: str) -> None:
        self.app.set_status(f"Forgot {name}.")
        self.app.check_for_changes()


def _garmin_days(store: Store) -> list[tuple[str, str]]:
    """The Garmin days to show by kind: the last three pulled, and every older one a later pull
    still asks again or that failed (at most ten lines)."""
    from wearsync.undo import garmin_days_in_words

    days = garmin_days_in_words(store)
    unsettled = [(d, w) for d, _at, w in days[:-3] if "asked again" in w.rsplit("; weigh-ins", 1)[0]]
    return (unsettled[-7:] + [(d, w) for d, _at, w in days[-3:]])[-10:]


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _gaps_line(gaps: dict) -> str:
    if not gaps["missing"]:
        return "Garmin Connect: no days missing."
    minutes = max(1, round(gaps["estimate_s"] / 60))
    return (
        f"Garmin Connect: {gaps['missing']} days not pulled yet (oldest {gaps['oldest_missing']}); "
        f"about {minutes} min of pulling at the pace the last pull measured (p pulls; a cooldown pauses it)."
    )


def _when(timestamp: float | None, short: bool = False) -> str:
    if timestamp is None:
        return "—"
    return f"{datetime.fromtimestamp(timestamp):{'%d %b %H:%M' if short else '%Y-%m-%d %H:%M'}}"
