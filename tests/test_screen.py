"""What a person sees: the installed icloud-fix in a pseudo-terminal, everything it writes
fed to a terminal emulator (pyte), and the screen read back line by line.

A terminal cuts a line that is too long at its last column, wherever that falls in a
word; only the screen shows that, not the bytes written. So every text the session
shows is checked word by word against the screen: laid out right, the words on its
screen lines are exactly its words, and a word cut in two shows up as two.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pyte
import pytest

from helpers import PASSING, start_installed
from icloud_fix.flow import Flow, Question
from icloud_fix.flowfile.loader import load_builtin
from icloud_fix.kinds import Option
from icloud_fix.prompts.base import FIX_OPTIONS, has_help, options

# Tall enough that a whole session stays on the screen: nothing scrolls away.
ROWS = 500
WAIT = 15.0
# A frame may come in pieces: the screen is read once nothing came for this long.
QUIET = 0.02
# A choice of a question being asked: " » y) Yes" (the pointed one) or "   n) No".
CHOICE = re.compile(r"^ [» ] \S\) ")
SAVE = "Save this report as {name} in this folder, to hand to whoever helps you next?"
REPLAY = ("The same answers as one command (to share, or to run again without "
          "questions):")


class Terminal:
    """icloud-fix in a pseudo-terminal, and the screen it draws there."""

    def __init__(self, tmp_path: Path, columns: int, *args: str, rows: int = ROWS) -> None:
        self.rows = rows
        # The width is the terminal's, as in a person's window, not one COLUMNS sets.
        self.child = start_installed(["--offline", *args], tmp_path, columns=columns,
                                     rows=rows, timeout=WAIT, size_from_terminal=True,
                                     text=False)
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.ended = False
        self._lines: list[str] | None = None

    @property
    def columns(self) -> int:
        return int(self.screen.columns)

    def lines(self) -> list[str]:
        """The screen's lines, without the spaces that end them. Read from the screen's
        sparse buffer of the cells written: pyte's own display reads every cell, about
        0.2 s for a screen this size."""
        if self._lines is None:
            columns = self.columns
            self._lines = []
            for y in range(self.screen.lines):
                row = self.screen.buffer.get(y)
                cells = [" "] * columns
                for x, char in (row or {}).items():
                    if x < columns:
                        cells[x] = char.data  # "" after a wide character, which takes two
                self._lines.append("".join(cells).rstrip())
        return self._lines

    def resize(self, columns: int) -> None:
        self.screen.resize(self.rows, columns)
        self._lines = None
        self.child.setwinsize(self.rows, columns)  # SIGWINCH, as a window dragged narrower

    def _feed(self, wait: float) -> bool:
        """Whether the program wrote something within wait seconds (fed to the screen)."""
        if self.ended:
            return False
        try:
            self.stream.feed(self.child.read_nonblocking(1 << 16, timeout=wait))
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            self.ended = True
            return False
        self._lines = None
        return True

    def wait_for(self, what: str, seen: Callable[[list[str]], bool],
                 or_the_end: bool = False) -> list[str]:
        """The screen once seen(its lines) holds and the program has stopped writing (a
        frame may come in pieces); with or_the_end, also once the program has ended."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self._feed(QUIET):
                continue  # more may be coming: the screen is read once it stops
            if seen(self.lines()) or (self.ended and or_the_end):
                return self.lines()
            if self.ended:
                break
        pytest.fail(f"waited for {what}; the screen shows:\n" + shown(self.lines()))

    def send(self, key: str) -> None:
        self.child.send(key)

    def close(self) -> None:
        self.child.close(force=True)


def shown(lines: list[str]) -> str:
    while lines and not lines[-1]:
        lines = lines[:-1]
    return "\n".join(f"|{line}" for line in lines)


def words_at(lines: list[str], row: int, expected: list[str]) -> tuple[list[str], int]:
    """The words on the screen from row on, whole lines of them, until there are as many
    as expected (or the screen ends); and the row after them."""
    seen: list[str] = []
    while row < len(lines) and len(seen) < len(expected):
        seen += lines[row].split()
        row += 1
    return seen, row


def assert_laid_out(lines: list[str], row: int, text: str, what: str) -> int:
    """text is on the screen from row on, broken between words only, and ends where a
    line ends; returns the row after it. {name} in text stands for any one word."""
    expected = text.split()
    seen, after = words_at(lines, row, expected)
    same = len(seen) == len(expected) and all(
        e == "{name}" or s == e for s, e in zip(seen, expected, strict=True))
    assert same, (f"{what} is not whole on the screen at row {row}:\n"
                  f"expected {text!r}\n" + shown(lines[row:after + 1]))
    return after


def squash(text: str) -> str:
    return "".join(text.split())


@dataclass
class Asked:
    """A question as the screen shows it while it is asked: its text, the keys line,
    and its choices (no choices: a yes/no confirmation, "(Y/n)")."""

    text: str
    keys: str
    choices: list[Option]
    help: list[str]


def keys_line(question: Question) -> str:
    """The keys line of a question of the built-in flow, as a person reads it."""
    explain = "h = explain, b = back" if has_help(question) else \
        "b = back, arrows + Enter also work"
    choices = getattr(question.spec, "choices", ())
    if question.kind == "choice" and len(choices) > 9:
        # The tenth choice on has no number key: it is picked with the arrows ("-)").
        return f"(press 1-9 or use arrows + Enter, s = not sure, {explain})"
    if question.kind == "choice":
        return f"(press 1-{len(choices)} to pick, s = not sure, {explain})"
    return f"(y = yes, n = no, s = not sure, {explain})"


def help_of(question: Question) -> list[str]:
    lines = [question.help.strip()] if question.help else []
    choices = getattr(question.spec, "choices", ())
    return lines + [f"{c.label}: {c.help.strip()}" for c in choices if c.help]


def the_questions(flow: Flow) -> dict[str, Asked]:
    """Every question the session may ask, by id, as it is shown (no iPhone read: every
    iOS version's path, labelled)."""
    from icloud_fix.prompts.base import after_fix_question, as_shown

    asked = {}
    for question in [*flow.triage, *(q for c in flow.checks for q in c.questions)]:
        question = as_shown(question, None)
        picks = list(options(question))
        if has_help(question):
            picks.append(Option("help", "Explain this question", "h"))
        asked[question.id] = Asked(question.prompt.strip(), keys_line(question), picks,
                                   help_of(question))
    asked["sync-now"] = Asked(after_fix_question(flow.after_fix_question, None),
                              "(y = yes, n = no, w = not yet, b = back)", list(FIX_OPTIONS),
                              [])
    asked["save"] = Asked(SAVE, "(Y/n)", [], [])
    return asked


def asked_now(lines: list[str], after: int) -> int | None:
    """The row where the question being asked starts, if one below row after is drawn:
    its choices under it, or a confirmation's "(Y/n)" at its end."""
    starts = [row for row, line in enumerate(lines) if line.startswith("? ") and row > after]
    if not starts:
        return None
    rest = [line for line in lines[starts[-1]:] if line]
    if any(CHOICE.match(line) for line in rest) or rest[-1].endswith("(Y/n)"):
        return starts[-1]
    return None


def which(lines: list[str], row: int, questions: dict[str, Asked]) -> str:
    text = squash(" ".join(lines[row:]))
    for qid, asked in questions.items():
        pattern = re.escape(squash("? " + asked.text)).replace(re.escape("{name}"), r"\S+")
        if re.match(pattern, text):
            return qid
    pytest.fail("a question that is not in the flow:\n" + shown(lines[row:]))


def assert_asked(lines: list[str], row: int, asked: Asked, help_shown: bool) -> None:
    """The question being asked, its keys line, help and choices, broken between words."""
    row = assert_laid_out(lines, row, f"? {asked.text} {asked.keys}", "a question")
    if help_shown:
        row = assert_laid_out(lines, row, " ".join(asked.help), "a question's help")
    for option in asked.choices:
        line = lines[row].replace(" » ", "   ", 1)
        key = option.key or "-"
        assert line.startswith(f"   {key}) "), shown(lines[row - 1:])
        row = assert_laid_out([line, *lines[row + 1:]], 0, f"{key}) {option.label}",
                              "a choice") + row


@dataclass
class Answered:
    row: int
    echo: str
    help: list[str]


def answer_a_session(term: Terminal, keys: dict[str, str], explain: set[str]
                     ) -> list[Answered]:
    """Answer every question until the program ends, each with its key in keys, after
    pressing h first on those in explain; check each question while it is asked."""
    questions = the_questions(load_builtin())
    answered: list[Answered] = []
    after = -1
    while True:
        lines = term.wait_for("a question", lambda ls, after=after: asked_now(ls, after)
                              is not None, or_the_end=True)
        row = asked_now(lines, after)
        if row is None:  # the program ended
            return answered
        qid = which(lines, row, questions)
        asked = questions[qid]
        assert_asked(lines, row, asked, help_shown=False)
        if qid in explain:
            term.send("h")
            help_text = squash(" ".join(asked.help))
            lines = term.wait_for("the help", lambda ls, row=row, help_text=help_text:
                                  help_text in squash(" ".join(ls[row:])))
            assert_asked(lines, row, asked, help_shown=True)
        key = keys[qid]
        term.send(key)
        label = ("Yes" if key == "y" else "No") if not asked.choices else next(
            o.label for o in asked.choices if o.key == key)
        answered.append(Answered(row, f"? {asked.text} {label}",
                                 asked.help if qid in explain else []))
        after = row


# The built-in flow answered so that it passes, but the first check fails twice (Low
# Power Mode on, the battery low): two fixes in one check.
TWO_FIXES = {**PASSING, "connectivity-low-power-mode": "yes", "connectivity-low-battery": "yes"}


def session_keys() -> dict[str, str]:
    """The key that gives each answer of TWO_FIXES; the fix does not help, and the
    report is not saved."""
    flow = load_builtin()
    keys = {}
    for question in [*flow.triage, *(q for c in flow.checks for q in c.questions)]:
        keys[question.id] = next(o.key for o in options(question)
                                 if o.value == TWO_FIXES[question.id])
    return {**keys, "sync-now": "n", "save": "n"}


def assert_blank_line_between_the_fixes(lines: list[str], heading: str) -> None:
    """Under heading, the fix for Low Power Mode (with how to tell it worked), a blank
    line, and the one for a low battery."""
    start = next(row for row, line in enumerate(lines) if line.startswith(heading))
    second = next(row for row, line in enumerate(lines)
                  if row > start and line.lstrip().startswith("Charge the iPhone, or ask"))
    around = shown(lines[second - 3:second + 1])
    assert lines[second - 1] == "", around
    assert lines[second - 2].endswith("no longer says Paused."), around


EXPLAINED = "connectivity-low-battery"


@pytest.fixture
def terminal(tmp_path: Path):
    started: list[Terminal] = []

    def start(columns: int, *args: str, rows: int = ROWS) -> Terminal:
        term = Terminal(tmp_path, columns, *args, rows=rows)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()


@pytest.mark.parametrize("columns", [50, 80, 100, 220])
def test_a_whole_session_reads_as_a_person_sees_it(terminal, columns: int) -> None:
    term = terminal(columns)
    answered = answer_a_session(term, session_keys(), explain={EXPLAINED})
    lines = term.lines()
    assert lines[0] == "iCloud Photos not syncing on iPhone"  # nothing scrolled away
    assert term.child.wait() == 1  # problems found

    # Every question stays as it was answered, its words whole: "? question answer",
    # and the help under the question that asked for it.
    for done in answered:
        row = assert_laid_out(lines, done.row, done.echo, "an answered question")
        if done.help:
            assert_laid_out(lines, row, " ".join(done.help), "a question's help")

    # After h, the question is there once, with its real answer.
    battery = [line for line in lines if line.startswith("? Is the battery low right")]
    assert len(battery) == 1, shown(lines)
    assert "Explain this question" not in "\n".join(lines)

    # Two fixes of one check, shown as it failed: a blank line between them.
    assert_blank_line_between_the_fixes(lines, "How to fix: Low Power Mode")

    # The lead-in of the replay command, between words too (the command itself is one
    # long line, to copy whole).
    lead = next(row for row, line in enumerate(lines) if line.startswith("The same answers"))
    row = assert_laid_out(lines, lead, REPLAY, "the replay lead-in")
    assert lines[row].startswith("  icloud-fix --non-interactive")


def test_a_resized_terminal_gets_the_question_wrapped_again(terminal) -> None:
    term = terminal(120)
    questions = the_questions(load_builtin())
    triage = questions["photos-status"]

    def asked_whole(lines: list[str]) -> bool:
        row = asked_now(lines, -1)
        if row is None:
            return False
        try:
            assert_asked(lines, row, triage, help_shown=False)
        except AssertionError:
            return False
        return True

    lines = term.wait_for("the first question", asked_whole)
    row = asked_now(lines, -1)
    assert row is not None and len(lines[row]) > 50  # one line at 120 columns, not at 50

    term.resize(50)
    # Cut at 50 columns by the narrower window, then drawn again, broken between words.
    lines = term.wait_for("the question drawn again at 50 columns", asked_whole)
    assert lines[row] == "? What does the iCloud status line in the Photos"
    term.send("1")
    lines = term.wait_for("the answer", lambda ls: ls[row + 1].endswith("syncing normally"))
    assert_laid_out(lines, row, f"? {triage.text} Up to date, or syncing normally",
                    "the answered question")


@pytest.mark.parametrize("columns", [50, 80, 100, 220])
def test_the_summary_has_a_blank_line_between_two_fixes_of_a_check(terminal,
                                                                    columns: int) -> None:
    # In a session with a person, a fix that was shown is named in the summary as tried;
    # one a scripted run finds is shown there in full.
    answers = [f"--answer={qid}={answer}" for qid, answer in TWO_FIXES.items()]
    term = terminal(columns, "--non-interactive", *answers)
    lines = term.wait_for("the end of the run", lambda ls: False, or_the_end=True)
    assert_blank_line_between_the_fixes(lines, "Fixes to try")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(("count", "width"), [(2000, 20), (5000, 150)])
def test_thousands_of_choices_cost_what_a_screen_of_them_does(
        terminal, tmp_path: Path, count: int, width: int) -> None:  # type: ignore[no-untyped-def]
    """Each key redraws the choices: a flow of thousands of them drew (and wrapped) them
    all, 15 s of CPU and 254 MiB for 40 presses (issue 19, item 7). Now a screen of
    them is drawn, around the one pointed at, with how many more there are."""
    (tmp_path / "big.yaml").write_text(many_choices(count, width), encoding="utf-8")
    term = terminal(100, "--steps", "big.yaml", rows=50)  # a tall window
    room = 50 - 8  # rows for choices: the screen's, less the question's own
    lines = term.wait_for("the choices", lambda lines: any("more below" in x for x in lines))
    below = next(int(m[1].replace(",", "")) for x in lines
                 if (m := re.fullmatch(r"  \(([\d,]+) more below: Down\)", x)))
    drawn = [x for x in lines if x.startswith("   Choice ")]  # a line each
    assert drawn[0].startswith("   Choice 0")
    assert len(drawn) + below == count + 1  # "Not sure" is the last
    for _ in range(40):
        term.send("\x1b[B")
    lines = term.wait_for("the 40th choice pointed at",
                          lambda lines: any(re.search(r"» Choice 39\b", x) for x in lines))
    first = lines.index(next(x for x in lines if "? Which one?" in x))
    shown = [x for x in lines[first + 1:] if x]
    assert len(shown) <= room + 2, len(shown)  # the choices, and a line of how many more
    cpu, peak = cpu_and_peak(term.child.pid)
    assert cpu < 2.0 and peak < 200, f"{cpu:.2f} s of CPU, {peak:.0f} MiB"


def many_choices(count: int, width: int) -> str:
    """A flow of one choice question with count choices, each label width long."""
    choices = "".join(f"          - {{id: c{i}, label: '{f'Choice {i} '.ljust(width, 'x')}'}}\n"
                      for i in range(count))
    return ("format: 2\nid: big\ntitle: Big\nversion: 1\nchecks:\n  - id: c\n    title: C\n"
            "    questions:\n      - id: q\n        kind: choice\n        prompt: Which one?\n"
            "        pass_choices: [c0]\n        remediation: Fix.\n        choices:\n"
            + choices)


def cpu_and_peak(pid: int) -> tuple[float, float]:
    """CPU seconds and peak memory (MiB) of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    peak = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text()
                .splitlines() if line.startswith("VmHWM"))
    return cpu, peak / 1024
