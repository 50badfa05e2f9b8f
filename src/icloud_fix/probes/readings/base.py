"""What every reading is: what it asks the iPhone (its sources), how it judges what
came back, and what it says. The registry (``readings/__init__.py``) names them; each
reading is a module beside this one, which imports what it shares from here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.iphone import DeviceReading


@dataclass(frozen=True)
class Source:
    """One thing lockdown is asked, with one ideviceinfo each: a key of its default
    domain (``-k ProductVersion``), a whole domain (``-q com.apple.disk_usage``), or a
    key of a domain."""

    key: str | None = None
    domain: str | None = None

    def args(self) -> tuple[str, ...]:
        """ideviceinfo's arguments for this source."""
        return ((("-q", self.domain) if self.domain else ())
                + (("-k", self.key) if self.key else ()))

    def command(self) -> str:
        """The command, as the JSON report and --verbose name it."""
        return " ".join(("ideviceinfo", *self.args()))


# What every reading of the iPhone asks (iphone.read), whatever the readings need: the
# iOS version first (whether an iPhone answers at all), its model (to name it) and its
# region and language (the words its menus use).
VERSION = Source(key="ProductVersion")
MODEL = Source(key="ProductType")
INTERNATIONAL = Source(domain="com.apple.international")
ALWAYS = (VERSION, MODEL, INTERNATIONAL)


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
    # What the iPhone is asked for it: each source is one ideviceinfo, run side by side
    # with the others' (iphone.read).
    sources: tuple[Source, ...]
    # What a person gets from connecting their iPhone, in a list such as "read its iOS
    # version, storage, battery and clock".
    gives: str
    # The verdict for a question, or None when the reading cannot settle it.
    judge: Callable[[Suggest, DeviceReading, LatestIos], Verdict | None]


# A count as ideviceinfo prints one; more digits than this is no count a phone has.
_COUNT = re.compile(r"\d{1,20}")


def count(value: str | None) -> int | None:
    """A whole number ideviceinfo printed, or None for anything else (a sign, spaces
    inside, 400 digits, 1e999)."""
    return int(value) if value is not None and _COUNT.fullmatch(value) else None


def flag(value: str | None) -> bool | None:
    """true or false as ideviceinfo prints them, or None."""
    return {"true": True, "false": False}.get((value or "").lower())
