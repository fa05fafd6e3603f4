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

    def __init__(self, env: dict[str, str], width: int = 100, height: int = 30):
        self.socket = f"wearsync-test-{uuid.uuid4().hex[:8]}"
        command = " ".join([*(f"{k}={v}" for k, v in env.items()), sys.executable, "-m", "wearsync"])
        self.tmux("new-session", "-d", "-s", "ws", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

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

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(wearsync_home, tmp_path):
    env = {"WEARSYNC_HOME": str(wearsync_home), "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
           "PATH": os.environ["PATH"], "TERM": "xterm-256color"}
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
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run(["tmux", "-L", terminal.socket, "has-session", "-t", "ws"],
                          capture_output=True).returncode != 0:
            return
        time.sleep(0.1)
    raise AssertionError("the dashboard did not quit on q")
