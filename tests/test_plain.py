"""--plain, as a person with a screen reader or a narrow terminal meets it: the keys said
once, every paragraph wrapped at the width, a numbered step's later lines under its
text, replies that name every key a question takes, and a word on the checks answered
from the command line. The installed icloud-fix, answers piped to it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from helpers import PASSING, installed_command, write_flow
from icloud_fix.answers import GivenAnswers, parse_flags
from icloud_fix.engine import Origin
from icloud_fix.flowfile.loader import load_builtin, load_file
from icloud_fix.prompts.asking import answered_ahead
from icloud_fix.report.paragraphs import reflow

KEYS = ("How to answer: type y for yes or n for no (for a question with a numbered list, "
        "the number of your answer), then press Enter. Type s if you are not sure: the "
        "question is skipped. Type h to have a question explained, where there is more to "
        "say. Type b to go back one question and answer it again. Where your iPhone "
        "suggests an answer, Enter alone takes it.")
# The triage, then each question of the seven checks that is asked, passing.
ALL_PASSING = "synced\n" "n\nn\nn\nyes\nn\nn\ny\n" "y\nn\ny\nn\nn\ny\n" "N\nn\ny\ny\ny\ny\n"
# Check 1 fails (no internet), and "Do your photos sync now?" gets no answer: its fix
# is among the fixes to try.
NO_INTERNET = "synced\n" "n\nn\nn\nn\nn\nn\ny\n"
# The same, with "no" to "sync now?"; the rest pass, and the report is not saved.
NO_INTERNET_TO_THE_END = (NO_INTERNET + "n\n" "y\nn\ny\nn\nn\ny\n" "n\nn\ny\ny\ny\ny\n"
                          "n\n")


def plain(typed: str, *args: str, columns: int = 200, cwd: Path | None = None,
          **env: str) -> subprocess.CompletedProcess:
    """The installed icloud-fix --plain, answers piped in; offline, as a terminal of
    ``columns``."""
    environment = {**os.environ, "COLUMNS": str(columns), **env}
    return subprocess.run([installed_command(), "--plain", "--offline", *args], input=typed,
                          capture_output=True, text=True, check=False, env=environment,
                          cwd=cwd, timeout=60)


def lines_after(out: str, first: str, count: int) -> list[str]:
    lines = out.split("\n")
    at = lines.index(first)
    return lines[at:at + count]


# -- the keys, said once -------------------------------------------------------------------


def test_the_keys_are_said_once_before_the_first_question() -> None:
    run = plain(ALL_PASSING, columns=1000)  # the keys on one line
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.count("How to answer:") == 1
    assert KEYS + "\n\nBefore the checks\n" in out
    # Each question is its text and the answer typed after it: no keys on every line.
    assert "What does the iCloud status line in the Photos app say? synced\n" in out
    assert "Is Low Power Mode on? (The battery icon at the top of the screen is yellow.) n\n" \
        in out
    for keys in ("y = yes", "s = not sure", "h = explain", "the number or id"):
        assert keys not in out


def test_a_flow_is_told_only_the_keys_its_questions_take(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, """
        format: 2
        id: lamp
        title: Lamp
        version: "1"
        checks:
          - id: bulb
            title: Bulb
            questions:
              - {id: bulb-ok, prompt: Does the bulb light?, pass_answer: "yes",
                 remediation: Change the bulb.}
    """)
    run = plain("y\n", "--steps", str(flow))
    assert run.returncode == 0, run.stderr
    assert ("How to answer: type y for yes or n for no, then press Enter. Type s if you are "
            "not sure: the question is skipped. Type b to go back one question and answer it "
            "again.\n") in run.stdout


# -- replies that name every key -----------------------------------------------------------


def test_a_yes_no_reply_names_every_key_it_takes() -> None:
    again = "Please type y (yes), n (no), s (not sure), h (help) or b (back one question).\n"
    # "maybe" is no answer; h then shows the help; s is taken (not sure).
    run = plain("synced\nmaybe\nh\ns\n")
    assert run.returncode == 130
    asked = "Is Low Power Mode on? (The battery icon at the top of the screen is yellow.) "
    assert (f"{asked}maybe\n{again}{asked}h\n  Low Power Mode saves battery by pausing") in \
        run.stdout
    assert f"{asked}s\n" in run.stdout


def test_a_choice_reply_names_every_key_it_takes() -> None:
    # 15 is not on the list; the word in brackets is taken.
    run = plain("15\nsynced\n")
    again = ("Please type a number from 1 to 14, the word in brackets after a choice, "
             "s (not sure), h (help) or b (back one question).\n")
    assert run.stdout.count(again) == 1
    taken = "What does the iCloud status line in the Photos app say? synced\n\n"
    assert taken in run.stdout
    # Then check 1, after what is said at its heading (with ideviceinfo installed and no
    # iPhone connected: how to connect one, since check 1 has a question its clock
    # answers).
    assert re.match(r"(  .*\n\n)?Check 1 of 7", run.stdout.split(taken, 1)[1])


def test_replies_without_help_and_with_two_choices(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, """
        format: 2
        id: lamp
        title: Lamp
        version: "1"
        checks:
          - id: bulb
            title: Bulb
            questions:
              - id: kind
                kind: choice
                prompt: Which bulb?
                informational: true
                choices: [{id: led, label: LED}, {id: old, label: Filament}]
              - {id: bulb-ok, prompt: Does the bulb light?, pass_answer: "yes",
                 remediation: Change the bulb.}
    """)
    run = plain("3\nh\n2\nh\nyes please\ny\n", "--steps", str(flow))
    assert run.returncode == 0, run.stderr
    # No help to give: h is no answer, and the reply does not offer it.
    assert run.stdout.count("Please type 1 or 2, the word in brackets after a choice, "
                            "s (not sure) or b (back one question).\n") == 2
    assert run.stdout.count("Please type y (yes), n (no), s (not sure) or b (back one "
                            "question).\n") == 2


def test_the_fix_question_and_continue_name_their_keys(tmp_path: Path) -> None:
    # Low Power Mode on: the fix is shown; "sync now?" takes y, n or w.
    run = plain("synced\ny\nn\nn\ny\nn\nn\ny\nmaybe\nn\n", cwd=tmp_path)
    # (The question, which says where the status line is on each iOS, may wrap.)
    assert "(y for yes, n for no, w for not yet): maybe " \
        "Please type y (yes), n (no) or w (not yet), or b to go back." in " ".join(
            run.stdout.split())
    assert "): maybe\nPlease type y (yes), n (no) or w (not yet)" in run.stdout
    # Stopped: the next run asks whether to continue, Enter meaning yes.
    again = plain("perhaps\n\n", cwd=tmp_path)
    assert "Continue where you stopped? (Y/n): perhaps\n" \
        "Please type y (yes), n (no) or Enter (yes).\n" in again.stdout


# -- wrapped at the width ------------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 50, 72])
def test_no_line_is_wider_than_the_terminal(tmp_path: Path, columns: int) -> None:
    run = plain(NO_INTERNET_TO_THE_END, columns=columns, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.split("\n")
    # --plain reads out no replay command (unless --verbose); everything wraps.
    assert "icloud-fix --non-interactive" not in run.stdout
    wide = [line for line in lines if len(line) > columns]
    assert wide == []
    assert "Fixes already tried" in run.stdout and "Where to get help" in run.stdout


def test_a_numbered_step_goes_on_under_its_text() -> None:
    run = plain(NO_INTERNET, columns=50)
    assert run.returncode == 130, run.stderr
    out = run.stdout
    # The fix, shown at once (indented 2), and again in the summary (indented 3).
    assert lines_after(out, "  1. Open Settings > Wi-Fi and make sure Wi-Fi is", 3) == [
        "  1. Open Settings > Wi-Fi and make sure Wi-Fi is",
        "     on and connected to your network (a tick next",
        "     to its name).",
    ]
    assert lines_after(out, "   1. Open Settings > Wi-Fi and make sure Wi-Fi is", 3) == [
        "   1. Open Settings > Wi-Fi and make sure Wi-Fi is",
        "      on and connected to your network (a tick",
        "      next to its name).",
    ]
    # A choice of the list, and a check's title among the fixes to try.
    assert lines_after(out, '  4. Paused: "Saving Cellular Data" or Low Data', 2) == [
        '  4. Paused: "Saving Cellular Data" or Low Data', "     Mode (paused-low-data)"]
    assert lines_after(out, "1. Low Power Mode, Low Data Mode and the internet", 2) == [
        "1. Low Power Mode, Low Data Mode and the internet", "   connection"]


def test_a_prompt_and_its_answer_are_wrapped_as_a_paragraph() -> None:
    run = plain(ALL_PASSING, columns=40)
    # Wrapped one column short of the width, for the space before the answer.
    assert ("What does the iCloud status line in the\n"
            "Photos app say? synced\n") in run.stdout
    assert ("Is Low Power Mode on? (The battery icon\n"
            "at the top of the screen is yellow.) n\n") in run.stdout
    # Where the answer would not fit after the prompt's last line, it goes on the next.
    run = plain("the-steady-green-light-is-on\n", columns=40)
    assert "Photos app say? \nthe-steady-green-light-is-on\nPlease type" in run.stdout


def test_reflow_joins_what_a_flow_wrapped_by_hand() -> None:
    text = ("Get this iPhone back online:\n\n"
            "1. Open Settings > Wi-Fi and make sure Wi-Fi is on and connected\n"
            "   to your network.\n"
            "2. Restart the router.\n"
            "   - a bullet under a step, long enough to wrap at this width\n\n"
            "```\nkept   as   written\n```\n"
            "| a | table row kept |\n")
    assert reflow(text, 30, indent=2).split("\n") == [
        "  Get this iPhone back online:",
        "",
        "  1. Open Settings > Wi-Fi and",
        "     make sure Wi-Fi is on and",
        "     connected to your",
        "     network.",
        "  2. Restart the router.",
        "     - a bullet under a step,",
        "       long enough to wrap at",
        "       this width",
        "",
        "  ```",
        "  kept   as   written",
        "  ```",
        "  | a | table row kept |",
    ]


# -- checks answered from the command line -------------------------------------------------


def test_checks_answered_ahead_are_said_once_where_the_first_would_have_been() -> None:
    connectivity = [f"--answer={q}={a}" for q, a in PASSING.items()
                    if q.startswith("connectivity-")]
    run = plain("synced\n" + "y\nn\ny\nn\nn\ny\n" + "n\ny\ny\ny\ny\ny\n", *connectivity,
                "--answer=icloud-storage-full=no")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert ("What does the iCloud status line in the Photos app say? synced\n"
            "\n"
            "  Checks 1 and 3 answered from the command line.\n"
            "\n"
            "Check 2 of 7 - Apple Account and iCloud Photos\n") in out
    assert out.count("answered from the command line") == 1
    assert "Check 1 of 7" not in out and "Check 3 of 7" not in out


def test_every_check_answered_ahead_is_said_before_the_summary() -> None:
    checks = [f"--answer={q}={a}" for q, a in PASSING.items() if q != "photos-status"]
    run = plain("synced\n", *checks)
    assert run.returncode == 0, run.stderr
    assert ("say? synced\n\n  Checks 1 to 7 answered from the command line.\n\n"
            "Summary: iCloud Photos not syncing on iPhone\n") in run.stdout


PRINTER = """
    format: 2
    id: printer
    title: Printer
    version: "1"
    triage:
      - id: light
        kind: choice
        prompt: What does the light show?
        choices:
          - {id: steady, label: Steady green}
          - {id: orange, label: Blinking orange, check: paper}
    checks:
      - id: power
        title: Power
        questions:
          - {id: power-on, prompt: Is it on?, pass_answer: "yes", remediation: Turn it on.}
      - id: paper
        title: Paper
        questions:
          - {id: paper-in, prompt: Is there paper?, pass_answer: "yes", remediation: Add some.}
          - id: paper-jam
            when: {paper-in: "no"}
            prompt: Is a sheet jammed?
            pass_answer: "no"
            remediation: Pull it out.
"""


def test_checks_are_numbered_as_the_session_asks_them(tmp_path: Path) -> None:
    # Blinking orange sends the session to Paper first: Power, answered ahead, is check 2.
    run = plain("2\ny\n", "--steps", str(write_flow(tmp_path, PRINTER)),
                "--answer=power-on=yes")
    assert run.returncode == 0, run.stderr
    assert ("What does the light show? 2\n\n  Check 2 answered from the command line.\n\n"
            "Check 1 of 2 - Paper\n") in run.stdout


def test_a_check_that_may_yet_ask_is_not_said_to_be_answered(tmp_path: Path) -> None:
    flow = load_file(write_flow(tmp_path, PRINTER))
    # Paper, then, is always answered ahead (no jam question); its number is where the
    # triage's answer puts it.
    given = parse_flags(["paper-in=yes", "power-on=yes"], flow)
    assert answered_ahead(flow, given, {"light": "steady"}, None) == [1, 2]
    assert answered_ahead(flow, given, {"light": "orange"}, None) == [1, 2]
    # "No paper" asks about a jam, which nobody answered: Paper (asked first) is not.
    no_paper = parse_flags(["paper-in=no", "power-on=yes"], flow)
    assert answered_ahead(flow, no_paper, {"light": "orange"}, None) == [2]
    jam = parse_flags(["paper-in=no", "paper-jam=no", "power-on=yes"], flow)
    assert answered_ahead(flow, jam, {"light": "orange"}, None) == [1, 2]
    # Whether the jam is asked about depends on paper-in, which the person has yet to
    # answer: an answer given for it is not enough.
    open_paper = parse_flags(["paper-jam=no", "power-on=yes"], flow)
    assert answered_ahead(flow, open_paper, {"light": "steady"}, None) == [1]


def test_answers_kept_from_last_time_are_not_from_the_command_line() -> None:
    flow = load_builtin()
    connectivity = {q: a for q, a in PASSING.items() if q.startswith("connectivity-")}
    kept = GivenAnswers(connectivity, dict.fromkeys(connectivity, Origin.PROMPT))
    assert answered_ahead(flow, kept, {"photos-status": "synced"}, None) == []
    flags = GivenAnswers(connectivity, dict.fromkeys(connectivity, Origin.FLAG))
    assert answered_ahead(flow, flags, {"photos-status": "synced"}, None) == [1]
    # --only: the checks not run are not counted, nor numbered.
    assert answered_ahead(flow, flags, {}, {"connectivity", "restart"}) == [1]
