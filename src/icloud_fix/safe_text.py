"""Make untrusted text harmless to show in a terminal.

Flow files and answer files come from third parties. Their text must never reach
the terminal as control sequences: no escape codes that rewrite the screen, OSC 52
clipboard writes, OSC 8 links, bells, carriage returns that overwrite a line, or
bidirectional overrides that make text read differently from what it is.
"""

from __future__ import annotations

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional
# embedding, override and isolate characters.
_UNSAFE = [c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
_UNSAFE += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE}
# For one-line messages: a newline or tab in a value must not start a fake line.
_ONE_LINE = {**_TABLE, 0x09: "\\t", 0x0A: "\\n"}


def visible(text: str) -> str:
    """text with every control character spelled out, e.g. ESC as the four characters \\x1b."""
    return text.translate(_TABLE)


def one_line(text: str) -> str:
    """Like visible(), and newlines and tabs are spelled out too."""
    return text.translate(_ONE_LINE)


def shorten(text: str, limit: int = 40) -> str:
    """text cut to limit characters, for quoting a value back in an error message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
