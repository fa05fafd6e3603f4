import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.functional.conftest import RUN

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One dashboard in a private tmux server (its own socket), as a person's terminal would run it."""

    def __init__(self, env: dict[str, str], width: int = 100, height: int = 30, *, after: str = ""):
        self.socket = f"wearsync-test-{uuid.uuid4().hex[:8]}"
        command = " ".join([*(f"{k}={v}" for k, v in env.items()), sys.executable, "-m", "wearsync"]) + after
        self.tmux("new-session", "-d", "-s", "ws", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "ws")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "ws", *keys)

    def drop(self, text: str) -> None:
        # What a terminal does with a file drop: one bracketed paste (-p) of the quoted paths.
        self.tmux("set-buffer", "-b", "drop", text)
        self.tmux("paste-buffer", "-p", "-d", "-b", "drop", "-t", "ws")

    def wait_for_exit(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "ws"], capture_output=True).returncode
                != 0
            ):
                return
            time.sleep(0.1)
        raise AssertionError(f"wearsync did not exit; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(wearsync_home, tmp_path):
    env = {
        "WEARSYNC_HOME": str(wearsync_home),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "PATH": os.environ["PATH"],
        "TERM": "xterm-256color",
    }
    session = Tmux(env)
    yield session
    session.close()


def test_drop_navigate_and_quit_in_a_real_terminal(terminal, tmp_path):
    dropped = tmp_path / "My Run.fit"
    shutil.copy(RUN, dropped)
    terminal.wait_for("Welcome to wearsync")
    terminal.drop(f"'{dropped}' ")
    screen = terminal.wait_for("1 imported")
    assert "My Run.fit" in screen
    terminal.keys("Escape")
    terminal.wait_for("2015-W33")
    terminal.wait_for("Sat 15")
    terminal.keys("h")
    terminal.wait_for("Cardio goal-equivalent minutes a week")
    terminal.keys("d")
    terminal.wait_for("Heart rate by hour")
    terminal.keys("s")
    terminal.wait_for("My Run.fit")
    terminal.keys("w", "Left")
    terminal.wait_for("2015-W32")
    terminal.keys("q")
    terminal.wait_for_exit()


def _env(wearsync_home, tmp_path, **more: str) -> dict[str, str]:
    return {
        "WEARSYNC_HOME": str(wearsync_home),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "PATH": os.environ["PATH"],
        "TERM": "xterm-256color",
        **more,
    }


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_no_color_draws_every_view_with_its_charts_and_quits_with_0(demo_store, tmp_path, size):
    demo_store.close()  # the dashboard in tmux opens it itself
    status = tmp_path / "status"
    session = Tmux(_env(demo_store.data_dir, tmp_path, NO_COLOR="1"), *size, after=f"; echo $? > {status}; sleep 30")
    try:
        session.wait_for("Cardio score")  # the week view, its chart beside
        session.keys("d")
        session.wait_for("Heart rate by hour")
        session.keys("h")
        session.wait_for("Cardio goal-equivalent minutes a week")
        session.keys("q")
        deadline = time.monotonic() + 10
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status.read_text().strip() == "0", session.screen()
        assert "Traceback" not in session.screen() and "Error" not in session.screen()
    finally:
        session.close()


def test_without_a_terminal_for_its_output_the_dashboard_says_so_and_names_report(wearsync_home, tmp_path):
    # A cron line missing its subcommand: stdout is a pipe, not the terminal.
    out = tmp_path / "out"
    session = Tmux(_env(wearsync_home, tmp_path), after=f" 2>&1 | cat > {out}; sleep 30")
    try:
        deadline = time.monotonic() + 20
        while not (out.exists() and out.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        said = out.read_text()
        assert "needs a terminal" in said and "wearsync report" in said
        assert "\x1b" not in said  # no escape codes written into the pipe
    finally:
        session.close()
