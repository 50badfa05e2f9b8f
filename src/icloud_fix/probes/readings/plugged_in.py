"""plugged-in: whether the iPhone is on external power right now
(com.apple.mobile.battery)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icloud_fix.probes.readings.base import LatestIos, Reading, Source, Verdict, count, flag

if TYPE_CHECKING:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.iphone import DeviceReading

BATTERY = Source(domain="com.apple.mobile.battery")


def judge(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict | None:
    battery = reading.fields(BATTERY)
    external_power, charging = flag(battery.get("ExternalConnected")), flag(
        battery.get("BatteryIsCharging"))
    percent = count(battery.get("BatteryCurrentCapacity"))
    if external_power is None and charging is None:
        return None
    plugged = bool(external_power or charging)
    state = ("plugged in" + (" and charging" if charging else "")) if plugged \
        else "not plugged in"
    # A percentage is at most 100: anything else is not said.
    level = f", battery at {percent}%" if percent is not None and percent <= 100 else ""
    said = f"Your iPhone reports it is {state}{level}."
    return Verdict(plugged == rule.yes_when, said, f"{said[:-1]} ({BATTERY.command()}).")


READING = Reading("plugged-in", False, "the iPhone is plugged in (charging) right now",
                  (BATTERY,), "battery", judge)
