"""clock-off-minutes: how far the iPhone's clock is from this computer's, in minutes.

Lockdown's default domain gives the phone's clock as Unix time (TimeIntervalSince1970,
seconds, with a fraction) and its time zone by name (TimeZone, e.g. Europe/London).
The phone's time was taken while its command ran: it is compared with this computer's
clock at the middle of that run, not when the question is reached, which may be
minutes later. Unix time is the same in every time zone, so a phone set to another
zone is not "off"; its zone is named for the person to check.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from icloud_fix.probes.readings.base import LatestIos, Reading, Source, Verdict

if TYPE_CHECKING:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.iphone import DeviceReading

TIME = Source(key="TimeIntervalSince1970")
ZONE = Source(key="TimeZone")

# Unix time as ideviceinfo prints a real number ("1764589200.512345"); no sign, no
# exponent, no nan, not 400 digits.
_SECONDS = re.compile(r"\d{1,10}(?:\.\d{1,9})?")
# A clock set before 1970 or after 2100 is no clock a phone shows: no reading.
LATEST = 4_102_444_800.0  # 2100-01-01T00:00:00Z
# A time zone's name in the tz database: Europe/London, America/Argentina/Buenos_Aires,
# Etc/GMT+5, UTC.
_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,29}(?:/[A-Za-z0-9_+-]{1,30}){0,2}")


def phone_time(reading: DeviceReading) -> tuple[float, float] | None:
    """(the phone's Unix time, this computer's when the phone gave it), or None when
    the phone gave no time that can be read."""
    output = reading.output(TIME)
    value = reading.value(TIME)
    if output is None or value is None or not _SECONDS.fullmatch(value):
        return None
    seconds = float(value)
    if not 0 <= seconds < LATEST:
        return None
    return seconds, (output.started + output.ended) / 2


def zone(reading: DeviceReading) -> str | None:
    """The phone's time zone by name, or None for anything that is not one."""
    value = reading.value(ZONE)
    return value if value is not None and _ZONE.fullmatch(value) else None


def _count(number: int, unit: str) -> str:
    return f"{number:,} {unit}" + ("" if number == 1 else "s")


def how_far(seconds: float) -> str:
    """A time apart in a person's words: "47 minutes", "5 hours and 12 minutes",
    "about 3 days", "about 56 years"."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return _count(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return _count(hours, "hour") + (f" and {_count(rest, 'minute')}" if rest else "")
    days = round(seconds / 86_400)
    if days < 730:
        return f"about {_count(days, 'day')}"
    return f"about {_count(round(seconds / 31_557_600), 'year')}"


def judge(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict | None:
    read = phone_time(reading)
    if read is None:
        return None
    phone, computer = read
    apart = phone - computer
    below = rule.yes_below or 0
    seconds = f"{abs(apart):,.0f} s"
    if round(abs(apart) / 60) == 0:
        where = "agrees with this computer's to within a minute"
        exact = f"{where} ({seconds} apart)"
    else:
        side = "behind" if apart < 0 else "ahead of"
        where = f"is {how_far(abs(apart))} {side} this computer's"
        exact = f"is {how_far(abs(apart))} ({seconds}) {side} this computer's"
    rule_said = (f"less than {below:g} minute{'' if below == 1 else 's'} apart counts as "
                 "right")
    name = zone(reading)
    said = (f"Your iPhone's clock {where}; {rule_said}."
            + (f" Its time zone is set to {name}." if name else ""))
    detail = (f"Your iPhone's clock {exact}; {rule_said}"
              + (f"; its time zone is {name}" if name else "")
              + f" ({TIME.command()}, {ZONE.command()}).")
    return Verdict(abs(apart) / 60 < below, said, detail)


READING = Reading("clock-off-minutes", True, "how far the iPhone's clock is from this "
                  "computer's, ahead or behind, in minutes", (TIME, ZONE), "clock", judge)
