"""The readings a flow's ``suggest:`` may name: the one registry, read by the flow
format (which names are allowed, which are numbers), by iphone.read (what to ask the
phone) and by the background readings (what each one suggests, with its evidence).

A new reading is one module beside this one (its sources, its judge, what it says;
see readings/base.py and readings/clock.py) plus one line in READINGS, and its tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from icloud_fix.probes.readings import clock, free_space, ios_up_to_date, plugged_in
from icloud_fix.probes.readings.base import Reading, Source, Verdict

if TYPE_CHECKING:
    from icloud_fix.probes.iphone import DeviceUnavailable

__all__ = ["CONNECT_NOTE", "READINGS", "Reading", "Source", "Verdict", "all_sources",
           "device_note"]

READINGS: dict[str, Reading] = {r.name: r for r in (
    ios_up_to_date.READING,
    plugged_in.READING,
    free_space.READING,
    clock.READING,
)}


def all_sources() -> tuple[Source, ...]:
    """What the registered readings ask the iPhone, each source once, in order."""
    return tuple(dict.fromkeys(s for r in READINGS.values() for s in r.sources))


def _gives() -> str:
    """'its iOS version, storage, battery and clock': what the readings read."""
    *most, last = [r.gives for r in READINGS.values()]
    return "its " + (f"{', '.join(most)} and {last}" if most else last)


# What a person is told when no iPhone is connected: what connecting one gives them.
CONNECT_NOTE = f"Connect your iPhone with a cable to let icloud-fix read {_gives()}."


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
                f"let icloud-fix read {_gives()}.")
    if "is locked" in reason:
        return ("Your iPhone is locked: unlock it, and keep it unlocked, to let icloud-fix "
                f"read {_gives()}.")
    return "icloud-fix could not read your iPhone, so it asks instead."
