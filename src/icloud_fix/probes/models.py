"""The names people know their iPhone by, from Apple's product identifiers.

ideviceinfo reports a model as ``iPhone15,2``; a person knows it as "iPhone 14 Pro".
The table is data (``iphone_models.tsv``), read on first use only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("iphone_models.tsv")


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        text = TABLE.read_text(encoding="utf-8")
    except OSError:  # a damaged install: identifiers are shown as they are
        return names
    for line in text.splitlines():
        if line and not line.startswith("#"):
            identifier, _, name = line.partition("\t")
            names[identifier] = name
    return names


def model_name(identifier: str) -> str | None:
    """"iPhone 14 Pro" for "iPhone15,2"; None for an identifier not in the table."""
    return _names().get(identifier)
