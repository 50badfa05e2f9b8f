"""Make untrusted text harmless to show in a terminal.

Flow files and answer files come from third parties. Their text must never reach
the terminal as control sequences: no escape codes that rewrite the screen, OSC 52
clipboard writes, OSC 8 links, bells, carriage returns that overwrite a line, or
bidirectional overrides that make text read differently from what it is.
"""

from __future__ import annotations

import shlex

# C0 controls except tab and newline, DEL, C1 controls, and every invisible format
# character (Unicode's Cf, and the line and paragraph separators): bidirectional
# overrides and isolates, zero-width spaces and joiners, the byte order mark, the
# Arabic letter mark, tag characters. Ranges as unicodedata lists them for Cf, Zl, Zp
# (Unicode 15, with the Egyptian format controls it adds).
_FORMAT = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
           (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F),
           (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF),
           (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F),
           (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F))
_UNSAFE = [c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
_UNSAFE += [c for first, last in _FORMAT for c in range(first, last + 1)]
# Lone surrogates: a file name (or argument, or variable) that is not UTF-8 reaches
# Python with each bad byte as U+DC80-U+DCFF ("surrogateescape"); no encoder writes
# them, and a terminal would not show the byte. Spelled as the byte, \xff.
_SURROGATES = range(0xD800, 0xE000)
_UNSAFE += list(_SURROGATES)
# The characters themselves, for a check that text holds none of them.
UNSAFE_CHARACTERS = frozenset(map(chr, _UNSAFE))
_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c < 0xDD00
              else f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}")
          for c in _UNSAFE}
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


def shell_word(word: str) -> str:
    """word quoted for a POSIX shell, and harmless to show in a terminal.

    A word with a control or invisible character (a file name from outside) is
    written in the $'...' quoting of bash, zsh and ksh, with those characters spelled
    out: the terminal shows \\x1b rather than obeying ESC, and the command pasted
    back still names the very same file. Any other word is quoted by shlex.
    """
    if one_line(word) == word:
        return shlex.quote(word)
    out = []
    for char in word:
        if char in "\\'":
            out.append("\\" + char)
        elif one_line(char) == char:
            out.append(char)
        elif ord(char) < 0x80:  # \xHH is a byte in $'...': only for ASCII
            out.append(f"\\x{ord(char):02x}")
        elif 0xDC80 <= ord(char) < 0xDD00:  # a byte that is not UTF-8, as it was
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "$'" + "".join(out) + "'"
