"""Regenerate docs/session.svg, the picture of a session in the README.

    python scripts/readme_image.py          # rewrite the picture
    python scripts/readme_image.py --check  # exit 1 if it is out of date

The picture is drawn by icloud-fix's own renderer from a scripted session (the
answers below), so it changes whenever the renderer or the flow's text does; a
test runs --check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from icloud_fix.answers import ScriptedAnswers, parse_flags
from icloud_fix.engine import run
from icloud_fix.flowfile.loader import load_builtin
from icloud_fix.report.terminal import session_svg

PICTURE = Path(__file__).resolve().parent.parent / "docs" / "session.svg"
ANSWERS = {
    "photos-status": "waiting",
    "connectivity-low-power-mode": "no",
    "connectivity-low-battery": "no",
    "connectivity-low-data-mode": "no",
    "connectivity-internet-works": "yes",
    "connectivity-on-cellular": "yes",
    "connectivity-mobile-data-on": "no",
    "connectivity-photos-app-cellular": "yes",
    "connectivity-vpn": "no",
    "connectivity-date-time": "yes",
    "apple-id-sync-on": "yes",
    "apple-id-banner": "no",
    "apple-id-screen-time": "yes",
    "apple-id-icloud-com": "no",
    "apple-id-shared-library": "no",
    "apple-id-same-account": "yes",
    "icloud-storage-full": "yes",
    "device-storage-full": "no",
    "restart-done": "skip",
    "ios-update-current": "yes",
    "charging-wifi-plugged-in": "yes",
    "charging-wifi-left-to-sync": "yes",
}


def picture() -> str:
    # parse_flags, as for --answer: it reads choice ids (photos-status) as well as yes/no.
    flow = load_builtin()
    given = parse_flags([f"{qid}={word}" for qid, word in ANSWERS.items()], flow)
    result = run(flow, ScriptedAnswers(given))
    return session_svg(result)


def main() -> int:
    svg = picture()
    if "--check" in sys.argv[1:]:
        if PICTURE.read_text(encoding="utf-8") != svg:
            print(f"{PICTURE} is out of date: run python scripts/readme_image.py")
            return 1
        return 0
    PICTURE.write_text(svg, encoding="utf-8")
    print(f"wrote {PICTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
