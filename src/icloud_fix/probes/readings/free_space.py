"""free-space-gb: the iPhone's free storage, in GB (com.apple.disk_usage)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icloud_fix.probes.readings.base import LatestIos, Reading, Source, Verdict, count

if TYPE_CHECKING:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.iphone import DeviceReading

DISK = Source(domain="com.apple.disk_usage")


def judge(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict | None:
    disk = reading.fields(DISK)
    free_bytes, capacity_bytes = count(disk.get("TotalDataAvailable")), count(
        disk.get("TotalDataCapacity"))
    if free_bytes is None:
        return None
    free = free_bytes / 1e9
    below = rule.yes_below or 0
    capacity = f" of {capacity_bytes / 1e9:.0f} GB" if capacity_bytes else ""
    said = (f"Your iPhone reports {free:.1f} GB free{capacity}; below {below:g} GB counts "
            f"as almost full.")
    return Verdict(free < below, said, f"{said[:-1]} ({DISK.command()}).")


READING = Reading("free-space-gb", True, "free storage on the iPhone, in GB", (DISK,),
                  "storage", judge)
