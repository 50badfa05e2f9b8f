"""What the reports tell their reader (issue 16): the fixes already tried and whether
they helped, why each check failed, the iPhone that was read, when the session ran,
how to find out what nobody was sure about, where to get help, and commands that stay
whole. Text, Markdown and JSON, read as a person or a script reads them."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from helpers import PASSING, SUGGESTED, answer_flags, invoke, write_flow
from icloud_fix import report
from icloud_fix.answers import ScriptedAnswers, parse_flags
from icloud_fix.engine import Device, Origin, SessionResult
from icloud_fix.engine import run as run_session
from icloud_fix.flowfile.loader import load_builtin, load_text
from icloud_fix.report import Format, wording
from icloud_fix.report import terminal as text

FAKES = Path(__file__).parent / "fakes"
ESCALATION = "Call the demo help desk at 555-0100."
FLOW = """
    format: 2
    id: demo
    title: Demo sync
    version: "3"
    escalation: Call the demo help desk at 555-0100.
    checks:
      - id: alpha
        title: Alpha
        questions:
          - id: alpha-ok
            prompt: Is alpha fine?
            help: Look at the alpha lamp.
            pass_answer: "yes"
            remediation: Fix alpha.
      - id: beta
        title: Beta
        questions:
          - {id: beta-ok, prompt: Is beta fine?, help: The beta switch is on the back.,
             pass_answer: "yes", remediation: Fix beta.}
      - id: tray
        title: Paper tray
        questions:
          - id: tray-state
            kind: choice
            prompt: What is in the paper tray?
            choices:
              - {id: full, label: Plenty of paper}
              - {id: jammed, label: A crumpled sheet, help: A sheet folded at the back.}
            pass_choices: [full]
            remediation: Clear the tray.
      - id: spare
        title: Spare
        questions:
          - {id: spare-ok, prompt: Is the spare fine?, pass_answer: "yes",
             remediation: Fix spare., when: {alpha-ok: "no"}}
"""
GOOD = {"alpha-ok": "yes", "beta-ok": "yes", "tray-state": "full"}
STARTED = datetime(2026, 12, 3, 8, 15, 7, tzinfo=timezone.utc)
PHONE = Device("iPhone15,2", "iPhone 14 Pro", "17.5.1")


def words(output: str) -> str:
    """What a person reads: no escape sequences, each run of white space one space."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", output).split())


def session(answers: dict[str, str], only: list[str] | None = None,
            device: Device | None = None, **fixes) -> SessionResult:
    """The demo flow run with these answers (and fixes said to have been tried), as a
    session started at STARTED."""
    flow = load_text(write_flow_text(), "demo.yaml")
    given = parse_flags([f"{k}={v}" for k, v in answers.items()], flow)
    result = run_session(flow, ScriptedAnswers(given, **fixes), only=only)
    return dataclasses.replace(result, started=STARTED, device=device)


def write_flow_text() -> str:
    import textwrap

    return textwrap.dedent(FLOW).lstrip("\n")


def reports(result: SessionResult) -> tuple[str, str, dict]:
    """The text (80 columns, no colour), Markdown and JSON reports of a result."""
    return (report.render(result, Format.text), report.render(result, Format.markdown),
            json.loads(report.render(result, Format.json)))


def text_sections(shown: str) -> list[str]:
    """The section headings of a text report, in order (a line of its own, unindented)."""
    names = [wording.FIXES_TRIED, wording.FIXES_TO_TRY, wording.TO_LOOK_UP,
             wording.WHERE_TO_GET_HELP]
    found = [line for line in shown.splitlines() if line in names]
    found += ["Next step"] if "\nNext step: " in shown else []
    return sorted(found, key=lambda name: shown.index(
        "\nNext step: " if name == "Next step" else f"\n{name}\n"))


def markdown_sections(markdown: str) -> list[str]:
    return re.findall(r"^## (.+)$", markdown, re.M)


# -- 1. fixes already tried --------------------------------------------------------------

def test_a_fix_that_did_not_help_is_a_fact_in_every_report() -> None:
    result = session({**GOOD, "alpha-ok": "no", "spare-ok": "yes", "beta-ok": "no"},
                     not_fixed=["alpha"])
    shown, markdown, doc = reports(result)
    # JSON: a field per check.
    assert {c["id"]: c["fix_tried"] for c in doc["checks"]} == {
        "alpha": {"helped": "no"}, "beta": None, "tray": None, "spare": None}
    # Text: the fix tried, whether it helped and why its check failed, before the fixes
    # still to try; the fix itself is not shown again.
    assert text_sections(shown) == [wording.WHERE_TO_GET_HELP, wording.FIXES_TRIED,
                                    wording.FIXES_TO_TRY, "Next step"]
    assert ("\nFixes already tried\n  Alpha: did not help\n"
            "    You answered: Is alpha fine? no\n") in shown
    assert "Fix alpha." not in shown
    assert "\nFixes to try, in order\n\n1. Beta\n   You answered: Is beta fine? no\n" in shown
    # Markdown: said at the top and under its own heading, with the fix that was tried,
    # never among the fixes to try.
    assert "- Fixes tried: Alpha (did not help)\n" in markdown
    assert markdown_sections(markdown) == [
        "Where to get help", "Checks", "Answers", "Fixes already tried",
        "Fixes to try, in order", "Next step"]
    tried = markdown.split("## Fixes already tried\n")[1].split("\n## ")[0]
    assert tried == ("\n### Alpha\n\nResult: did not help.\n\n"
                     "You answered: Is alpha fine? **no**\n\nFix alpha.\n")
    to_try = markdown.split("## Fixes to try, in order\n")[1].split("\n## ")[0]
    assert "Fix alpha." not in to_try and "Fix beta." in to_try


def test_a_fix_that_takes_time_and_one_that_solved_it() -> None:
    waiting = session({**GOOD, "beta-ok": "no", "tray-state": "jammed"}, waiting=["beta"])
    shown, markdown, doc = reports(waiting)
    assert doc["checks"][1]["fix_tried"] == {"helped": "not_yet"}
    assert doc["checks"][2]["fix_tried"] is None
    assert "\nFixes already tried\n  Beta: tried, takes time to show\n" in shown
    # Nothing tried failed for good: where to get help comes last, as usual.
    assert text_sections(shown) == [wording.FIXES_TRIED, wording.FIXES_TO_TRY, "Next step",
                                    wording.WHERE_TO_GET_HELP]
    assert "### Beta\n\nResult: tried, takes time to show.\n" in markdown
    assert markdown_sections(markdown)[-4:] == [
        "Fixes already tried", "Fixes to try, in order", "Next step", "Where to get help"]

    resolved = session({**GOOD, "alpha-ok": "no", "spare-ok": "yes", "beta-ok": "no"},
                       not_fixed=["alpha"], resolved_by="beta")
    shown, markdown, doc = reports(resolved)
    assert [c["fix_tried"] for c in doc["checks"][:2]] == [{"helped": "no"},
                                                           {"helped": "yes"}]
    assert ("Fixes already tried\n  Alpha: did not help\n"
            "    You answered: Is alpha fine? no\n  Beta: solved the problem\n") in shown
    assert "- Fixes tried: Alpha (did not help), Beta (solved the problem)\n" in markdown
    assert "### Beta\n\nResult: solved the problem.\n\nYou answered: Is beta fine? **no**" \
        in markdown
    assert "Fixes to try" not in shown + markdown


def test_fixes_tried_through_the_command(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, FLOW)
    base = ["--non-interactive", "--steps", str(steps),
            *answer_flags({**GOOD, "alpha-ok": "no", "spare-ok": "yes", "beta-ok": "no"}),
            "--fix-tried", "alpha=no", "--fix-tried", "beta=not_yet"]
    doc = json.loads(invoke(*base, "--format", "json").stdout)
    assert [c["fix_tried"] for c in doc["checks"]] == [
        {"helped": "no"}, {"helped": "not_yet"}, None, None]
    shown = invoke(*base).stdout
    assert ("Fixes already tried\n  Alpha: did not help\n    You answered: Is alpha fine? no\n"
            "  Beta: tried, takes time to show\n") in shown
    markdown = invoke(*base, "--format", "markdown").stdout
    assert "- Fixes tried: Alpha (did not help), Beta (tried, takes time to show)\n" in markdown


# -- 2. why a check failed, and the iPhone read ------------------------------------------

def test_why_a_check_failed_names_the_answer_or_the_choice_by_its_label() -> None:
    result = session({**GOOD, "beta-ok": "no", "tray-state": "jammed"})
    shown, markdown, _ = reports(result)
    assert ("\n1. Beta\n   You answered: Is beta fine? no\n   Fix beta.\n\n"
            "2. Paper tray\n   You answered: What is in the paper tray? A crumpled sheet\n"
            "   Clear the tray.\n") in shown
    assert ("### Paper tray\n\nYou answered: What is in the paper tray? **A crumpled sheet**"
            "\n\nClear the tray.\n") in markdown
    assert "jammed" not in shown + markdown


@pytest.fixture
def iphone(monkeypatch: pytest.MonkeyPatch, feeds: str) -> None:
    """The recorded ideviceinfo first on PATH, and Apple's feeds served locally."""
    monkeypatch.setenv("PATH", f"{FAKES}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/status-healthy.js")
    monkeypatch.setenv("ICLOUD_FIX_VERSIONS_URL", f"{feeds}/pmv.json")


@pytest.mark.usefixtures("iphone")
def test_a_reading_that_failed_a_check_and_the_iphone_read_are_in_every_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Storage, iOS and charging read from the iPhone: iOS 17.5.1 where 17.7.1 is out.
    monkeypatch.setenv("FAKE_IDEVICE_FREE", "60000000000")
    given = {k: v for k, v in PASSING.items()
             if k not in SUGGESTED}
    base = ["--non-interactive", "--auto", *answer_flags(given)]
    runs = {fmt: invoke(*base, "--format", fmt) for fmt in ("text", "markdown", "json")}
    assert {r.exit_code for r in runs.values()} == {1}, runs["text"].stderr
    shown, markdown = runs["text"].stdout, runs["markdown"].stdout
    doc = json.loads(runs["json"].stdout)
    phone = "iPhone 14 Pro (iPhone15,2), iOS 17.5.1"
    # On screen by the name its owner knows; Apple's identifier in the other reports.
    assert "\niPhone read: iPhone 14 Pro, iOS 17.5.1\n" in shown and "iPhone15,2" not in shown
    assert f"\n- iPhone read: {phone}\n" in markdown
    assert doc["device"] == {"identifier": "iPhone15,2", "name": "iPhone 14 Pro",
                             "ios": "17.5.1"}
    reading = ("From your iPhone: your iPhone 14 Pro has iOS 17.5.1; the latest for it is "
               "17.7.1 (iOS 18.1 is also offered, as an optional upgrade that syncing does not "
               "need).")
    assert f"1. iOS update {reading} Install the update of the iOS version you have" in \
        words(shown)
    assert f"### iOS update\n\n{reading}\n\n" in markdown
    # The Markdown's answers say which were read, and what the reading found.
    assert ("**no** (read from the iPhone: Your iPhone 14 Pro has iOS 17.5.1; the latest "
            "for it is 17.7.1 (iOS 18.1 is also offered, as an optional upgrade that syncing "
            "does not need).)") in markdown


def test_no_iphone_read_is_null_and_unsaid() -> None:
    shown, markdown, doc = reports(session(GOOD))
    assert doc["device"] is None
    assert "iPhone read" not in shown + markdown
    shown, markdown, doc = reports(session(GOOD, device=PHONE))
    assert "\niPhone read: iPhone 14 Pro, iOS 17.5.1\n" in shown
    assert "\n- iPhone read: iPhone 14 Pro (iPhone15,2), iOS 17.5.1\n" in markdown
    nameless = dataclasses.replace(PHONE, name=None)
    shown, markdown, _ = reports(session(GOOD, device=nameless))
    assert "\niPhone read: iPhone (iPhone15,2), iOS 17.5.1\n" in shown
    assert doc["device"] == {"identifier": "iPhone15,2", "name": "iPhone 14 Pro",
                             "ios": "17.5.1"}


def test_what_the_iphone_gave_is_shown_spelled_out() -> None:
    hostile = Device("iPhone15,2\x1b[2J", "iPhone\x07 14 Pro", "17.5\x1b]0;x\x07")
    shown, markdown, _ = reports(session(GOOD, device=hostile))
    assert "\x1b" not in shown + markdown and "\x07" not in shown + markdown
    assert "iPhone read: iPhone\\x07 14 Pro, iOS 17.5\\x1b]0;x\\x07\n" in shown
    # In Markdown, the backslashes escaped too, so that a renderer shows them.
    assert r"- iPhone read: iPhone\\x07 14 Pro (iPhone15,2\\x1b\[2J), iOS 17.5\\x1b]0;x\\x07" \
        in markdown


# -- 3. JSON: when, each question's text, the flow's version -----------------------------

def test_the_json_report_has_the_time_the_questions_and_the_flow_version() -> None:
    _, markdown, doc = reports(session({**GOOD, "beta-ok": "no"}))
    assert doc["schema_version"] == 2
    assert doc["started"] == "2026-12-03T08:15:07Z"
    assert "- Date: 2026-12-03 08:15 UTC\n" in markdown  # the session's time, not now
    assert doc["flow"]["version"] == "3"
    assert [(q["id"], q["text"]) for c in doc["checks"] for q in c["questions"]] == [
        ("alpha-ok", "Is alpha fine?"), ("beta-ok", "Is beta fine?"),
        ("tray-state", "What is in the paper tray?"), ("spare-ok", "Is the spare fine?")]
    # Every field there was is still there.
    assert set(doc) >= {"tool", "flow", "service_status", "outcome", "headline",
                        "resolved_by", "waiting", "triage", "checks", "next_step",
                        "escalation"}


def test_a_real_session_says_when_it_started(tmp_path: Path) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = invoke("--non-interactive", *answer_flags(PASSING), "--format", "json")
    started = json.loads(result.stdout)["started"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", started)
    when = datetime.strptime(started, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert before <= when <= datetime.now(timezone.utc)


# -- 4. nobody was sure ------------------------------------------------------------------

def test_all_not_sure_says_what_to_look_up_and_where_to_get_help() -> None:
    result = session({"alpha-ok": "skip", "beta-ok": "skip", "tray-state": "skip"})
    shown, markdown, doc = reports(result)
    assert doc["outcome"] == "inconclusive"
    step = doc["next_step"]
    assert step == ("Find out what you were not sure about (see 'Questions to look up': each "
                    "says where to look). If you cannot find out, ask for help (see 'Where to "
                    "get help') and hand over this report: it lists what is still open.")
    assert "run icloud-fix" not in step  # asking every check again is no step forward
    assert "--only" not in step  # never all the checks again
    assert doc["escalation"] == ESCALATION
    assert doc["to_look_up"] == [
        {"id": "alpha-ok", "text": "Is alpha fine?", "help": "Look at the alpha lamp."},
        {"id": "beta-ok", "text": "Is beta fine?", "help": "The beta switch is on the back."},
        {"id": "tray-state", "text": "What is in the paper tray?",
         "help": "A crumpled sheet: A sheet folded at the back."}]
    assert text_sections(shown) == [wording.TO_LOOK_UP, "Next step",
                                    wording.WHERE_TO_GET_HELP]
    assert ("\nQuestions to look up\n  Is alpha fine?\n    Look at the alpha lamp.\n"
            "  Is beta fine?\n    The beta switch is on the back.\n"
            "  What is in the paper tray?\n    A crumpled sheet: A sheet folded at the back.\n"
            ) in shown
    assert shown.rstrip().endswith(f"Where to get help\n{ESCALATION}")
    assert markdown_sections(markdown) == ["Checks", "Answers", "Questions to look up",
                                           "Next step", "Where to get help"]
    assert "## Questions to look up\n\n### Is alpha fine?\n\nLook at the alpha lamp.\n" \
        in markdown


def test_a_few_not_sure_asks_again_only_those(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, FLOW)
    result = invoke("--non-interactive", "--steps", str(steps),
                    *answer_flags({**GOOD, "beta-ok": "skip"}), "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["next_step"].endswith(
        f"then run those checks again: icloud-fix --steps {steps} --only beta")


def test_questions_nobody_answered_are_to_look_up_too(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, FLOW)
    base = ["--non-interactive", "--steps", str(steps), "--unanswered", "skip",
            "--answer", "alpha-ok=yes"]
    doc = json.loads(invoke(*base, "--format", "json").stdout)
    assert doc["outcome"] == "inconclusive"
    assert [q["id"] for q in doc["to_look_up"]] == ["beta-ok", "tray-state"]
    assert doc["checks"][1]["questions"][0]["source"] == Origin.UNANSWERED.value
    shown = invoke(*base).stdout
    assert "\n  Is beta fine? (not answered)\n    The beta switch is on the back.\n" in shown
    markdown = invoke(*base, "--format", "markdown").stdout
    assert "- Is beta fine? **not sure** (not answered)\n" in markdown


# -- 5. what a saved report tells its reader --------------------------------------------

OUTCOMES = {
    "problems-found": ({**PASSING, "restart-done": "no"}, []),
    "tried-in-vain": ({**PASSING, "restart-done": "no"}, ["--fix-tried", "restart=no"]),
    "every-check-passed": (PASSING, []),
    "all-not-sure": ({q: "skip" for q in PASSING}, []),
    "partial": ({"restart-done": "yes"}, ["--only", "restart"]),
}


@pytest.mark.parametrize("name", OUTCOMES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_report_tells_its_reader_to_run_icloud_fix_to_save_it(name: str, fmt: str) -> None:
    answers, extra = OUTCOMES[name]
    result = invoke("--non-interactive", *answer_flags(answers), *extra, "--format", fmt)
    assert result.exit_code in (0, 1, 3), result.stderr
    assert "--output" not in result.stdout
    assert "report.md" not in result.stdout
    assert "--output" not in wording.DEFAULT_ESCALATION
    assert "--output" not in (load_builtin().escalation or "")


def referenced(report_text: str) -> set[str]:
    return set(re.findall(r"see '([^']+)'", " ".join(report_text.split())))


@pytest.mark.parametrize("name", OUTCOMES)
def test_every_see_names_a_heading_of_the_same_report(name: str) -> None:
    answers, extra = OUTCOMES[name]
    base = ["--non-interactive", *answer_flags(answers), *extra]
    shown = invoke(*base).stdout
    markdown = invoke(*base, "--format", "markdown").stdout
    for name_seen in referenced(shown):
        assert f"\n{name_seen}\n" in shown, name_seen
    for name_seen in referenced(markdown):
        assert f"\n## {name_seen}\n" in markdown, name_seen
    # One name for where to get help, in every format.
    assert "If this does not help" not in shown + markdown


def test_references_are_checked_in_the_reports_that_have_them() -> None:
    """The outcomes above do send the reader elsewhere (the test is not vacuous)."""
    seen = set()
    for answers, extra in OUTCOMES.values():
        seen |= referenced(invoke("--non-interactive", *answer_flags(answers), *extra).stdout)
    assert seen == {"Where to get help", "Questions to look up"}


# -- 6. checks that did not apply ------------------------------------------------------

def test_a_check_ruled_out_by_the_answers_is_never_suggested_to_run() -> None:
    # alpha passes, so spare's one question does not apply.
    shown, markdown, doc = reports(session(GOOD))
    assert doc["outcome"] == "no_problem_found"
    assert doc["headline"] == "The 3 checks run passed; 1 check did not apply ('Spare')."
    assert doc["next_step"] == ("Every check that applied passed: see 'Where to get help' if "
                                "the problem goes on.")
    assert [(c["id"], c["status"], c["ruled_out"]) for c in doc["checks"]][-1] == (
        "spare", "not_run", True)
    assert re.search(r"\n4\s+Spare\s+· did not apply\n", shown)
    assert "| 4 | Spare | did not apply |" in markdown
    assert "--only" not in shown + markdown


def test_nothing_checked_is_inconclusive_and_says_so() -> None:
    shown, _, doc = reports(session({"alpha-ok": "yes"}, only=["spare"]))
    assert doc["outcome"] == "inconclusive"
    assert doc["headline"] == ("Inconclusive: no question of the checks run applied, so "
                               "nothing was checked; 3 checks were not run.")
    # The others were left out by --only: those, and only those, are worth running.
    assert doc["next_step"].endswith("Run the other checks: icloud-fix --steps demo.yaml "
                                     "--only alpha,beta,tray")
    assert doc["escalation"] == ESCALATION
    assert wording.WHERE_TO_GET_HELP in text_sections(shown)


# -- 7. commands stay whole ------------------------------------------------------------

def test_a_command_in_a_narrow_report_is_one_line(tmp_path: Path) -> None:
    long_name = tmp_path / ("a-flow-file-with-a-rather-long-name-" * 3 + ".yaml")
    long_name.write_text(write_flow_text(), encoding="utf-8")
    flow = load_text(long_name.read_text(encoding="utf-8"), str(long_name))
    given = parse_flags(["alpha-ok=yes", "beta-ok=skip", "tray-state=skip"], flow)
    result = run_session(flow, ScriptedAnswers(given))
    command = f"icloud-fix --steps {long_name} --only beta,tray"
    assert len(command) > 100
    for width in (40, 80):
        shown = text.summary_as_text(result, width=width)
        assert f"\n  {command}\n" in shown
        # Everything else still fits the width.
        assert all(len(line) <= width for line in shown.splitlines() if command not in line)
    markdown = report.render(result, Format.markdown)
    assert f"then run those checks again:\n\n    {command}\n" in markdown


# -- the README's example ----------------------------------------------------------------

def test_the_readme_json_example_has_every_field_of_a_report() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```json\n(.*?)```", readme, re.S)
    example = json.loads(block)
    real = json.loads(report.render(
        session({**GOOD, "beta-ok": "no"}, device=PHONE, not_fixed=["beta"]), Format.json))
    assert list(example) == list(real)
    assert example["schema_version"] == real["schema_version"]
    assert [list(c) for c in example["checks"]] == [list(real["checks"][0])] * 2
    assert {tuple(q) for c in example["checks"] for q in c["questions"]} <= {
        ("id", "text", "answer", "passed", "source"),
        ("id", "text", "answer", "passed", "source", "evidence")}
    assert list(example["device"]) == list(real["device"])
