"""--verbose: what the readings did, one line each on stderr.

Each command run and each feed fetched says how it ended, with its timing, after
VERBOSE_PREFIX. Off unless the command line asks: only cli.py turns it on, and the
probes that report here are imported only by runs that read something, so a scripted
run never loads this module.

The readings run on background threads, while a person may be answering a prompt.
Each line is one write, under a lock, so lines never mix. When stderr is a terminal
(a prompt may be on it) the lines wait, and are written just before the report;
into a file or a pipe they are written as they happen. Nothing is written after
finish(): what is still running then is said once, as still running.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback

from icloud_fix.errors import ERROR_PREFIX
from icloud_fix.safe_text import one_line

VERBOSE_PREFIX = f"{ERROR_PREFIX}verbose: "

class Log:
    """The verbose lines of one run: held until finish() when stderr is a terminal,
    written as they come otherwise. --verbose makes one (cli.py, through turn_on)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        isatty = getattr(sys.stderr, "isatty", None)
        self.live = not (isatty and isatty())  # write lines as they come
        self.finished = False
        self.held: list[str] = []
        self.running: dict[int, tuple[str, float]] = {}  # id of a Step: what, when it began

    def say(self, text: str) -> None:
        line = f"{VERBOSE_PREFIX}{one_line(text)}\n"
        with self.lock:
            if self.finished:
                return
            if self.live:
                _write(line)
            else:
                self.held.append(line)

    def finish(self) -> None:
        now = time.monotonic()
        with self.lock:
            if self.finished:
                return
            self.finished = True
            lines = self.held[:]
            self.held.clear()
            lines += [f"{VERBOSE_PREFIX}{one_line(what)}: still running, not waited for "
                      f"({_milliseconds(now - began)} so far)\n"
                      for what, began in sorted(self.running.values(), key=lambda r: r[1])]
            for line in lines:
                _write(line)


# The run's log while --verbose is on; None (the default) says nothing.
_log: Log | None = None


def turn_on() -> None:
    """Report from now on, in a log of this run's own (nothing of an earlier run in a
    test process carries over)."""
    global _log
    _log = Log()


def turn_off() -> None:
    """Report nothing (the default), e.g. in a later run of the same test process."""
    global _log
    _log = None


def is_on() -> bool:
    return _log is not None


def say(text: str) -> None:
    """One verbose line, if --verbose was given; text from outside is made harmless."""
    log = _log
    if log is not None:
        log.say(text)


class Step:
    """Something the readings do, timed from its start; done() says how it ended."""

    def __init__(self, what: str, log: Log) -> None:
        self.what = what
        self.log = log
        self.began = time.monotonic()
        with log.lock:
            log.running[id(self)] = (what, self.began)

    def done(self, how: str) -> None:
        with self.log.lock:
            self.log.running.pop(id(self), None)
        self.log.say(f"{self.what}: {how}, {_milliseconds(time.monotonic() - self.began)}")


class _NoStep(Step):
    def __init__(self) -> None:  # no clock, no lock: --verbose is off
        pass

    def done(self, how: str) -> None:
        pass


_NO_STEP = _NoStep()


def begin(what: str) -> Step:
    """A step of the readings, starting now (one that costs nothing when off)."""
    log = _log
    return Step(what, log) if log is not None else _NO_STEP


def finish() -> None:
    """The report comes next: write the lines held, say what is still running, and say
    nothing more (a reading that ends later would land after the report)."""
    log = _log
    if log is not None:
        log.finish()


def details(exc: BaseException) -> None:
    """The traceback of a bug, as verbose lines, to attach to a report of it."""
    import platform

    from icloud_fix import __version__

    finish()
    _write(f"{VERBOSE_PREFIX}icloud-fix {__version__}, Python {platform.python_version()}, "
           f"{one_line(platform.platform())}\n")
    for block in traceback.format_exception(exc):
        for line in block.rstrip("\n").splitlines():
            _write(f"{VERBOSE_PREFIX}{one_line(line)}\n")


def _write(line: str) -> None:
    # One write a line, flushed, so a line from a reading's thread is never cut by one
    # from another thread; a stderr that cannot be written takes nothing.
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"
