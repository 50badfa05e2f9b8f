"""What a session changes in the process it runs in, saved when it begins and put back
when it ends, so that a caller in the same process (a test, a program that runs a
session) finds the process as it left it: the handlers of the signals that stop a
session, sys.unraisablehook, the warnings filters, and the loggers of asyncio and
prompt_toolkit (quietened while a prompter runs, prompts.rich_prompter)."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import warnings
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

# SIGPIPE too: stopping.catching takes it while a person is asked.
_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE")
_LOGGERS = ("asyncio", "prompt_toolkit")


@dataclass
class _Logger:
    handlers: list[Any] = field(default_factory=list)
    propagate: bool = True  # as a logger is before anything configures it


@dataclass
class ProcessState:
    """A context manager: ``with ProcessState():`` around a session."""

    _handlers: dict[int, Any] = field(default_factory=dict)
    _hook: Any = None
    _warnings: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _loggers: dict[str, _Logger] = field(default_factory=dict)

    def __enter__(self) -> ProcessState:
        for name in _SIGNALS:
            signum = getattr(signal, name, None)
            if signum is not None:
                self._handlers[signum] = signal.getsignal(signum)
        self._hook = sys.unraisablehook
        self._warnings.enter_context(warnings.catch_warnings())  # puts the filters back
        # A scripted run never loads logging: then nobody has configured these yet.
        logging = sys.modules.get("logging")
        for name in _LOGGERS:
            logger = logging.getLogger(name) if logging is not None else None
            self._loggers[name] = (_Logger(list(logger.handlers), logger.propagate)
                                   if logger is not None else _Logger())
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if sys.unraisablehook is not self._hook:
            # What a prompt left half-built (an event loop a Ctrl-C cut into) is
            # finalised now, while the prompter's quiet hook and filters still hold.
            gc.collect()
        logging = sys.modules.get("logging")
        if logging is not None:
            for name, saved in self._loggers.items():
                logger = logging.getLogger(name)
                logger.handlers[:] = saved.handlers
                logger.propagate = saved.propagate
        self._warnings.close()
        sys.unraisablehook = self._hook
        for signum, handler in self._handlers.items():
            if handler is not None:  # None: set from outside Python, left as it is
                # Not the main thread: nothing was changed there.
                with contextlib.suppress(ValueError, OSError):
                    signal.signal(signum, handler)
