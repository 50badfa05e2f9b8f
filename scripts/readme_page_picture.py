"""Regenerate docs/page.png, the README's picture of the web page (icloud-fix page).

    python scripts/readme_page_picture.py          # rewrite the picture
    python scripts/readme_page_picture.py --check  # exit 1 if it is out of date

The picture is taken by the test browser (tests/browser.py: Debian's Chromium) on a
phone-sized screen, 375 CSS pixels wide, showing the fix of a failed check. It is
drawn again and compared pixel by pixel (tests/test_page_browser.py does, with the
browser the tests share): it changes when the page's look or the flow's words do. A
few pixels may differ between Chromium builds (how text edges are smoothed); a page
laid out differently changes far more of them.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PICTURE = ROOT / "docs" / "page.png"
SIZE = (375, 740)  # CSS pixels: a phone's screen, less the browser's own bars
# The session shown: the status line says "Paused: Low Power Mode" (which answers "Is
# Low Power Mode on?" with yes), and the check's other questions "not sure".
FIRST = 'button[data-answer="paused-low-power"]'
THEN = 'button[data-answer="skip"]'

# Pixels that may differ (of every pixel), and by how much a channel may differ before
# a pixel counts: Chromium builds smooth text edges a little differently.
SHARE = 0.02
CHANNEL = 48


def draw(browser: Any, page: Path, out: Path) -> None:
    """The picture of page, as the browser shows it, written to out."""
    browser.set_viewport(*SIZE)
    browser.set_color_scheme("light")
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import start_afresh

    start_afresh(browser, page)  # whatever session the browser kept
    browser.wait_for("#start").click()
    css = FIRST
    while not browser.js("return document.body.dataset.asking.startsWith('fix:')"):
        given = browser.js("return document.body.dataset.given")
        browser.wait_for(css).click()
        browser.wait_until(f"document.body.dataset.given !== '{given}'")
        css = THEN
    browser.js("document.activeElement.blur(); window.scrollTo(0, 0)")
    browser.screenshot(out)


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows (RGBA or RGB bytes) of a non-interlaced 8-bit PNG,
    as Chromium writes them."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, data, width, height, channels = 8, b"", 0, 0, 4
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "only 8-bit RGB or RGBA"
            channels = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            data += body
        at += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def difference(old: bytes, new: bytes) -> str | None:
    """Why two pictures are not the same picture; None when they are."""
    w1, h1, a = pixels(old)
    w2, h2, b = pixels(new)
    if (w1, h1) != (w2, h2):
        return f"the picture is {w1}x{h1} pixels, the page now {w2}x{h2}"
    channels = len(a[0]) // w1
    differing = 0
    for row_a, row_b in zip(a, b, strict=True):
        if row_a == row_b:
            continue
        for x in range(0, len(row_a), channels):
            if any(abs(row_a[x + c] - row_b[x + c]) > CHANNEL for c in range(channels)):
                differing += 1
    share = differing / (w1 * h1)
    if share > SHARE:
        return f"{share:.1%} of its pixels differ (at most {SHARE:.0%} may)"
    return None


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import start_browser  # the tests' browser

    check = "--check" in argv
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        subprocess.run([sys.executable, "-m", "icloud_fix", "page", "--output", str(page)],
                       check=True)
        browser = start_browser()
        try:
            out = Path(folder) / "page.png" if check else PICTURE
            draw(browser, page, out)
        finally:
            browser.quit()
        if check:
            why = difference(PICTURE.read_bytes(), out.read_bytes())
            if why:
                print(f"docs/page.png is out of date: {why}; run python "
                      f"scripts/readme_page_picture.py")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
