"""Decoding a batch of FIT files in worker processes (spawned, never forked), in order, each worker
ending with the importing process; a worker that dies costs only its file (`Crash`)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any


@dataclass
class Crash:
    """A bug of ours met while decoding one file (crosses process lines as text)."""

    message: str


def decoded(items: Iterator, workers: int, decode: Callable[[bytes, str], Any]) -> Iterator:
    """(label, data, decode(data, label)) for the (label, data) items, in `workers` processes when
    more than one; other items (markers) pass through; order is kept. `decode` must not raise."""
    if workers <= 1:
        for item in items:
            yield item if not isinstance(item, tuple) else (*item, decode(item[1], item[0]))
        return
    with _pool(workers) as pool:
        window: deque = deque()
        for item in items:
            if not isinstance(item, tuple):
                window.append(item)
            else:
                window.append((*item, pool.submit(decode, item[1], item[0])))
            while len(window) > 4 * workers or (window and _ready(window[0])):
                yield _resolved(window.popleft())
        while window:
            yield _resolved(window.popleft())


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the dashboard imports from a thread, and forking a threaded
    # process can deadlock.
    context = multiprocessing.get_context("spawn")
    _start_resource_tracker()
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),))


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr.

    It hands `sys.stderr.fileno()` to its child; inside the dashboard, Textual has
    replaced sys.stderr with an object whose fileno is not a file descriptor, and
    starting a pool fails with "bad value(s) in fds_to_keep".
    """
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        resource_tracker.ensure_running()
        return
    saved = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the importing process ends, however it ends (a kill included)."""
    try:
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool notices a dead parent by its pipes
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _ready(item) -> bool:
    return not isinstance(item, tuple) or item[2].done()


def _resolved(item):
    if not isinstance(item, tuple):
        return item
    try:
        result = item[2].result()
    except Exception as exc:  # a worker died (killed, out of memory): this file's failure only
        result = Crash(f"the decoding process failed ({type(exc).__name__}: {exc})")
    return item[0], item[1], result
