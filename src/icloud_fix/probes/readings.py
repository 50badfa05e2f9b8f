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
    from icloud_fix.probes.iphone import DeviceReading, DeviceUnavailable

VERSION_COMMAND = "ideviceinfo -k ProductVersion"
DISK_COMMAND = "ideviceinfo -q com.apple.disk_usage"
BATTERY_COMMAND = "ideviceinfo -q com.apple.mobile.battery"
# What a person is told when no iPhone is connected: what connecting one gives them.
CONNECT_NOTE = ("Connect your iPhone with a cable to let icloud-fix read its iOS version, "
                "storage and battery.")


@dataclass(frozen=True)
class Verdict:
    """What a reading says about a question: yes or no, said twice. ``said`` is for the
    person at the screen ("your iPhone 14 Pro"); ``detail`` is for the JSON report and
    whoever checks it, with Apple's identifier ("iPhone15,2") and the command read."""

    yes: bool
    said: str
    detail: str


# The iOS versions Apple offers a model, looked up (and waited for) only by the reading
# that needs them.
LatestIos = Callable[[str], "tuple[str, ...] | None"]


@dataclass(frozen=True)
class Reading:
    name: str
    numeric: bool  # a number compared with yes_below, or a yes/no compared with yes_when
    doc: str
    # The verdict for a question, or None when the reading cannot settle it.
    judge: Callable[[Suggest, DeviceReading, LatestIos], Verdict | None]


def _free_space(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict | None:
    if reading.free_bytes is None:
        return None
    free = reading.free_bytes / 1e9
    below = rule.yes_below or 0
    capacity = f" of {reading.capacity_bytes / 1e9:.0f} GB" if reading.capacity_bytes else ""
    said = (f"Your iPhone reports {free:.1f} GB free{capacity}; below {below:g} GB counts "
            f"as almost full.")
    return Verdict(free < below, said, f"{said[:-1]} ({DISK_COMMAND}).")


def _plugged_in(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict | None:
    if reading.external_power is None and reading.charging is None:
        return None
    plugged = bool(reading.external_power or reading.charging)
    state = ("plugged in" + (" and charging" if reading.charging else "")) if plugged \
        else "not plugged in"
    battery = (f", battery at {reading.battery_percent}%"
               if reading.battery_percent is not None else "")
    said = f"Your iPhone reports it is {state}{battery}."
    return Verdict(plugged == rule.yes_when, said, f"{said[:-1]} ({BATTERY_COMMAND}).")


def _ios_up_to_date(rule: Suggest, reading: DeviceReading, latest: LatestIos
                    ) -> Verdict | None:
    """Up to date means: no update of the iOS version the iPhone has (17.5.1 with 17.7.1
    out is not), or the newest it can have. A new major version (18 for an iPhone on 17)
    is an optional upgrade: named, never the fix for a sync problem."""
    if reading.product_version is None or reading.product_type is None:
        return None
    versions = latest(reading.product_type)
    if not versions:
        return None
    from icloud_fix.probes.ios_versions import latest_of_major, major, newer, newest_of
    from icloud_fix.probes.models import model_name

    version, identifier = reading.product_version, reading.product_type
    due = latest_of_major(versions, version)
    newest = newest_of(versions)
    upgrade = newest if (major(newest) or 0) > (major(version) or 0) else None
    current = not newer(due, version)
    # A model too new for the table is named by its identifier, which is still right.
    phone = model_name(identifier) or f"iPhone ({identifier})"
    optional = (f"iOS {upgrade} is also offered, as an optional upgrade that syncing does "
                f"not need" if upgrade else "")
    if not current:
        said = f"Your {phone} has iOS {version}; the latest for it is {due}" + (
            f" ({optional})." if optional else ".")
    elif optional:
        said = (f"Your {phone} has iOS {version}, the latest iOS {major(version)} for it; "
                f"{optional}.")
    else:
        said = f"Your {phone} has iOS {version}, the latest for it."
    detail = (f"Your iPhone reports iOS {version}; the latest for {identifier} is {due}"
              + (f", and iOS {upgrade} is offered as an upgrade" if upgrade else "")
              + f" ({VERSION_COMMAND}, Apple's software update feed).")
    return Verdict(current == rule.yes_when, said, detail)


def device_note(unavailable: DeviceUnavailable) -> str | None:
    """Why nothing was read from an iPhone, as one line for the person at the screen;
    None when there is nothing they need to hear (no device tool on this computer: most
    people have none, and --verbose says so)."""
    if unavailable.tool_missing:
        return None
    reason = unavailable.reason
    # The reasons are iphone.py's (_why); what is not one of these is an error of the
    # tool, whose wording helps nobody here (--verbose shows how each command ended).
    if reason.startswith("no iPhone is connected"):
        return CONNECT_NOTE
    if "not trusted this computer" in reason:
        return ("Your iPhone has not trusted this computer yet: unlock it and tap Trust, to "
                "let icloud-fix read its iOS version, storage and battery.")
    if "is locked" in reason:
        return ("Your iPhone is locked: unlock it, and keep it unlocked, to let icloud-fix "
                "read its iOS version, storage and battery.")
    return "icloud-fix could not read your iPhone, so it asks instead."


READINGS: dict[str, Reading] = {r.name: r for r in (
    Reading("ios-up-to-date", False, "the iPhone runs the latest iOS for its model",
            _ios_up_to_date),
    Reading("plugged-in", False, "the iPhone is plugged in (charging) right now", _plugged_in),
    Reading("free-space-gb", True, "free storage on the iPhone, in GB", _free_space),
)}
