"""Untrusted text is shown with every control and invisible format character spelled out."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from icloud_fix.safe_text import one_line, visible


def test_every_invisible_format_character_is_spelled_out() -> None:
    hidden = [chr(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp", "Cc")
              and c not in (0x09, 0x0A)]
    shown = visible("".join(hidden))
    assert not any(unicodedata.category(ch) in ("Cf", "Zl", "Zp", "Cc") for ch in shown
                   if ch not in "\t\n")


@pytest.mark.parametrize(("text", "shown"), [
    ("a\u200bb", "a\\u200bb"),  # zero-width space
    ("\u202eevil", "\\u202eevil"),  # right-to-left override
    ("x\u2028y", "x\\u2028y"),  # line separator
    ("\ufeffstart", "\\ufeffstart"),  # byte order mark
    ("\x1b]52;c;AAAA\x07", "\\x1b]52;c;AAAA\\x07"),  # a clipboard write
    ("tag\U000e0041", "tag\\U000e0041"),
])
def test_what_each_looks_like(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_one_line_spells_out_newlines_and_tabs_too() -> None:
    assert one_line("a\nb\tc\u200d") == "a\\nb\\tc\\u200d"
    assert visible("a\nb\tc") == "a\nb\tc"
