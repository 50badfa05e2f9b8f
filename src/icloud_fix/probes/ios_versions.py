"""iOS version numbers as Apple's feed and an iPhone give them: which is newer, and
which update of the version a phone has is due. No network, no engine: the readings
that judge a phone use it."""

from __future__ import annotations

import re


def version_key(version: str) -> tuple[int, ...]:
    """(17, 5, 1) for "17.5.1", to compare versions by."""
    # Each part at most 6 digits: a feed's "1" followed by 400 zeros is no version to
    # compare, not an OverflowError or a second of int() work.
    return tuple(int(part) for part in re.findall(r"\d{1,6}", version[:30]))


def newest_of(versions: tuple[str, ...]) -> str:
    return max(versions, key=version_key)


def major(version: str) -> int | None:
    """17 for "17.5.1"; None when it has no number."""
    key = version_key(version)
    return key[0] if key else None


def latest_of_major(versions: tuple[str, ...], current: str) -> str:
    """The newest of versions with current's major version, or current itself."""
    same = [v for v in versions if major(v) == major(current)]
    return max([current, *same], key=version_key)


def newer(latest: str, current: str) -> bool:
    return version_key(latest) > version_key(current)
