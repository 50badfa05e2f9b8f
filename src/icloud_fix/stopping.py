"""How a signal stops a run: SIGINT, SIGTERM and SIGHUP (and SIGPIPE while a person is
asked) end it with 128 + the signal's number, after the session has said what was
answered, kept it for --resume and put the terminal back.

Python runs a signal handler in the main thread between two bytecodes, wherever that
thread is. An exception raised there breaks code that was never written for it:
threading's Condition, under Thread.start() and Event.wait(), is left releasing a lock
twice ("release unlocked lock", an internal error); asyncio and prompt_toolkit lose
their clean-up. So the handler here raises only where that is known to be safe, and
otherwise keeps the signal for the next place that takes it:

- while a prompt waits, ``asking`` hands the signal to the prompt's own event loop,
  which ends the prompt as a key press would;
- while a plain prompt reads its line, ``interruptible`` lets the signal interrupt it;
- inside ``deferred`` (a whole interactive session between its prompts, starting a
  background reading or waiting for one) the signal waits for the next prompt, which
  stops instead of asking, or for the end of the block;
- anywhere else (starting up, a scripted run) it raises at once, as Python's own
  SIGINT handler does.

Only the first signal counts: it starts the stop and decides the exit code. Another
that comes while the session stops is ignored, so it can neither cut the summary
short, nor change the exit code, nor land in the middle of the clean-up. ("First" is
the first the process takes: two sent back to back are both pending at once, and the
kernel hands them over lowest number first, to whichever thread runs first, so which
was sent first cannot be known.)
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

from icloud_fix.errors import EXIT_INPUT_ERROR, Terminated

# The signals that stop a run wherever it is; SIGPIPE only while a person is asked
# (``catching``): anywhere else it is the reader of our output going away, which the
# default action already ends quietly with 141.
SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

class Stops:
    """The stop of one run: the first signal, the one waiting to be raised, and where
    the main thread is (a prompt waiting, a plain read, a deferred block). cli.main
    makes one a run and makes it the active one (``using``); the functions below act on
    the active one."""

    def __init__(self) -> None:
        self.received: Terminated | None = None  # the first signal of the run
        # Set by the first handler before it calls anything: a second signal's handler
        # can run inside the first one (between two of its bytecodes, at a call), and
        # must then see that a stop is under way, or both would start one.
        self.claimed = False
        self.pending: Terminated | None = None  # received, not yet raised into the session
        self.deferring = 0  # how many ``deferred`` blocks the main thread is in
        self.interruptible = False
        self.on_signal: Callable[[Terminated], None] | None = None  # a waiting prompt's way out

    def handle(self, signum: int, _frame: object) -> None:
        # No call between the test and the claim: CPython runs another handler only at
        # a call or a jump back, so no second signal can slip in between.
        if self.claimed:
            return  # a stop is under way: the first signal decides how it ends
        self.claimed = True
        stop = Terminated(signum, signal.Signals(signum).name)
        self.received = self.pending = stop
        if self.on_signal is not None:
            self.on_signal(stop)
        elif self.interruptible or not self.deferring:
            self.pending = None
            raise stop

    def check(self) -> None:
        stop = self.pending
        if stop is not None:
            self.pending = None
            raise stop


# What a caller that never ran cli.main (a test of a prompter) acts on.
_active = Stops()


@contextlib.contextmanager
def using(stops: Stops) -> Iterator[Stops]:
    """Make ``stops`` the active one for the duration, and the one before it after."""
    global _active
    before, _active = _active, stops
    try:
        yield stops
    finally:
        _active = before


def active() -> Stops:
    return _active


def install() -> None:
    """Stop on SIGINT, SIGTERM and SIGHUP as this module says (from the entry point)."""
    handle = _active.handle
    for name in SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, handle)


def pending() -> Terminated | None:
    """A signal that came and has not stopped the session yet."""
    return _active.pending


def check() -> None:
    """Stop here if a signal came and has not stopped the session yet."""
    _active.check()


@contextlib.contextmanager
def deferred(deliver: bool = True) -> Iterator[None]:
    """A signal that comes inside waits: for the next prompt, or with ``deliver``, for
    the end of the block (unless an enclosing block defers it further)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are handled in the main thread only: nothing to defer here
        return
    stops = _active
    stops.deferring += 1
    try:
        yield
    finally:
        stops.deferring -= 1
    if deliver and not stops.deferring and stops.on_signal is None:
        stops.check()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """A signal that comes inside raises at once: for a blocking read that it ends."""
    stops = _active
    # Set first, then look: a signal between the two is seen by one or the other.
    stops.interruptible = True
    try:
        stops.check()
        yield
    finally:
        stops.interruptible = False


@contextlib.contextmanager
def asking(on_signal: Callable[[Terminated], None]) -> Iterator[None]:
    """While a prompt waits, a signal calls ``on_signal`` (in the main thread, between two
    bytecodes: it may only schedule the prompt's end), and the prompt raises it. One that
    came before the prompt, or as it was answered, is raised here."""
    stops = _active
    stops.on_signal = on_signal
    try:
        stops.check()
        yield
    except BaseException as exc:
        if exc is stops.pending:
            stops.pending = None  # the prompt ended with it
        raise
    finally:
        stops.on_signal = None
    stops.check()


@contextlib.contextmanager
def catching(name: str) -> Iterator[None]:
    """Treat one more signal (SIGPIPE) as a stop for the duration."""
    signum = getattr(signal, name, None)
    previous = None
    if signum is not None:
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            previous = signal.signal(signum, _active.handle)
    try:
        yield
    finally:
        if signum is not None and previous is not None:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, previous)


def ending() -> None:
    """The run has decided how it ends: a signal from now on changes nothing. (Raised in
    Python's own shutdown, it would print a traceback.)"""
    for name in SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(signum, signal.SIG_IGN)


def exit_code(code: object) -> object:
    """The code the run ends with: the first signal's, once one came, even after the last
    answer with nothing left to stop (a session's outcome, or the 130 that typer makes
    of any KeyboardInterrupt, gives way to it); bad input (2) still says what it is."""
    received = _active.received
    if received is None or not isinstance(code, int) or code == EXIT_INPUT_ERROR:
        return code
    return received.exit_code
