"""Turn the text a terminal pastes when files are dropped on it into paths.

Terminals send a drop as one bracketed paste, each in its own style:
GNOME Terminal `'/d/My Run.fit' '/d/b.fit' ` (always single-quoted), Konsole quotes only
when needed, kitty one unquoted path per line, iTerm2 and WezTerm escape spaces with
backslashes, Windows Terminal `"C:\\d\\My Run.fit"`, and some send `file://` URIs with
%-escapes. Parsing is pure apart from the `exists` check, which is injected so tests can
decide which files "exist".
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMPORTABLE_SUFFIXES = (".fit", ".zip")

_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")
_PATH_START = re.compile(r"^(?:/|~|\.{1,2}/|file://|[A-Za-z]:[\\/]|\\\\)")


def parse_paste(text: str, exists: Callable[[str], bool] = os.path.exists) -> list[Path]:
    """The paths in pasted text, in order, without repeats; words that are not paths are left out.

    An unquoted line with spaces is one path if a file of that whole name exists (kitty sends
    `/d/My Run.fit` bare), else it is split on whitespace (Konsole's `/d/a.fit /d/b.fit`).
    """
    found: list[Path] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        whole = _to_path(line)
        if whole and not _has_quoting(line) and " " in line and exists(whole):
            words = [whole]
        else:
            words = [w for w in (_to_path(token) for token in _split_words(line)) if w]
        for word in words:
            path = Path(word)
            if path not in found:
                found.append(path)
    return found


def is_importable(path: Path, is_dir: Callable[[Path], bool] = Path.is_dir) -> bool:
    """A FIT file, a zip (an export) or a folder: what the importer accepts."""
    return path.suffix.lower() in IMPORTABLE_SUFFIXES or is_dir(path)


def _has_quoting(line: str) -> bool:
    return any(ch in line for ch in "'\"") or bool(re.search(r"\\ ", line))


def _to_path(word: str) -> str | None:
    """A word as a path string, or None when it does not look like one."""
    if not _PATH_START.match(word):
        return None
    if word.startswith("file://"):
        parts = urlsplit(word)
        path = unquote(parts.path)
        # file:///C:/d/x.fit names a Windows drive; drop the slash before the letter.
        if re.match(r"^/[A-Za-z]:/", path):
            path = path[1:]
        elif parts.netloc and parts.netloc != "localhost":
            path = f"//{parts.netloc}{path}"
        return path or None
    if word.startswith("~"):
        return os.path.expanduser(word)
    return word


def _split_words(line: str) -> list[str]:
    """Shell-like word splitting that leaves Windows paths' backslashes alone.

    Single quotes are literal; in double quotes only `\\"` is an escape (Windows Terminal
    puts backslash-separated paths there); outside quotes a backslash escapes the next
    character unless the word is a Windows path.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch in " \t":
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            i += 1
            continue
        in_word = True
        if ch == "'":
            end = line.find("'", i + 1)
            end = len(line) if end < 0 else end
            current.append(line[i + 1 : end])
            i = end + 1
        elif ch == '"':
            i += 1
            while i < len(line) and line[i] != '"':
                if line[i] == "\\" and line[i + 1 : i + 2] == '"':
                    i += 1
                current.append(line[i])
                i += 1
            i += 1
        elif ch == "\\" and not _WINDOWS_PATH.match("".join(current) + line[i:]) and i + 1 < len(line):
            current.append(line[i + 1])
            i += 2
        else:
            current.append(ch)
            i += 1
    if in_word:
        words.append("".join(current))
    return words
