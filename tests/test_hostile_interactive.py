"""The hostile corpus through the arrow-key prompter: hostile flows in a pseudo-terminal,
answered with key presses (arrows, Enter, h, s, b, Ctrl-C), each run's CPU time and peak
memory measured for icloud-fix alone, and what the terminal received read back: the
flow's text is shown spelled out, and nothing of it acts on the terminal (a terminal
emulator, pyte, keeps its title; no OSC, bell, 8-bit CSI or invisible format character
arrives, none of which the prompter's own drawing sends)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pyte
import pytest
from test_hostile import CPU_SECONDS, EXIT_CODES, MEMORY_MIB

from helpers import TERMINAL, installed_command, without_escapes
from hostile import ESCAPES

# test_hostile's MEASURE, for a terminal: the small Python between the pseudo-terminal and
# icloud-fix lets Ctrl-C's SIGINT pass (a handler that does nothing: icloud-fix, which a
# handler is not handed down to, gets its own), and writes icloud-fix's exit code, CPU
# seconds and peak KiB to the file named by its first argument.
MEASURE = (
    "import os, signal, subprocess, sys, threading\n"
    "signal.signal(signal.SIGINT, lambda *_: None)\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "timer = threading.Timer(60, p.kill)\n"
    "timer.daemon = True\n"
    "timer.start()\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(f'{os.waitstatus_to_exitcode(status)} "
    "{usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}')\n"
)

FOREIGN = re.compile("\x1b\\]|\x1bP|\x07|\x9b|[\u200b-\u200f\u202a-\u202e\u2028\u2029"
                     "\u2060-\u2064\ufeff\u061c]")
DOWN, UP, ENTER, CTRL_C = "\x1b[B", "\x1b[A", "\r", "\x03"


@dataclass
class Measured:
    code: int
    cpu: float
    rss_mib: float
    text: str  # all the terminal received


class Terminal:
    """The installed icloud-fix, measured, in a pseudo-terminal of 120 x 40."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.figures = cwd / f"figures-{len(list(cwd.glob('figures-*')))}"
        environment = {**os.environ, **TERMINAL, "COLUMNS": "120", "LINES": "40",
                       **(env or {})}
        self.child = pexpect.spawn(
            sys.executable, ["-c", MEASURE, str(self.figures), installed_command(), *args],
            cwd=str(cwd), dimensions=(40, 120), env=environment, timeout=30,
            encoding="utf-8", codec_errors="replace")
        self.child.delaybeforesend = 0.05
        self.log: list[str] = []
        self.child.logfile_read = self

    def write(self, data: str) -> None:
        self.log.append(data)

    def flush(self) -> None:
        pass

    def expect(self, text: str) -> None:
        self.child.expect_exact(text)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.child.send(key)

    def finish(self) -> Measured:
        """To the end, answering no to saving the report."""
        while self.child.expect_exact(["Save this report as", pexpect.EOF], timeout=60) == 0:
            self.child.send("n")
        self.child.close()
        code, cpu, rss = self.figures.read_text().split()
        return Measured(int(code), float(cpu), int(rss) / 1024, "".join(self.log))


def assert_sane(run: Measured) -> None:
    assert run.code in EXIT_CODES, f"exit {run.code}: {run.text[-2000:]}"
    assert "Traceback" not in run.text and "internal error" not in run.text, run.text[-3000:]
    assert run.cpu < CPU_SECONDS, f"took {run.cpu:.2f} s of CPU"
    assert run.rss_mib < MEMORY_MIB, f"peaked at {run.rss_mib:.0f} MiB"
    found = FOREIGN.search(run.text)
    assert not found, f"{found.group()!r} reached the terminal: {run.text[:found.start()][-300:]!r}"
    screen = pyte.Screen(120, 40)
    pyte.Stream(screen).feed(run.text)
    assert (screen.title, screen.icon_name) == ("", ""), "the flow set the terminal's title"


def yaml_text(text: str) -> str:
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


def one_question(prompt: str, help_text: str, fix: str) -> bytes:
    return ('format: 2\nid: demo\ntitle: Demo\nversion: "1"\nchecks:\n  - id: check-one\n'
            "    title: Check one\n    questions:\n      - id: q-one\n"
            f"        prompt: {yaml_text(prompt)}\n        help: {yaml_text(help_text)}\n"
            f"        pass_answer: \"yes\"\n        remediation: {yaml_text(fix)}\n").encode()


def many_choices(count: int, width: int, helped: bool = False) -> bytes:
    lines = "".join(
        f"          - {{id: c{i}, label: \"{(f'Choice {i:05d} ' + 'x' * width)[:width]}\""
        + (f", help: \"{f'Help {i:05d} ' + 'y' * (width - 11)}\"" if helped else "") + "}\n"
        for i in range(count))
    return ('format: 2\nid: demo\ntitle: Demo\nversion: "1"\nchecks:\n  - id: check-one\n'
            "    title: Check one\n    questions:\n      - id: which\n        kind: choice\n"
            "        prompt: Which one?\n        pass_choices: [c2]\n"
            f"        remediation: Pick another.\n        choices:\n{lines}").encode()


def help_tenth() -> bytes:
    ids = [f"a{i}" for i in range(1, 10)] + ["help"]
    return ('format: 2\nid: t\ntitle: T\nversion: "1"\nchecks:\n  - id: power\n'
            "    title: Power\n    questions:\n      - id: mode\n        kind: choice\n"
            "        prompt: Which?\n        pass_choices: [help]\n        remediation: Fix.\n"
            "        choices:\n" + "".join(f"          - {{id: {c}, label: Label {c}}}\n"
                                           for c in ids)).encode()


@dataclass(frozen=True)
class Keyed:
    """A flow (None: the built-in one) and the keys a person presses, each after a
    text on the screen; then the run goes to its end (no to saving the report)."""

    name: str
    flow: Callable[[], bytes] | None
    keys: tuple[tuple[str, tuple[str, ...]], ...]
    env: dict[str, str] = field(default_factory=dict)
    codes: frozenset[int] = frozenset(EXIT_CODES)
    spelled: tuple[str, ...] = ()  # on the screen, as text
    defect: str = ""  # a defect known and not yet fixed: expected to fail


def spelled(text: str) -> str:
    """How the flow's text reads on the screen: controls and invisibles spelled out."""
    return text.encode("unicode_escape").decode("ascii") if FOREIGN.search(text) or \
        "\x1b" in text or "\r" in text else ""


ESCAPE_KEYS = (("Not sure", ("h",)), ("HELP-END", ("n",)), ("now?", ("n",)))

CASES: list[Keyed] = [
    # Text that would act on a terminal, in a prompt, its help (h) and its fix.
    *[Keyed(f"escape-{name}", lambda text=text: one_question(
        text + " Q-END", text + " HELP-END", text + "\n\nFIX-END"), ESCAPE_KEYS,
        codes=frozenset({1}), spelled=("Q-END", "FIX-END", *(s for s in (spelled(text)[:8],) if s)))
      for name, text in ESCAPES.items()],
    # The longest texts a flow may have (20,000 characters), the question skipped (s).
    Keyed("longest-prompt-help-and-fix", lambda: one_question(
        ("Is it on? " * 2000)[:19_990] + " Q-END", ("Look here. " * 2000)[:19_990]
        + " HELP-END", ("Turn it on. " * 2000)[:19_990] + " FIX-END"),
        (("Not sure", ("h",)), ("Look here.", ("s",))), codes=frozenset({3})),
    Keyed("longest-words", lambda: one_question(
        "x" * 19_990 + " Q-END", "y" * 19_990 + " HELP-END", "z" * 19_990 + " FIX-END"),
        (("Not sure", ("h",)), ("yyyyyyyyyy", ("n",)), ("FIX-END", ()), ("now?", ("y",))),
        codes=frozenset({0})),
    # Item 7: long choice lists, walked with the arrow keys.
    *[Keyed(f"choices-{name}", lambda count=count, width=width, helped=helped: many_choices(
        count, width, helped), (("Choice 00000", (DOWN,) * 12 + (UP,) * 9),
                                ("» Choice 00002", (ENTER,))),
        codes=frozenset({0}))
      for name, count, width, helped in (
          ("2000", 2000, 20, False),
          # 8.4 s and 2.6 s of CPU before the prompter drew only a screen of choices.
          ("5000-of-150-characters", 5000, 150, False),
          ("1000-with-help", 1000, 150, True))],
    # Item 10: the tenth choice, whose id is 'help', picked with the arrows.
    Keyed("help-choice-by-arrows", help_tenth, (("Label a1", (DOWN,) * 10),
                                                ("» -) Label help", (ENTER,))),
          codes=frozenset({0}), spelled=("Every check passed",)),
    # The built-in flow: a choice by number, an answer, back (b), another, Ctrl-C.
    *[Keyed(f"builtin-back-and-ctrl-c{name}", None, (
        ("What does the iCloud status line", ("1",)), ("Is Low Power Mode", ("n",)),
        ("Is the battery low", ("b",)), ("Is Low Power Mode", (DOWN, ENTER)),
        ("Is the battery low", (CTRL_C,))), env=env, codes=frozenset({130}),
        spelled=("Stopped",))
      for name, env in (("", {}), ("-columns-1e9", {"COLUMNS": "1000000000"}),
                        ("-ascii", {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"}))],
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(
    strict=True, reason=c.defect)] if c.defect else []) for c in CASES])
def test_hostile_flow_in_the_prompter(case: Keyed, tmp_path: Path) -> None:
    args = ["--offline"]
    if case.flow is not None:
        (tmp_path / "flow.yaml").write_bytes(case.flow())
        args += ["--steps", "flow.yaml"]
    terminal = Terminal(args, tmp_path, {"ICLOUD_FIX_HOME": str(tmp_path / "home"),
                                         **case.env})
    for text, keys in case.keys:
        terminal.expect(text)
        terminal.press(*keys)
    run = terminal.finish()
    assert_sane(run)
    assert run.code in case.codes, run.text[-2000:]
    seen = " ".join(without_escapes(run.text).split())
    for text in case.spelled:
        assert text in seen, f"{text!r} not on the screen"


# -- item 9: two sessions of one flow that both stop keep both -----------------------------

def plain_stop(cwd: Path, typed: str) -> str:
    done = subprocess.run([installed_command(), "--plain", "--offline"], input=typed,
                          capture_output=True, text=True, check=False, timeout=60, cwd=cwd)
    assert done.returncode == 130, done.stderr
    return done.stdout + done.stderr


def first_stops_in_a_pipe(cwd: Path) -> None:
    assert "Your answers are kept" in plain_stop(cwd, "synced\nn\n")


def first_stops_in_a_terminal(cwd: Path) -> None:
    first = Terminal(["--offline"], cwd)
    first.expect("What does the iCloud status line")
    first.press("1")
    first.expect("Is Low Power Mode")
    first.press("n")
    first.expect("Is the battery low")
    first.press(CTRL_C)
    run = first.finish()
    assert_sane(run)
    assert run.code == 130


@pytest.mark.parametrize(("second_args", "first"), [
    (["--offline"], first_stops_in_a_pipe),
    (["--plain", "--offline"], first_stops_in_a_pipe),
    (["--offline"], first_stops_in_a_terminal),
], ids=["arrows-and-a-pipe", "plain-and-a-pipe", "arrows-and-arrows"])
def test_two_sessions_that_both_stop_are_both_kept(
        second_args: list[str], first: Callable[[Path], None], tmp_path: Path,
        icloud_fix_home: Path) -> None:
    """B starts; A runs and stops (2 answers kept); then B stops after 3: both are kept,
    the latest continued first, and A's after it is forgotten."""
    second = Terminal(second_args, tmp_path)
    second.expect("What does the iCloud status line")
    first(tmp_path)
    plain = "--plain" in second_args
    for key in ("synced", "n", "n") if plain else ("1", "n", "n"):
        second.press(key + ("\r" if plain else ""))
    second.expect("Is Low Data Mode turned on")
    second.press(CTRL_C)
    second.expect("both are kept, and each run continues the latest")
    run = second.finish()
    assert_sane(run)
    assert run.code == 130
    assert len(list((icloud_fix_home / "sessions").iterdir())) == 2
    assert "after 3 answers." in plain_stop(tmp_path, "n\n")
    assert "after 2 answers." in plain_stop(tmp_path, "y\n")
