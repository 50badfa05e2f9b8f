"""Choice questions and triage (format 2), as a user meets them: scripted runs and their
reports, `list`, and the installed icloud-fix in a pseudo-terminal and in --plain mode."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from pathlib import Path

import pexpect
import pytest

from helpers import (
    TerminalScreen,
    answer,
    installed_command,
    invoke,
    read_to_the_end,
    statuses,
    without_escapes,
    write_flow,
)

PRINTER = """
format: 2
id: printer
title: Printer will not print
version: "1"
triage:
  - id: light
    kind: choice
    prompt: What does the light on the printer show?
    help: The light is on the front, next to the power button.
    choices:
      - {id: steady, label: Steady green}
      - {id: blinking-orange, label: Blinking orange, check: paper, help: Usually the paper.}
      - {id: off, label: Off, check: power}
checks:
  - id: power
    title: Power
    questions:
      - id: power-on
        prompt: Is the printer switched on?
        pass_answer: "yes"
        remediation: |
          1. Press the power button.
  - id: paper
    title: Paper
    questions:
      - id: paper-state
        kind: choice
        prompt: What is in the paper tray?
        choices:
          - {id: full, label: A stack of paper}
          - {id: empty, label: Nothing}
          - {id: jammed, label: A crumpled sheet}
        pass_choices: [full]
        remediation: |
          1. Clear the tray and load fresh paper.
      - id: paper-jam-cleared
        when: {paper-state: [jammed, empty]}
        prompt: Did you open the back cover?
        pass_answer: "yes"
        remediation: |
          1. Open the back cover and pull the sheet out.
"""

# Labels with different first letters (none of them s or h): one letter per choice; and
# a condition on a single choice id.
ROUTER = """
format: 2
id: router
title: Router is offline
version: "1"
triage:
  - id: lamp
    kind: choice
    prompt: Which lamp is lit on the router?
    choices:
      - {id: green, label: Green lamp}
      - {id: red, label: Red lamp, check: cable}
      - {id: dark, label: No lamp}
checks:
  - id: power
    title: Power
    questions:
      - id: plugged-in
        when: {lamp: dark}
        prompt: Is the router plugged in?
        pass_answer: "yes"
        remediation: Plug the router in.
  - id: cable
    title: Cable
    questions:
      - id: cable-in
        prompt: Is the network cable pushed in?
        pass_answer: "yes"
        remediation: Push the cable in until it clicks.
"""

CTRL_C = "\x03"
DOWN = "\x1b[B"
ENTER = "\r"


@pytest.fixture
def printer(tmp_path: Path) -> Path:
    return write_flow(tmp_path, PRINTER)


@pytest.fixture
def router(tmp_path: Path) -> Path:
    return write_flow(tmp_path, ROUTER, "router.yaml")


def scripted(flow: Path, *args: str):
    return invoke("--steps", str(flow), "--non-interactive", *args)


def report(flow: Path, *args: str) -> tuple[int, dict]:
    result = scripted(flow, "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def flags(**answers: str) -> list[str]:
    return [word for qid, value in answers.items()
            for word in ("--answer", f"{qid.replace('_', '-')}={value}")]


# -- scripted runs --------------------------------------------------------------------------


def test_a_routing_choice_asks_its_check_first_and_the_report_says_so(printer: Path) -> None:
    code, doc = report(printer, *flags(light="blinking-orange", paper_state="jammed",
                                       paper_jam_cleared="no", power_on="yes"))
    assert code == 1
    assert doc["outcome"] == "problems_found"
    assert doc["triage"] == [
        {"id": "light", "text": "What does the light on the printer show?",
         "answer": "blinking-orange", "passed": None, "source": "flag"}]
    assert [c["id"] for c in doc["checks"]] == ["paper", "power"]
    assert statuses(doc) == [
        ("paper", "failed", [("paper-state", "jammed", False), ("paper-jam-cleared", "no", False)]),
        ("power", "passed", [("power-on", "yes", True)]),
    ]
    assert doc["checks"][0]["remediation"] == [
        "1. Clear the tray and load fresh paper.\n",
        "1. Open the back cover and pull the sheet out.\n",
    ]


@pytest.mark.parametrize(("light", "order"), [
    ("off", ["power", "paper"]),  # routed to the first check: the order is the flow's
    ("steady", ["power", "paper"]),  # routes nowhere
    ("skip", ["power", "paper"]),  # not sure routes nowhere
    ("blinking-orange", ["paper", "power"]),
])
def test_the_checks_are_listed_in_the_order_asked(printer: Path, light: str, order) -> None:
    code, doc = report(printer, *flags(light=light, paper_state="full", power_on="yes"))
    assert code == 0
    assert [c["id"] for c in doc["checks"]] == order
    assert doc["triage"][0]["answer"] == light
    assert doc["triage"][0]["passed"] is None  # triage never passes or fails


def test_checks_not_reached_come_after_those_asked(printer: Path) -> None:
    code, doc = report(printer, "--resolved-by", "paper",
                       *flags(light="blinking-orange", paper_state="empty",
                              paper_jam_cleared="yes"))
    assert code == 0
    assert doc["outcome"] == "resolved" and doc["resolved_by"] == "paper"
    assert [(c["id"], c["status"]) for c in doc["checks"]] == [
        ("paper", "fixed"), ("power", "not_reached")]
    assert doc["checks"][1]["questions"] == [
        {"id": "power-on", "text": "Is the printer switched on?", "answer": None,
         "passed": None, "source": None}]


def test_a_pass_choice_passes_and_skips_the_question_that_needs_another(printer: Path) -> None:
    code, doc = report(printer, *flags(light="steady", paper_state="full", power_on="yes"))
    assert code == 0
    assert doc["outcome"] == "no_problem_found"
    paper = doc["checks"][1]
    assert paper["status"] == "passed" and paper["remediation"] == []
    # `when: {paper-state: [jammed, empty]}` does not hold for full: not asked.
    assert paper["questions"][1] == {"id": "paper-jam-cleared",
                                     "text": "Did you open the back cover?", "answer": None,
                                     "passed": None, "source": None}


@pytest.mark.parametrize("state", ["jammed", "empty"])
def test_a_condition_on_a_list_of_choices_holds_for_each(printer: Path, state: str) -> None:
    result = scripted(printer, "--no-color",
                      *flags(light="steady", paper_state=state, power_on="yes"))
    assert result.exit_code == 2  # paper-jam-cleared is now asked, and has no answer
    assert result.stderr == (
        "icloud-fix: no answer for paper-jam-cleared; with --non-interactive every question "
        "reached needs one: add --answer ID=VALUE (yes, no, y, n, true, false or skip) or put "
        "it in --answers FILE\n")
    code, doc = report(printer, *flags(light="steady", paper_state=state, power_on="yes",
                                       paper_jam_cleared="yes"))
    assert code == 1
    assert statuses(doc)[1] == ("paper", "failed", [
        ("paper-state", state, False), ("paper-jam-cleared", "yes", True)])
    assert doc["checks"][1]["remediation"] == ["1. Clear the tray and load fresh paper.\n"]


@pytest.mark.parametrize(("lamp", "asked"), [("dark", True), ("green", False), ("red", False)])
def test_a_condition_on_one_choice(router: Path, lamp: str, asked: bool) -> None:
    given = flags(lamp=lamp, cable_in="yes", plugged_in="no") if asked else flags(
        lamp=lamp, cable_in="yes")  # not asked: a script need not answer it
    code, doc = report(router, *given)
    power = next(c for c in doc["checks"] if c["id"] == "power")
    assert power["questions"][0]["answer"] == ("no" if asked else None)
    # Not asked: nothing was checked, so the check did not run rather than pass.
    assert (power["status"], power["ruled_out"], code) == (
        ("failed", False, 1) if asked else ("not_run", True, 0))


def test_a_failing_choice_shows_the_fix_and_its_label_in_the_text_report(printer: Path) -> None:
    result = scripted(printer, "--no-color",
                      *flags(light="off", power_on="yes", paper_state="empty",
                             paper_jam_cleared="yes"))
    assert result.exit_code == 1
    out = result.stdout
    assert "  What does the light on the printer show? Off\n" in out
    assert re.search(r"1\s+Power\s+✓ passed\n2\s+Paper\s+✗ FAILED\n", out)
    assert "Fixes to try, in order" in out and "Clear the tray and load fresh paper." in out
    assert "Open the back cover" not in out  # that question passed


def test_the_text_report_file_shows_labels_not_ids(printer: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = scripted(printer, "--output", str(out),
                      *flags(light="blinking-orange", paper_state="full", power_on="yes"))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "What does the light on the printer show? Blinking orange" in text
    assert "blinking-orange" not in text


def test_the_markdown_report_shows_each_choice_by_its_label(printer: Path) -> None:
    result = scripted(printer, "--format", "markdown",
                      *flags(light="blinking-orange", paper_state="jammed",
                             paper_jam_cleared="no", power_on="yes"))
    assert result.exit_code == 1
    md = result.stdout
    assert ("| # | Check | Status |\n|---|---|---|\n| 1 | Paper | failed |\n"
            "| 2 | Power | passed |\n") in md
    assert ("### Before the checks\n\n"
            "- What does the light on the printer show? **Blinking orange**\n") in md
    assert ("### Paper\n\n- What is in the paper tray? **A crumpled sheet**\n"
            "- Did you open the back cover? **no**\n") in md
    assert "blinking-orange" not in md and "jammed" not in md
    assert ("## Fixes to try, in order\n\n### Paper\n\n"
            "You answered: What is in the paper tray? **A crumpled sheet**\n\n"
            "You answered: Did you open the back cover? **no**\n\n"
            "1. Clear the tray and load fresh paper.\n") in md


def test_an_unknown_choice_is_refused_with_the_ids_and_a_suggestion(printer: Path) -> None:
    result = scripted(printer, "--answer", "light=blinking", "--answer", "paper-state=fulll")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "icloud-fix: --answer: 'blinking' is not an answer for 'light' (did you mean "
        "'blinking-orange'?); use steady, blinking-orange, off or skip\n"
        "icloud-fix: --answer: 'fulll' is not an answer for 'paper-state' (did you mean "
        "'full'?); use full, empty, jammed or skip\n")


def test_a_label_or_yes_is_no_choice(printer: Path) -> None:
    result = scripted(printer, "--answer", "light=Steady green", "--answer", "paper-state=yes")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "icloud-fix: --answer: 'Steady green' is not an answer for 'light' (did you mean "
        "'steady'?); use steady, blinking-orange, off or skip",
        "icloud-fix: --answer: 'yes' is not an answer for 'paper-state'; use full, empty, "
        "jammed or skip"]


def test_a_choice_id_in_any_case_is_taken(printer: Path) -> None:
    code, doc = report(printer, *flags(light="OFF", power_on="yes", paper_state="Full"))
    assert code == 0
    assert doc["triage"][0]["answer"] == "off"
    assert doc["checks"][1]["questions"][0]["answer"] == "full"


def test_a_flag_without_a_value_gets_an_example_that_works(printer: Path) -> None:
    result = scripted(printer, "--answer", "light")
    assert result.exit_code == 2
    # The first question is a choice question: its example is a choice id, not yes.
    assert result.stderr == ("icloud-fix: --answer: 'light' must look like ID=VALUE, for "
                             "example --answer light=steady; light takes steady, "
                             "blinking-orange, off or skip\n")


def test_a_missing_choice_answer_names_the_ids_it_takes(printer: Path) -> None:
    result = scripted(printer, *flags(light="off", power_on="no"))
    assert result.exit_code == 2
    assert result.stderr == (
        "icloud-fix: no answer for paper-state; with --non-interactive every question reached "
        "needs one: add --answer ID=VALUE (paper-state takes full, empty, jammed or skip) or "
        "put it in --answers FILE\n")


def test_choices_in_an_answers_file(printer: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    # off unquoted is YAML 1.1's false; the file is read by the words as written.
    answers.write_text("light: off\npower-on: no\npaper-state: full\n", encoding="utf-8")
    code, doc = report(printer, "--answers", str(answers))
    assert code == 1
    assert doc["triage"] == [{"id": "light", "text": "What does the light on the printer show?",
                              "answer": "off", "passed": None, "source": "file"}]
    assert statuses(doc) == [("power", "failed", [("power-on", "no", False)]),
                             ("paper", "passed", [("paper-state", "full", True),
                                                  ("paper-jam-cleared", None, None)])]
    # A flag wins over the file.
    code, doc = report(printer, "--answers", str(answers), "--answer", "light=blinking-orange")
    assert [c["id"] for c in doc["checks"]] == ["paper", "power"]
    assert doc["triage"][0]["source"] == "flag"


def test_an_unknown_choice_in_an_answers_file(printer: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("power-on: yes\nlight: offf\n", encoding="utf-8")
    result = scripted(printer, "--answers", str(answers))
    assert result.exit_code == 2
    assert result.stderr == (f"icloud-fix: {answers}:2: 'offf' is not an answer for 'light' "
                             "(did you mean 'off'?); use steady, blinking-orange, off or skip\n")


def test_saved_answers_are_choice_ids_that_read_back_to_the_same_result(
        printer: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.yaml"
    code, first = report(printer, "--save-answers", str(saved),
                         *flags(light="off", power_on="yes", paper_state="jammed",
                                paper_jam_cleared="no"))
    assert code == 1
    assert saved.read_text(encoding="utf-8") == (
        "# Answers for printer 1 (Printer will not print)\n"
        "# Run again with: icloud-fix --answers THIS-FILE\n"
        "light: off\npower-on: yes\npaper-state: jammed\npaper-jam-cleared: no\n")
    code, again = report(printer, "--answers", str(saved))
    assert code == 1
    assert again["triage"] == [{**first["triage"][0], "source": "file"}]
    assert statuses(again) == statuses(first)
    assert again["outcome"] == first["outcome"] == "problems_found"


def test_list_json_describes_kinds_choices_and_triage(printer: Path) -> None:
    result = invoke("list", "--steps", str(printer), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["triage"] == [{
        "id": "light", "kind": "choice", "prompt": "What does the light on the printer show?",
        "pass_answer": None,
        "choices": [{"id": "steady", "label": "Steady green", "check": None},
                    {"id": "blinking-orange", "label": "Blinking orange", "check": "paper"},
                    {"id": "off", "label": "Off", "check": "power"}],
        "pass_choices": None, "when": None, "informational": True,
        "asking": {"style": "pick", "accepts": "steady, blinking-orange, off or skip"}}]
    assert [c["id"] for c in doc["checks"]] == ["power", "paper"]  # flow order
    power, paper = doc["checks"]
    assert power["questions"] == [{"id": "power-on", "kind": "yes_no",
                                   "prompt": "Is the printer switched on?",
                                   "pass_answer": "yes", "when": None,
                                   "informational": False,
                                   "asking": {"style": "yes-no", "accepts": "yes, no, y, n, "
                                              "true, false or skip"}}]
    state, cleared = paper["questions"]
    assert state["kind"] == "choice" and state["pass_choices"] == ["full"]
    assert state["choices"] == [{"id": "full", "label": "A stack of paper", "check": None},
                                {"id": "empty", "label": "Nothing", "check": None},
                                {"id": "jammed", "label": "A crumpled sheet", "check": None}]
    assert cleared["kind"] == "yes_no"
    assert cleared["when"] == {"paper-state": ["jammed", "empty"]}


def test_list_text_keeps_the_flow_order(printer: Path) -> None:
    result = invoke("list", "--steps", str(printer), "--no-color")
    assert result.exit_code == 0
    assert result.stdout == (
        "Printer will not print (printer 1)\n"
        "\n"
        "Before the checks\n"
        "   light  (informational)\n"
        "      What does the light on the printer show?\n"
        "        steady: Steady green\n"
        "        blinking-orange: Blinking orange -> check paper\n"
        "        off: Off -> check power\n"
        "\n"
        "1. Power  [power]\n"
        "   power-on  (passes on yes)\n"
        "      Is the printer switched on?\n"
        "\n"
        "2. Paper  [paper]\n"
        "   paper-state  (passes on full)\n"
        "      What is in the paper tray?\n"
        "        full: A stack of paper\n"
        "        empty: Nothing\n"
        "        jammed: A crumpled sheet\n"
        "   paper-jam-cleared  (passes on yes)\n"
        "      asked only when paper-state=jammed|empty\n"
        "      Did you open the back cover?\n")


# -- the installed command in a pseudo-terminal ---------------------------------------------


@pytest.fixture
def session(pty):  # type: ignore[no-untyped-def]
    """start(flow, *args) -> icloud-fix running in a pty, in tmp_path."""
    return pty


plain = without_escapes


def finish(child: pexpect.spawn) -> tuple[int, str]:
    rest = read_to_the_end(child)
    child.close()
    return child.exitstatus, plain(rest)


def asked(child: pexpect.spawn, question: str, keys: str) -> None:
    """The question, then its line of keys (the terminal gets colour codes between)."""
    child.expect_exact(f"{question} ")
    child.expect_exact(keys)


TRIAGE = ("What does the light on the printer show?",
          "(press 1-3 to pick, s = not sure, h = explain, b = back)")


def triage(child: pexpect.spawn, key: str) -> None:
    asked(child, *TRIAGE)
    child.send(key)


def test_the_triage_is_asked_first_with_numbers_and_routes_to_its_check(
        session, printer: Path) -> None:
    child = session("--steps", str(printer), "--output", "report.json")
    child.expect_exact("Before the checks")
    asked(child, *TRIAGE)
    for line in ("1) Steady green", "2) Blinking orange", "3) Off", "s) Not sure / skip",
                 "h) Explain this question"):
        child.expect_exact(line)
    child.send("2")
    child.expect_exact("Check 1 of 2 - Paper")
    asked(child, "What is in the paper tray?",
          "(press 1-3 to pick, s = not sure, b = back, arrows + Enter also work)")
    answer(child, "3) A crumpled sheet", "3")
    answer(child, "Did you open the back cover?", "n")
    child.expect_exact("How to fix: Paper")
    child.expect_exact("Clear the tray and load fresh paper.")
    child.expect_exact("Open the back cover and pull the sheet out.")
    answer(child, "Is the problem solved now?", "n")
    answer(child, "Check 2 of 2 - Power", "y")
    code, out = finish(child)
    assert code == 1
    assert "What does the light on the printer show? Blinking orange" in out
    assert re.search(r"1\s+Paper\s+✗ FAILED", out) and re.search(r"2\s+Power\s+✓ passed", out)
    assert ("--answer=light=blinking-orange --answer=paper-state=jammed "
            "--answer=paper-jam-cleared=no --answer=power-on=yes") in " ".join(out.split())
    doc = json.loads((Path(child.cwd) / "report.json").read_text(encoding="utf-8"))
    assert doc["triage"] == [
        {"id": "light", "text": "What does the light on the printer show?",
         "answer": "blinking-orange", "passed": None, "source": "prompt"}]
    assert [c["id"] for c in doc["checks"]] == ["paper", "power"]


def test_a_fix_that_works_ends_the_session_resolved(session, printer: Path) -> None:
    child = session("--steps", str(printer))
    triage(child, "2")
    answer(child, "Check 1 of 2 - Paper", "2")  # Nothing
    answer(child, "Did you open the back cover?", "y")
    child.expect_exact("How to fix: Paper")
    answer(child, "Is the problem solved now?", "y")
    code, out = finish(child)
    assert code == 0
    assert "Resolved: the fix for 'Paper' solved the problem." in out


def test_arrows_and_enter_pick_a_choice(session, printer: Path) -> None:
    child = session("--steps", str(printer))
    # The first arrow points at the first choice; Enter once the pointer is seen there,
    # as a person presses it.
    triage(child, DOWN + DOWN + DOWN)
    answer(child, "» 3) Off", ENTER)
    answer(child, "Check 1 of 2 - Power", "y")
    answer(child, "Check 2 of 2 - Paper", DOWN + DOWN)
    answer(child, "» 2) Nothing", ENTER)  # fails
    answer(child, "Did you open the back cover?", "y")
    answer(child, "Is the problem solved now?", "n")
    code, out = finish(child)
    assert code == 1
    assert "What does the light on the printer show? Off" in out


def test_not_sure_and_help_on_a_choice_question(session, printer: Path) -> None:
    child = session("--steps", str(printer))
    triage(child, "h")
    child.expect_exact("The light is on the front, next to the power button.")
    child.expect_exact("Blinking orange: Usually the paper.")
    child.send("s")  # the help is under the question, still asked; not sure routes nowhere
    answer(child, "Check 1 of 2 - Power", "y")
    answer(child, "Check 2 of 2 - Paper", "1")
    code, out = finish(child)
    assert code == 0
    assert "What does the light on the printer show? not sure" in out
    assert "Every check passed." in out


@pytest.mark.parametrize("key", ["r", "R"])
def test_labels_with_different_initials_are_picked_by_letter(
        session, router: Path, key: str) -> None:
    child = session("--steps", str(router))
    asked(child, "Which lamp is lit on the router?",
          "(press g, r or n to pick, s = not sure, b = back, arrows + Enter also work)")
    for line in ("g) Green lamp", "r) Red lamp", "n) No lamp", "s) Not sure / skip"):
        child.expect_exact(line)
    child.send(key)
    answer(child, "Check 1 of 2 - Cable", "n")
    child.expect_exact("How to fix: Cable")
    answer(child, "Is the problem solved now?", "n")
    code, out = finish(child)
    assert code == 1
    assert "Which lamp is lit on the router? Red lamp" in out
    # plugged-in is asked only for a dark lamp: Power has nothing to ask.
    assert "Check 2 of 2" not in out and "Is the router plugged in?" not in out
    assert re.search(r"1\s+Cable\s+✗ FAILED", out) and re.search(r"2\s+Power\s+· did not apply",
                                                                  out)


def test_ctrl_c_after_the_triage_keeps_the_answer_for_the_next_run(
        session, printer: Path) -> None:
    child = session("--steps", str(printer))
    triage(child, "2")
    answer(child, "Check 1 of 2 - Paper", CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert "Your answers are kept: run icloud-fix again to continue where you stopped" in out
    assert "What does the light on the printer show? Blinking orange" in out

    child = session("--steps", str(printer), "--output", "report.json")
    answer(child, "You stopped in the middle last time, after 1 answer. "
                  "Continue where you stopped?", "y")
    child.expect_exact("Check 1 of 2 - Paper")  # the triage is not asked again
    assert "What does the light" not in plain(child.before)
    child.send("1")
    answer(child, "Check 2 of 2 - Power", "y")
    code, out = finish(child)
    assert code == 0
    doc = json.loads((Path(child.cwd) / "report.json").read_text(encoding="utf-8"))
    assert doc["triage"][0]["answer"] == "blinking-orange"
    assert statuses(doc) == [("paper", "passed", [("paper-state", "full", True),
                                                  ("paper-jam-cleared", None, None)]),
                             ("power", "passed", [("power-on", "yes", True)])]


# -- --plain, answers from a pipe -----------------------------------------------------------


def run_plain(flow: Path, typed: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([installed_command(), "--steps", str(flow), "--plain"], input=typed,
                          capture_output=True, text=True, cwd=cwd, check=False,
                          env={**os.environ, "COLUMNS": "200"})


def test_plain_takes_a_number_or_an_id_and_h(printer: Path, tmp_path: Path) -> None:
    run = run_plain(printer, "h\n2\njammed\nn\nn\ny\n", tmp_path)
    assert run.returncode == 1
    out = run.stdout
    # The keys are said once, at the start, for the kinds of question this flow has.
    assert ("How to answer: type y for yes or n for no (for a question with a numbered "
            "list, the number of your answer), then press Enter. Type s if you are not sure: "
            "the question is skipped. Type h to have a question explained, where there is "
            "more to say. Type b to go back one question and answer it again. Before the "
            "checks") in " ".join(out.split())
    assert ("answer it again.\n"
            "\n"
            "Before the checks\n"
            "  1. Steady green (steady)\n"
            "  2. Blinking orange (blinking-orange)\n"
            "  3. Off (off)\n"
            "What does the light on the printer show? h\n"
            "  The light is on the front, next to the power button.\n"
            "  Blinking orange: Usually the paper.\n"
            "What does the light on the printer show? 2\n"
            "\n"
            "Check 1 of 2 - Paper\n"
            "  1. A stack of paper (full)\n"
            "  2. Nothing (empty)\n"
            "  3. A crumpled sheet (jammed)\n"
            "What is in the paper tray? jammed\n"
            "Did you open the back cover? n\n") in out
    assert "How to fix: Paper" in out
    assert "Check 2 of 2 - Power" in out
    assert "What does the light on the printer show? Blinking orange" in out


def test_plain_asks_again_for_what_is_no_choice(printer: Path, tmp_path: Path) -> None:
    run = run_plain(printer, "4\nOff\ny\n1\n", tmp_path)
    assert run.returncode == 0
    again = ("Please type a number from 1 to 3, the word in brackets after a choice, "
             "s (not sure), h (help) or b (back one question).\n")
    assert run.stdout.count(again) == 1  # 4 is not on the list; Off is taken as off
    assert run.stdout.index("Check 1 of 2 - Power") < run.stdout.index("Check 2 of 2 - Paper")
    assert "Every check passed." in run.stdout


# -- choice questions that used to break the prompts -----------------------------------------


def one_question_flow(tmp_path: Path, choices: list[str], question_help: str = "") -> Path:
    """A flow of one choice question; choices are flow-file lines, such as
    '{id: a, label: Apple}'; the first one passes."""
    listed = "".join(f"          - {c}\n" for c in choices)
    first = re.search(r"id: ([^,]+),", choices[0]).group(1)
    helped = f"        help: {question_help}\n" if question_help else ""
    return write_flow(tmp_path, (
        "format: 2\nid: one\ntitle: One question\nversion: \"1\"\nchecks:\n"
        "  - id: only\n    title: Only\n    questions:\n"
        "      - id: pick\n        kind: choice\n        prompt: Which one?\n" + helped +
        "        choices:\n" + listed +
        f"        pass_choices: [{first}]\n        remediation: Pick the first one.\n"),
        "one.yaml")


def rich_ask(flow_path: Path, typed: str) -> tuple[str, str]:
    """Ask the flow's first question in the rich prompter, with keys typed; returns the
    answer and what the screen showed around the prompt and in it."""
    from prompt_toolkit.input import create_pipe_input

    from icloud_fix.engine import Position
    from icloud_fix.flowfile.loader import load_file
    from icloud_fix.prompts.rich_prompter import RichPrompter
    from icloud_fix.report.terminal import make_console

    flow = load_file(flow_path)
    check = flow.checks[0]
    screen = io.StringIO()
    terminal = TerminalScreen()
    with create_pipe_input() as pipe:
        pipe.send_text(typed)
        prompter = RichPrompter(flow, make_console(screen, no_color=True), input=pipe,
                                output=terminal.output)
        reply = prompter.ask(check.questions[0], Position(1, 1, check))
    return str(reply), " ".join((screen.getvalue() + "\n".join(terminal.lines())).split())


@pytest.mark.parametrize(("typed", "picked"), [("j", "jam"), ("k", "kettle"), ("a", "apple")])
def test_labels_starting_with_j_or_k_are_picked_by_their_letter(
        tmp_path: Path, typed: str, picked: str) -> None:
    # questionary refuses j and k as keys while they move the pointer: it used to crash.
    flow = one_question_flow(tmp_path, ["{id: apple, label: Apple}", "{id: jam, label: Jam}",
                                        "{id: kettle, label: Kettle}"])
    assert rich_ask(flow, typed)[0] == picked


def test_a_question_with_forty_choices_is_asked(tmp_path: Path) -> None:
    # More choices than questionary can draw shortcuts for: it used to crash (exit 70).
    flow = one_question_flow(tmp_path, [f"{{id: c{n}, label: Same {n}}}" for n in range(40)])
    assert rich_ask(flow, "3")[0] == "c2"
    assert rich_ask(flow, DOWN * 13 + ENTER)[0] == "c12"


def test_the_help_of_choices_is_offered_without_help_on_the_question(tmp_path: Path) -> None:
    flow = one_question_flow(tmp_path, ["{id: apple, label: Apple, help: A fruit.}",
                                        "{id: bread, label: Bread}"])
    answer_, screen = rich_ask(flow, "h2")
    assert answer_ == "bread"
    assert "Apple: A fruit." in screen
    run = run_plain(flow, "h\n1\n", tmp_path)
    assert run.returncode == 0
    assert "Which one? h\n  Apple: A fruit.\n" in run.stdout


def test_a_choice_id_that_is_a_number_alone_is_refused(tmp_path: Path) -> None:
    # "1" typed in --plain would pick the first choice, and --answer pick=1 the one
    # called 1: a flow may not say both.
    path = write_flow(tmp_path, """
        format: 2
        id: numbers
        title: Numbers
        version: "1"
        checks:
          - id: only
            title: Only
            questions:
              - id: pick
                kind: choice
                prompt: Which one?
                informational: true
                choices: [{id: "2", label: Two bars}, {id: s, label: Some}]
    """)
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"icloud-fix: {path}:13: 'id' cannot be a number alone ('2'): a typed number picks a "
        "choice by its place in the list; use a word, such as 'one-bar'",
        f"icloud-fix: {path}:13: 'id' cannot be 's': it is reserved for the keys every question "
        "has (s and skip for \"not sure\", h for help, b and back to go back a question)",
    ]


def test_choice_ids_yaml_reads_as_booleans_or_null_read_back(tmp_path: Path) -> None:
    flow = one_question_flow(tmp_path, ['{id: "on", label: First}', '{id: "no", label: Second}',
                                        '{id: "null", label: Neither}'])
    for choice in ("on", "no", "null"):
        saved = tmp_path / f"saved-{choice}.yaml"
        first = scripted(flow, "--answer", f"pick={choice}", "--save-answers", str(saved))
        assert saved.read_text(encoding="utf-8").endswith(f"\npick: {choice}\n")
        code, doc = report(flow, "--answers", str(saved))
        assert (code, doc["checks"][0]["questions"][0]["answer"]) == (first.exit_code, choice)
