from pathlib import Path

import pytest

from wearsync.dashboard.drop_paths import is_importable, parse_paste


def parse(text: str, existing: tuple[str, ...] = ()) -> list[str]:
    return [str(p) for p in parse_paste(text, exists=lambda p: p in existing)]


def test_gnome_terminal_single_quoted_with_trailing_space():
    assert parse("'/d/My Run.fit' '/d/b.fit' ") == ["/d/My Run.fit", "/d/b.fit"]


def test_konsole_quotes_only_when_needed():
    assert parse("/d/a.fit '/d/My Run.fit' /d/c.FIT") == ["/d/a.fit", "/d/My Run.fit", "/d/c.FIT"]


def test_kitty_one_unquoted_path_per_line():
    text = "/d/My Run.fit\n/d/b.fit\n"
    assert parse(text, existing=("/d/My Run.fit",)) == ["/d/My Run.fit", "/d/b.fit"]


def test_unquoted_line_with_spaces_splits_when_whole_line_is_not_a_file():
    assert parse("/d/a.fit /d/b.fit") == ["/d/a.fit", "/d/b.fit"]


def test_iterm_backslash_escaped_spaces_and_parentheses():
    assert parse(r"/d/My\ Run\ \(1\).fit /d/b.fit") == ["/d/My Run (1).fit", "/d/b.fit"]


def test_windows_terminal_double_quoted():
    assert parse(r'"C:\d\My Run.fit" "C:\d\b.fit"') == [r"C:\d\My Run.fit", r"C:\d\b.fit"]


def test_windows_unquoted_keeps_backslashes():
    assert parse(r"C:\Users\me\run.fit \\nas\share\walk.fit") == [r"C:\Users\me\run.fit", r"\\nas\share\walk.fit"]


def test_double_quoted_posix_path_with_escaped_quote():
    assert parse(r'"/d/say \"hi\".fit"') == ['/d/say "hi".fit']


def test_file_uris_with_percent_escapes():
    text = "file:///d/My%20Run.fit\r\nfile://localhost/d/b%23.fit\r\nfile:///C:/d/x.fit"
    assert parse(text) == ["/d/My Run.fit", "/d/b#.fit", "C:/d/x.fit"]


def test_file_uri_with_a_host_names_a_network_path():
    assert parse("file://nas/share/a.fit") == ["//nas/share/a.fit"]


def test_home_is_expanded(monkeypatch):
    monkeypatch.setenv("HOME", "/home/pat")
    assert parse("~/runs/a.fit") == ["/home/pat/runs/a.fit"]


def test_relative_paths_need_a_dot_slash():
    assert parse("./a.fit ../b.fit a.fit") == ["a.fit", "../b.fit"]


def test_repeats_are_dropped():
    assert parse("'/d/a.fit' /d/a.fit") == ["/d/a.fit"]


@pytest.mark.parametrize("text", ["", "   \n ", "hello there", "run 5k today", "'just words'"])
def test_text_that_is_not_a_path_gives_nothing(text):
    assert parse(text) == []


def test_unclosed_quote_takes_the_rest_of_the_line():
    assert parse("'/d/My Run.fit") == ["/d/My Run.fit"]


def test_default_exists_check_uses_the_file_system(tmp_path):
    spaced = tmp_path / "My Run.fit"
    spaced.write_bytes(b"")
    assert parse_paste(f"{spaced}\n") == [spaced]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("a.fit", True),
        ("A.FIT", True),
        ("export.zip", True),
        ("notes.txt", False),
        ("a.fit.gz", False),
    ],
)
def test_importable_files(name, expected):
    assert is_importable(Path("/d") / name, is_dir=lambda p: False) is expected


def test_folders_are_importable(tmp_path):
    assert is_importable(tmp_path)
