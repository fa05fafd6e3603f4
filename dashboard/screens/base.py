"""What the four views share: the view tabs, the status line, the footer and the week/day keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Tab, Tabs

from wearsync.dashboard.widgets.status import StatusLine

if TYPE_CHECKING:
    from wearsync.dashboard.app import WearsyncApp

VIEWS = (("week", "Week"), ("history", "History"), ("day", "Day"), ("sources", "Sources"))


class ViewScreen(Screen):
    """A full-screen view; subclasses compose the body and implement `reload`."""

    VIEW: ClassVar[str] = ""
    # Priority, so a focused table's cursor keys do not swallow week navigation.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "app.step(-1)", "Prev", priority=True, key_display="←"),
        Binding("right", "app.step(1)", "Next", priority=True, key_display="→"),
    ]

    app: WearsyncApp

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(f"{label} ({name[0]})", id=f"tab-{name}") for name, label in VIEWS),
                   active=f"tab-{self.VIEW}", id="views")
        yield from self.compose_body()
        yield StatusLine()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        """The view's own widgets."""
        yield from ()

    def reload(self) -> None:
        """Read the store again and redraw."""

    def on_screen_resume(self) -> None:
        self.query_one(Tabs).active = f"tab-{self.VIEW}"
        self.app.sync_status(self)
        self.app.reload_view(self)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        view = event.tab.id.removeprefix("tab-") if event.tab and event.tab.id else self.VIEW
        if view != self.VIEW:
            self.app.switch_mode(view)
