"""Readings taken in the background: a connected iPhone and Apple's feeds.

Everything starts at once on background threads, so the first question is never
delayed; a question that a reading settles asks for it later, waiting a moment at
most. Without a phone, a device tool or a network it only has a one-line
note to give, and the wizard asks as before.
"""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

from icloud_fix import kinds, stopping
from icloud_fix.engine import AppleStatus, Device, Origin, Outage, Reply
from icloud_fix.flow import Answer, Flow, Question
from icloud_fix.probes import apple_feeds, iphone
from icloud_fix.probes.iphone import DeviceReading, DeviceUnavailable
from icloud_fix.probes.readings import READINGS, device_note

T = TypeVar("T")

# How long a wait for a reading goes before it looks for a signal to stop on.
_SLICE = 0.1


class _Background(Generic[T]):
    """A value computed once on a daemon thread, from when start() is called."""

    def __init__(self, work: object) -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._work = work
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        self._started = True

        def target() -> None:
            try:
                self._value = self._work()  # type: ignore[operator]
            except Exception:  # a reading that cannot be understood is no reading
                self._value = None
            finally:
                self._done.set()

        # Thread.start() waits on a Condition: a signal handler that raised inside it
        # would leave a lock released twice (an internal error instead of the stop).
        with stopping.deferred():
            threading.Thread(target=target, daemon=True).start()

    def get(self, wait: float) -> tuple[bool, T | None]:
        """(ready, value): the value if it came within ``wait`` seconds, or less when a
        signal stops the run meanwhile."""
        if not self._started:
            return False, None
        deadline = time.monotonic() + wait
        while True:
            # Waits in slices, deferring signals as start() does, so that one that comes
            # is taken within a slice (raised at the end of it outside a session).
            with stopping.deferred():
                ready = self._done.wait(max(0.0, min(deadline - time.monotonic(), _SLICE)))
            if ready or stopping.pending() is not None or time.monotonic() >= deadline:
                return ready, self._value


class BackgroundReadings:
    """Call start() once the first question is on the screen: the readings then run
    while the person answers, and cannot slow down the first question."""

    def __init__(self, flow: Flow, offline: bool, timeout: float = apple_feeds.TIMEOUT) -> None:
        self.flow = flow
        self.offline = offline
        needs_device = any(kinds.suggested_by(q) is not None for _, q in flow.questions())
        self._device: _Background[DeviceReading | DeviceUnavailable] | None = (
            _Background(lambda: iphone.read(timeout)) if needs_device else None)
        self._latest: _Background[tuple[str, ...] | None] | None = None
        self._latest_lock = threading.Lock()
        self._timeout = timeout
        self._announced = False
        self._noted = False
        self._status: _Background[list[Outage] | None] | None = None
        if flow.service_status and not offline:
            services = flow.service_status
            self._status = _Background(lambda: apple_feeds.service_status(services, timeout))

    def start(self) -> None:
        for work in (self._device, self._status):
            if work is not None:
                work.start()

    # -- Apple's System Status ---------------------------------------------------------

    def status(self, wait: float) -> AppleStatus | None:
        """Apple's System Status as known after ``wait`` seconds at most; None when the
        session does not look at it."""
        if self._status is None:
            return None
        ready, outages = self._status.get(wait)
        return AppleStatus(reachable=ready and outages is not None,
                           outages=tuple(outages or ()))

    def take_outages(self) -> list[Outage]:
        """Ongoing outages not yet shown to the person, once known (never waits)."""
        status = self.status(0)
        if self._announced or status is None or not status.outages:
            return []
        self._announced = True
        return list(status.outages)

    # -- the connected iPhone ------------------------------------------------------------

    def reading(self, wait: float) -> DeviceReading | DeviceUnavailable | None:
        if self._device is None:
            return None
        ready, value = self._device.get(wait)
        return value if ready else None

    def device(self) -> Device | None:
        """The iPhone read, as the reports name it, once read (never waits)."""
        reading = self.reading(0)
        if not isinstance(reading, DeviceReading) or not (
                reading.product_type or reading.product_version):
            return None
        from icloud_fix.probes.models import model_name

        return Device(reading.product_type,
                      model_name(reading.product_type) if reading.product_type else None,
                      reading.product_version, reading.locale, reading.language)

    def take_note(self) -> str | None:
        """Once per session, one line in a person's words on why nothing was read from an
        iPhone (none when there is no device tool: most people have none, and --verbose
        says so)."""
        value = self.reading(0)
        if self._noted or not isinstance(value, DeviceUnavailable):
            return None
        self._noted = True
        return device_note(value)

    def _latest_ios(self, product_type: str, wait: float) -> tuple[str, ...] | None:
        if self.offline:
            return None
        with self._latest_lock:
            if self._latest is None:
                self._latest = _Background(
                    lambda: apple_feeds.ios_versions(product_type, self._timeout))
                self._latest.start()
        return self._latest.get(wait)[1]

    def suggestion(self, question: Question, wait: float) -> Reply | None:
        """The answer a reading suggests for this question, with its evidence."""
        rule = kinds.suggested_by(question)
        if rule is None or rule.reading not in READINGS:
            return None
        self.start()  # a question that needs the reading may wait for it
        reading = self.reading(wait)
        if not isinstance(reading, DeviceReading):
            return None
        try:
            verdict = READINGS[rule.reading].judge(
                rule, reading, lambda model: self._latest_ios(model, max(wait, 0.0)))
        except (ArithmeticError, ValueError, TypeError):
            # A reading that cannot be judged (a number of 400 digits) is no reading.
            return None
        if verdict is None:
            return None
        # The reports keep the verdict's detail; ``said`` is it in a person's words.
        return Reply(Answer.YES if verdict.yes else Answer.NO, Origin.PROBE,
                          verdict.detail, said=verdict.said)
