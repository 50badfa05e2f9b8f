"""Looking before asking: a connected iPhone and Apple's feeds, read in the background.

Everything starts at once on background threads, so the first question is never
delayed; a question that a reading settles asks for it later, waiting a moment at
most. Without a phone, a device tool or a network the Lookout only has a one-line
note to give, and the wizard asks as before.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from icloud_fix.engine import Reply
from icloud_fix.flow import Answer, Flow, Question
from icloud_fix.probes import apple_feeds
from icloud_fix.probes import iphone as device
from icloud_fix.probes.apple_feeds import Outage
from icloud_fix.probes.iphone import DeviceReading, DeviceUnavailable

T = TypeVar("T")
_VERSION = "ideviceinfo -k ProductVersion"
_DISK = "ideviceinfo -q com.apple.disk_usage"
_BATTERY = "ideviceinfo -q com.apple.mobile.battery"


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
            finally:
                self._done.set()

        threading.Thread(target=target, daemon=True).start()

    def get(self, wait: float) -> tuple[bool, T | None]:
        """(ready, value): the value if it came within ``wait`` seconds."""
        if not self._started:
            return False, None
        ready = self._done.wait(wait)
        return ready, self._value


class Lookout:
    """Call start() once the first question is on the screen: the readings then run
    while the person answers, and cannot slow down the first question."""

    def __init__(self, flow: Flow, offline: bool, timeout: float = apple_feeds.TIMEOUT) -> None:
        self.flow = flow
        self.offline = offline
        needs_device = any(q.suggest is not None for _, q in flow.questions())
        self._device: _Background[DeviceReading | DeviceUnavailable] | None = (
            _Background(lambda: device.read(timeout)) if needs_device else None)
        self._latest: _Background[str | None] | None = None
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

    @property
    def checks_status(self) -> bool:
        return self._status is not None

    def status(self, wait: float) -> tuple[bool, list[Outage] | None]:
        """(known, outages): outages is None when the feed could not be read."""
        if self._status is None:
            return True, None
        return self._status.get(wait)

    def take_outages(self) -> list[Outage]:
        """Ongoing outages not yet shown to the person, once known (never waits)."""
        known, outages = self.status(0)
        if self._announced or not known or not outages:
            return []
        self._announced = True
        return outages

    # -- the connected iPhone ------------------------------------------------------------

    def reading(self, wait: float) -> DeviceReading | DeviceUnavailable | None:
        if self._device is None:
            return None
        ready, value = self._device.get(wait)
        return value if ready else None

    def take_note(self) -> str | None:
        """Once per session, one quiet line on why nothing was read from an iPhone."""
        value = self.reading(0)
        if self._noted or not isinstance(value, DeviceUnavailable):
            return None
        self._noted = True
        return f"(No readings from an iPhone: {value.reason}.)"

    def _latest_ios(self, product_type: str, wait: float) -> str | None:
        if self.offline:
            return None
        with self._latest_lock:
            if self._latest is None:
                self._latest = _Background(
                    lambda: apple_feeds.latest_ios(product_type, self._timeout))
                self._latest.start()
        return self._latest.get(wait)[1]

    def suggestion(self, question: Question, wait: float) -> Reply | None:
        """The answer a reading suggests for this question, with its evidence."""
        rule = question.suggest
        if rule is None:
            return None
        self.start()  # a question that needs the reading may wait for it
        reading = self.reading(wait)
        if not isinstance(reading, DeviceReading):
            return None
        if rule.reading == "free-space-gb":
            if reading.free_bytes is None:
                return None
            free = reading.free_bytes / 1e9
            below = rule.yes_below or 0
            capacity = (f" of {reading.capacity_bytes / 1e9:.0f} GB"
                        if reading.capacity_bytes else "")
            evidence = (f"Your iPhone reports {free:.1f} GB free{capacity}; below {below:g} GB "
                        f"counts as almost full ({_DISK}).")
            return _reply(free < below, evidence)
        if rule.reading == "plugged-in":
            if reading.external_power is None and reading.charging is None:
                return None
            plugged = bool(reading.external_power or reading.charging)
            state = "plugged in" + (" and charging" if reading.charging else "") if plugged \
                else "not plugged in"
            battery = (f", battery at {reading.battery_percent}%"
                       if reading.battery_percent is not None else "")
            return _reply(plugged == rule.yes_when,
                          f"Your iPhone reports it is {state}{battery} ({_BATTERY}).")
        if rule.reading == "ios-up-to-date":
            if reading.product_version is None or reading.product_type is None:
                return None
            latest = self._latest_ios(reading.product_type, max(wait, 0.0))
            if latest is None:
                return None
            current = not apple_feeds.newer(latest, reading.product_version)
            evidence = (f"Your iPhone reports iOS {reading.product_version}; the latest for "
                        f"{reading.product_type} is {latest} ({_VERSION}, Apple's "
                        f"software update feed).")
            return _reply(current == rule.yes_when, evidence)
        return None


def _reply(yes: bool, evidence: str) -> Reply:
    return Reply(Answer.YES if yes else Answer.NO, "probe", evidence)
