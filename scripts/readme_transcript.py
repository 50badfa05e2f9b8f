"""Check (or print) the README's transcript of a session against a real one.

    python scripts/readme_transcript.py          # print the whole session as the screen shows it
    python scripts/readme_transcript.py --check  # exit 1 if the README's transcript differs

The installed icloud-fix runs in a pseudo-terminal of 100 columns (pexpect) and its
output goes through a terminal emulator (pyte), so the text is what a person sees.
The README may leave parts out with a line of "..."; every other line must be on the
screen, each part in one piece and in order. No iPhone tool and no network: what most
people see.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pexpect
import pyte

README = Path(__file__).resolve().parent.parent / "README.md"
WIDTH = 100
# The session the README tells: the photos look synced, checks 1 to 3 pass, the iPhone
# is almost full, and after its fix the photos sync.
ANSWERS = {
    "What does the iCloud status line": "1",
    "Is Low Power Mode on": "n",
    "Is the battery low": "n",
    "Is Low Data Mode": "n",
    "Do other apps work online": "y",
    "using mobile data (cellular)": "n",
    "VPN or a web filter": "n",
    "Date & Time": "y",
    "Sync this iPhone": "y",
    "red badge": "n",
    "open your account settings": "y",
    "icloud.com/photos": "n",
    "where the photos should appear": "y",
    "Shared Library": "n",
    "same Apple Account": "y",
    "does the bar show your iCloud storage": "n",
    "almost out of space": "y",
    "Do your photos sync now": "y",
}


def screen_of_session() -> list[str]:
    command = shutil.which("icloud-fix", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("icloud-fix is not installed beside this Python")
    screen = pyte.Screen(WIDTH, 400)
    stream = pyte.ByteStream(screen)
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as empty:
        env = {**os.environ, "ICLOUD_FIX_HOME": home, "PATH": empty, "TERM": "xterm",
               "ICLOUD_FIX_STATUS_URL": "http://127.0.0.1:9/", "NO_COLOR": "1",
               "ICLOUD_FIX_VERSIONS_URL": "http://127.0.0.1:9/",
               # Nothing here answers a cursor-position request, which would leave each
               # question waiting a second for the answer before it ends.
               "PROMPT_TOOLKIT_NO_CPR": "1"}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        stream.feed(b"$ icloud-fix\r\n")
        child = pexpect.spawn(command, [], env=env, dimensions=(400, WIDTH), timeout=20,
                              cwd=home)
        child.logfile_read = _Screen(stream)
        written = b""
        quiet = 0
        while True:
            try:
                written += child.read_nonblocking(65536, timeout=0.3)
                quiet = 0
            except pexpect.EOF:
                break
            except pexpect.TIMEOUT:
                quiet += 1  # nothing more for a while
            # The question asked is the one named last in what was written since the
            # last answer (without the terminal's codes and line breaks), answered as
            # soon as it and its keys are drawn.
            text = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "",
                                   written.decode("utf-8", "replace")).split())
            found = {text.rfind(prompt): k for prompt, k in ANSWERS.items() if prompt in text}
            if "Save this report" in text:
                key = "n"
            elif found and re.search(r"back\)|Explain this question",
                                     text[max(found):]):
                key = found[max(found)]  # the question and its keys are drawn
            elif quiet < 30:
                continue
            else:
                raise SystemExit(f"no answer for the question in: {text[-300:]!r}")
            child.send(key)
            written = b""
        child.close()
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return lines


class _Screen:
    """Where pexpect copies what the program writes: into the terminal emulator."""

    def __init__(self, stream: pyte.ByteStream) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.feed(data)

    def flush(self) -> None:
        pass


def readme_transcript() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```text\n(\$ icloud-fix\n.*?)```", text, re.S)
    if block is None:
        raise SystemExit("no transcript (```text $ icloud-fix ...) in the README")
    return block.group(1).rstrip("\n").split("\n")


def parts(lines: list[str]) -> list[list[str]]:
    found: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == "...":
            found.append([])
        else:
            found[-1].append(line)
    return [p for p in found if p]


def differences(shown: list[str], screen: list[str]) -> str | None:
    """None when each part of the README's transcript is on the screen, in order."""
    start = 0
    for part in parts(shown):
        for at in range(start, len(screen) - len(part) + 1):
            if screen[at:at + len(part)] == part:
                start = at + len(part)
                break
        else:
            return "\n".join(["This part of the README is not on the screen:", *part])
    return None


def main() -> int:
    screen = screen_of_session()
    if "--check" in sys.argv[1:]:
        problem = differences(readme_transcript(), screen)
        if problem:
            print(problem + "\n\nThe screen:\n" + "\n".join(screen))
            return 1
        return 0
    print("\n".join(screen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
