"""ios-up-to-date: whether the iPhone runs the latest iOS for its model (its iOS version
and model, and Apple's software update feed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from icloud_fix.probes.readings.base import MODEL, VERSION, LatestIos, Reading, Verdict

if TYPE_CHECKING:
    from icloud_fix.flow import Suggest
    from icloud_fix.probes.iphone import DeviceReading


def judge(rule: Suggest, reading: DeviceReading, latest: LatestIos) -> Verdict | None:
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
              + f" ({VERSION.command()}, Apple's software update feed).")
    return Verdict(current == rule.yes_when, said, detail)


READING = Reading("ios-up-to-date", False, "the iPhone runs the latest iOS for its model",
                  (VERSION, MODEL), "iOS version", judge)
