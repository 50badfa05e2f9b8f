"""The table of iPhone names shipped with the package."""

from __future__ import annotations

import json
import re
from pathlib import Path

from icloud_fix.probes import models

# Apple's software-update feed (gdmf.apple.com/v2/pmv) as the tests serve it.
FEED = Path(__file__).parent / "feeds" / "pmv.json"


def rows() -> list[tuple[str, str]]:
    text = models.TABLE.read_text(encoding="utf-8")
    return [tuple(line.split("\t")) for line in text.splitlines()  # type: ignore[misc]
            if line and not line.startswith("#")]


def test_every_identifier_is_well_formed_and_unique() -> None:
    table = rows()
    assert all(len(row) == 2 for row in table), "each line is an identifier, a tab, a name"
    identifiers = [identifier for identifier, _ in table]
    assert len(identifiers) == len(set(identifiers))
    for identifier, name in table:
        assert re.fullmatch(r"iPhone[1-9][0-9]?,[1-9][0-9]?", identifier), identifier
        assert re.fullmatch(r"iPhone [0-9A-Za-z ()]+", name), name


def test_every_iphone_since_ios_15_is_named() -> None:
    # iOS 15 runs on the iPhone 6s and SE (1st generation) and every iPhone since.
    names = {name for _, name in rows()}
    for generation in ("6s", "7", "8", "X", "XS", "XR", "11", "12", "13", "14", "15", "16",
                       "17"):
        assert f"iPhone {generation}" in names
    for name in ("iPhone SE (1st generation)", "iPhone SE (2nd generation)",
                 "iPhone SE (3rd generation)", "iPhone 12 mini", "iPhone 13 mini",
                 "iPhone 16e", "iPhone Air", "iPhone 17 Pro Max", "iPhone 17e",
                 "iPhone 18 Pro", "iPhone 18 Pro Max"):
        assert name in names
    assert not any(name.startswith(("iPhone 6 ", "iPhone 5")) or name == "iPhone 6"
                   for name in names)


def test_the_table_names_its_reference() -> None:
    header = " ".join(line.lstrip("# ") for line in
                      models.TABLE.read_text(encoding="utf-8").splitlines()
                      if line.startswith("#"))
    assert "Xcode's device list" in header and "as published" in header


def test_every_iphone_in_apple_s_update_feed_is_named() -> None:
    # The feed lists, for each iOS release, the identifiers of the devices it is for:
    # an iPhone Apple offers iOS to is one a person may connect.
    feed = json.loads(FEED.read_text(encoding="utf-8"))
    listed = {device for release in feed["PublicAssetSets"]["iOS"]
              for device in release["SupportedDevices"] if device.startswith("iPhone")}
    assert {"iPhone18,5", "iPhone19,2"} <= listed  # the fixture has the 2026 iPhones
    names = dict(rows())
    assert sorted(listed - set(names)) == []


def test_names_from_identifiers() -> None:
    assert models.model_name("iPhone15,2") == "iPhone 14 Pro"
    assert models.model_name("iPhone12,8") == "iPhone SE (2nd generation)"
    assert models.model_name("iPhone18,5") == "iPhone 17e"
    assert models.model_name("iPhone19,3") == models.model_name("iPhone19,7") == (
        "iPhone 18 Pro Max")
    assert models.model_name("iPhone99,9") is None
