"""The readings a flow's ``suggest:`` may name: one registry, read by the flow format
(which names are allowed, which are numbers) and by the background readings (what
each one suggests, with its evidence). A new reading is one entry here plus its tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.iphone import DeviceReading

VERSION_COMMAND = "ideviceinfo -k ProductVersion"
DISK_COMMAND = "ideviceinfo -q com.apple.disk_usage"
BATTERY_COMMAND = "ideviceinfo -q com.apple.mobile.battery"

# (yes?, evidence) for a question, or None when the reading cannot settle it.
Verdict = tuple[bool, str] | None
# The latest iOS for a model, looked up (and waited for) only by the reading that needs it.
LatestIos = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Reading:
    name: str
    numeric: bool  # a number compared with yes_below, or a yes/no compared with yes_when
    doc: str
    judge: Callable[[Suggest, DeviceReading, LatestIos], Verdict]


def _free_space(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict:
    if reading.free_bytes is None:
        return None
    free = reading.free_bytes / 1e9
    below = rule.yes_below or 0
    capacity = f" of {reading.capacity_bytes / 1e9:.0f} GB" if reading.capacity_bytes else ""
    return free < below, (f"Your iPhone reports {free:.1f} GB free{capacity}; below {below:g} "
                          f"GB counts as almost full ({DISK_COMMAND}).")


def _plugged_in(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict:
    if reading.external_power is None and reading.charging is None:
        return None
    plugged = bool(reading.external_power or reading.charging)
    state = ("plugged in" + (" and charging" if reading.charging else "")) if plugged \
        else "not plugged in"
    battery = (f", battery at {reading.battery_percent}%"
               if reading.battery_percent is not None else "")
    return plugged == rule.yes_when, f"Your iPhone reports it is {state}{battery} " \
        f"({BATTERY_COMMAND})."


def _ios_up_to_date(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict:
    if reading.product_version is None or reading.product_type is None:
        return None
    newest = latest(reading.product_type)
    if newest is None:
        return None
    from icloud_fix.probes.apple_feeds import newer

    current = not newer(newest, reading.product_version)
    return current == rule.yes_when, (
        f"Your iPhone reports iOS {reading.product_version}; the latest for "
        f"{reading.product_type} is {newest} ({VERSION_COMMAND}, Apple's software update "
        f"feed).")


READINGS: dict[str, Reading] = {r.name: r for r in (
    Reading("ios-up-to-date", False, "the iPhone runs the latest iOS for its model",
            _ios_up_to_date),
    Reading("plugged-in", False, "the iPhone is plugged in (charging) right now", _plugged_in),
    Reading("free-space-gb", True, "free storage on the iPhone, in GB", _free_space),
)}
