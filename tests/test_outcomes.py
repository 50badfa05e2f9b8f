"""The five honest outcomes, end to end: each one's exit code, JSON fields and headline,
the next step every unresolved report ends with, and the interactive paths (a check
stopped half-way, a fix that takes time, a fix that did not help, saving the report).

Every test runs a small flow written here, never the built-in one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from helpers import (
    FeedServer,
    answer,
    background_done,
    invoke,
    read_to_the_end,
    start_installed,
    write_flow,
)
from icloud_fix.cli import app
from icloud_fix.report.wording import DEFAULT_ESCALATION

CTRL_C = "\x03"
ESCALATION = "Call the demo help desk at 555-0100 and read them this report."
OUTAGE_MESSAGE = "Users may be experiencing a problem with Photos syncing."
OUTAGE_SINCE = "11/25/2026 12:00 PST"


def flow_text(escalation: bool = True, status: bool = False, checks: int = 4) -> str:
    """Checks alpha, beta, gamma, delta: one question each, passing on yes. Alpha has a
    second question (for a check stopped half-way); delta's question is asked only when
    gamma's was answered yes (for a check left undecided by a "not sure")."""
    lines = ['format: 1', 'id: demo', 'title: Demo sync', 'version: "1"']
    if escalation:
        lines.append(f"escalation: {ESCALATION}")
    if status:
        lines.append("service_status: [Photos]")
    lines.append("checks:")
    bodies = {
        "alpha": ['{id: alpha-ok, prompt: Is alpha fine?, pass_answer: "yes", '
                  'remediation: Fix alpha.}',
                  '{id: alpha-more, prompt: Is alpha really fine?, pass_answer: "yes", '
                  'remediation: Fix alpha more.}'],
        "beta": ['{id: beta-ok, prompt: Is beta fine?, pass_answer: "yes", '
                 'remediation: Fix beta.}'],
        "gamma": ['{id: gamma-on, prompt: Is gamma on?, informational: true}'],
        "delta": ['{id: delta-ok, prompt: Is delta fine?, pass_answer: "yes", '
                  'remediation: Fix delta., when: {gamma-on: "yes"}}'],
    }
    for check in list(bodies)[:checks]:
        lines += [f"  - id: {check}", f"    title: {check.capitalize()}", "    questions:"]
        lines += [f"      - {q}" for q in bodies[check]]
    return "\n".join(lines) + "\n"


PASSING = {"alpha-ok": "yes", "alpha-more": "yes", "beta-ok": "yes", "gamma-on": "yes",
           "delta-ok": "yes"}


def flags(answers: dict[str, str]) -> list[str]:
    return [f"--answer={qid}={value}" for qid, value in answers.items()]


def words(text: str) -> str:
    """Text with its wrapping undone: every run of white space one space."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text).split())


def shown(markdown: str) -> str:
    """Markdown as the text report draws it: words, without the code marks."""
    return words(markdown.replace("`", ""))


class Run:
    """One scripted run in every format: exit codes, the JSON report, the text and the
    Markdown reports."""

    def __init__(self, steps: Path, *args: str) -> None:
        base = ["--non-interactive", "--steps", str(steps), *args]
        as_json = invoke(*base, "--format", "json")
        # The text report 200 columns wide: the commands in it name the flow's file, whose
        # path (pytest's tmp_path, longer in a pytest-xdist worker) must not be cut mid-word.
        text = CliRunner().invoke(app, base, env={"COLUMNS": "200"}, catch_exceptions=False)
        markdown = invoke(*base, "--format", "markdown")
        self.codes = {as_json.exit_code, text.exit_code, markdown.exit_code}
        assert len(self.codes) == 1, (as_json.stderr, text.stderr, markdown.stderr)
        self.code = as_json.exit_code
        self.report = json.loads(as_json.stdout)
        self.text = text.stdout
        self.markdown = markdown.stdout

    @property
    def statuses(self) -> dict[str, str]:
        return {c["id"]: c["status"] for c in self.report["checks"]}

    def said(self) -> None:
        """The headline is the same in every format; the next step too."""
        headline = self.report["headline"]
        assert headline in words(self.text)
        assert f"**{headline}**" in self.markdown
        step = self.report["next_step"]
        if step is None:
            assert "Next step:" not in self.text and "## Next step" not in self.markdown
        else:
            assert f"Next step: {step}" in words(self.text)
            # A command is on a line of its own (in Markdown, a code block), never broken.
            sentence, colon, command = step.partition(": icloud-fix ")
            if colon:
                assert (f"## Next step\n\n{sentence}:\n\n    icloud-fix {command}\n"
                        in self.markdown)
                assert f"\n  icloud-fix {command}\n" in self.text
            else:
                assert f"## Next step\n\n{step}\n" in self.markdown


def ends_with_the_next_step(run: Run) -> None:
    """The text and Markdown reports end with the next step, followed at most by where
    to get help; the JSON report has it."""
    step = run.report["next_step"]
    assert step
    escalation = run.report["escalation"]
    # Text: after the "Next step:" line, only the escalation, if any.
    text = words(run.text)
    tail = text[text.rindex("Next step: ") + len("Next step: ") + len(step):].strip()
    assert tail in ("", f"Where to get help {shown(escalation or '')}"), tail
    # Markdown: "## Next step" is the last section but for "## Where to get help".
    sections = re.findall(r"^## (.+)$", run.markdown, re.M)
    assert sections[-1] == "Next step" or sections[-2:] == ["Next step", "Where to get help"]
    # (A command ends the step: in Markdown, as a code block of its own.)
    _, colon, command = step.partition(": icloud-fix ")
    assert run.markdown.rstrip().endswith(escalation or (f"icloud-fix {command}" if colon
                                                         else step))


# -- the status feed, served from 127.0.0.1 --------------------------------------------



# -- scripted: one test per outcome ------------------------------------------------------

def test_resolved_by_a_fix(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, flow_text())
    run = Run(steps, *flags({"alpha-ok": "yes", "alpha-more": "yes", "beta-ok": "no"}),
              "--resolved-by", "beta")
    assert run.code == 0
    report = run.report
    assert report["outcome"] == "resolved" and report["resolved_by"] == "beta"
    assert report["headline"] == "Resolved: the fix for 'Beta' solved the problem."
    # The fixed check is "fixed", not failed; the rest were never reached.
    assert run.statuses == {"alpha": "passed", "beta": "fixed", "gamma": "not_reached",
                            "delta": "not_reached"}
    assert report["next_step"] is None and report["escalation"] is None
    assert report["waiting"] == []
    run.said()
    assert "Resolved: the fix for 'Beta' solved the problem." in words(run.text)
    assert "FAILED" not in run.text and "fixed" in run.text
    assert "| 2 | Beta | fixed |" in run.markdown


@pytest.mark.parametrize("own", [True, False], ids=["flow-escalation", "default-escalation"])
def test_problems_found_ends_with_next_step_and_escalation(tmp_path: Path, own: bool) -> None:
    steps = write_flow(tmp_path, flow_text(escalation=own))
    run = Run(steps, *flags({**PASSING, "beta-ok": "no"}))
    assert run.code == 1
    report = run.report
    assert report["outcome"] == "problems_found"
    assert report["headline"] == "Problems found: 1 check failed ('Beta')."
    assert run.statuses == {"alpha": "passed", "beta": "failed", "gamma": "passed",
                            "delta": "passed"}
    assert report["next_step"] == ("Try the fixes in order; after each one, check whether the "
                                   "problem is gone.")
    escalation = ESCALATION if own else DEFAULT_ESCALATION
    assert report["escalation"] == escalation
    run.said()
    assert words(run.text).endswith(f"Where to get help {shown(escalation)}")
    assert run.markdown.rstrip().endswith(f"## Where to get help\n\n{escalation}")
    ends_with_the_next_step(run)


def test_outage_with_no_failed_check_is_service_outage(tmp_path: Path, feeds: str,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/status-outage.js")
    steps = write_flow(tmp_path, flow_text(status=True))
    run = Run(steps, "--auto", *flags(PASSING))
    assert run.code == 1
    report = run.report
    assert report["outcome"] == "service_outage"
    assert report["headline"] == ("Apple reports an outage of Photos, and no check failed: "
                                  "the outage is the likely cause.")
    assert report["service_status"] == {"reachable": True, "outages": [
        {"service": "Photos", "message": OUTAGE_MESSAGE, "started": OUTAGE_SINCE}]}
    assert set(run.statuses.values()) == {"passed"}
    assert report["next_step"].startswith("Wait until Apple's System Status")
    assert report["escalation"] == ESCALATION
    run.said()
    ends_with_the_next_step(run)
    # The outage is said first, with Apple's message and when it started.
    text = words(run.text)
    assert text.startswith("Apple reports a problem with its own service right now: "
                           f"Photos (since {OUTAGE_SINCE}): {OUTAGE_MESSAGE}")
    assert text.index(OUTAGE_MESSAGE) < text.index("Summary: Demo sync") < text.index(
        report["headline"])
    first, *_ = run.markdown.split("## Checks")
    assert first.index("**Apple reports an outage right now:**") < first.index(
        f"- Photos (since {OUTAGE_SINCE}): {OUTAGE_MESSAGE}") < first.index(
        f"**{report['headline']}**")


def test_an_outage_does_not_hide_a_failed_check(tmp_path: Path, feeds: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/status-outage.js")
    steps = write_flow(tmp_path, flow_text(status=True))
    run = Run(steps, "--auto", *flags({**PASSING, "alpha-ok": "no"}))
    assert (run.code, run.report["outcome"]) == (1, "problems_found")
    assert words(run.text).startswith("Apple reports a problem with its own service")


def test_a_healthy_feed_is_no_outage(tmp_path: Path, feeds: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICLOUD_FIX_STATUS_URL", f"{feeds}/status-healthy.js")
    steps = write_flow(tmp_path, flow_text(status=True))
    run = Run(steps, "--auto", *flags(PASSING))
    assert (run.code, run.report["outcome"]) == (0, "no_problem_found")
    assert "Apple reports" not in run.text + run.markdown


@pytest.mark.parametrize(
    ("answers", "open_checks", "headline"),
    [({**PASSING, "beta-ok": "skip"}, {"beta": "skipped"},
      "Inconclusive: no check failed, but 1 check of the 4 run did not finish ('Beta': not "
      "sure or not reached)."),
     # Delta is asked only when gamma's answer is yes: "not sure" leaves it undecided.
     ({**PASSING, "gamma-on": "skip"}, {"gamma": "skipped", "delta": "skipped"},
      "Inconclusive: no check failed, but 2 checks of the 4 run did not finish ('Gamma', "
      "'Delta': not sure or not reached)."),
     ({q: "skip" for q in PASSING}, {"alpha": "skipped", "beta": "skipped",
                                      "gamma": "skipped", "delta": "skipped"},
      "Inconclusive: no check failed, but 4 checks of the 4 run did not finish ('Alpha', "
      "'Beta', 'Gamma', 'Delta': not sure or not reached).")],
    ids=["one-not-sure", "undecided-condition", "all-not-sure"],
)
def test_not_sure_is_inconclusive(tmp_path: Path, answers: dict[str, str],
                                  open_checks: dict[str, str], headline: str) -> None:
    steps = write_flow(tmp_path, flow_text())
    run = Run(steps, *flags(answers))
    assert run.code == 3
    assert run.report["outcome"] == "inconclusive"  # never no_problem_found
    assert {k: v for k, v in run.statuses.items() if v != "passed"} == open_checks
    assert run.report["headline"] == headline
    if len(open_checks) < 4:
        # The command names the flow file, so it runs as printed.
        assert run.report["next_step"].endswith(
            f"then run those checks again: icloud-fix --steps {steps} --only "
            + ",".join(open_checks))
    else:  # asking every check again is no step forward
        assert "icloud-fix --" not in run.report["next_step"]
    # How to find out, and where to get help if that fails.
    assert run.report["next_step"].startswith(
        "Find out what you were not sure about (see 'Questions to look up': each says where "
        "to look)")
    assert run.report["escalation"] == ESCALATION
    run.said()
    ends_with_the_next_step(run)
    assert "Every check passed" not in run.text + run.markdown


def test_every_check_passed_is_no_problem_found(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, flow_text())
    run = Run(steps, *flags(PASSING))
    assert run.code == 0
    report = run.report
    assert report["outcome"] == "no_problem_found"
    assert report["headline"] == "Every check passed."
    assert set(run.statuses.values()) == {"passed"}
    # Passing is not resolving: there is still a next step, and where to get help.
    assert report["next_step"] == "Every check passed: see 'Where to get help' if the problem " \
        "goes on."
    assert report["escalation"] == ESCALATION
    run.said()
    ends_with_the_next_step(run)


@pytest.mark.parametrize(
    ("selection", "ran", "headline", "others"),
    [(["--from", "gamma"], {"gamma", "delta"},
      "The 2 checks run passed; 2 checks were not run.", "alpha,beta"),
     (["--only", "beta"], {"beta"}, "The one check run passed; 3 checks were not run.",
      "alpha,gamma,delta")],
    ids=["from", "only"],
)
def test_a_partial_run_says_how_many_ran(tmp_path: Path, selection: list[str], ran: set[str],
                                         headline: str, others: str) -> None:
    steps = write_flow(tmp_path, flow_text())
    run = Run(steps, *selection, *flags({q: a for q, a in PASSING.items()
                                         if q.split("-")[0] in ran}))
    assert run.code == 0
    assert run.report["outcome"] == "no_problem_found"
    assert run.report["headline"] == headline
    assert {c for c, s in run.statuses.items() if s == "not_run"} == {
        "alpha", "beta", "gamma", "delta"} - ran
    assert run.report["next_step"] == (f"Run the other checks too: icloud-fix --steps {steps} "
                                       f"--only {others}")
    run.said()
    ends_with_the_next_step(run)
    for report in (run.text, run.markdown, json.dumps(run.report)):
        assert "Every check passed" not in report


def test_output_says_where_the_report_went(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, flow_text())
    target = tmp_path / "out.json"
    result = invoke("--non-interactive", "--steps", str(steps), *flags(PASSING),
                    "--output", str(target))
    assert result.exit_code == 0
    assert f"Report written to {target}" in result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["outcome"] == "no_problem_found"
    assert "Every check passed." in result.stdout  # the terminal still gets the summary


# -- interactive, in a pseudo-terminal -----------------------------------------------------

def spawn(cwd: Path, *args: str, **env: str) -> pexpect.spawn:
    return start_installed(args, cwd, columns=100, rows=24, env=env)


def finish(child: pexpect.spawn, save_report: str = "n") -> tuple[int, str]:
    out = read_to_the_end(child, save_report)
    child.close()
    return child.exitstatus, re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out)


def test_a_check_stopped_half_way_is_in_progress(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, flow_text())
    child = spawn(tmp_path, "--steps", str(steps), "--output", "x.json")
    answer(child, "Is alpha fine?", "y")
    answer(child, "Is alpha really fine?", CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert "Report written to x.json" in out
    assert "in progress (stopped)" in out
    report = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "interrupted"
    assert [(c["id"], c["status"]) for c in report["checks"]] == [
        ("alpha", "in_progress"), ("beta", "not_reached"), ("gamma", "not_reached"),
        ("delta", "not_reached")]
    assert report["headline"] == "Stopped before the end: 0 of 4 checks done."
    assert report["next_step"] == "Run icloud-fix again to continue where you stopped."


def test_not_yet_waits_and_the_next_run_asks_first(tmp_path: Path) -> None:
    steps = write_flow(tmp_path, flow_text(checks=2))
    args = ("--steps", str(steps))
    # First run: alpha fails, its fix takes time ("w"); the session goes on.
    child = spawn(tmp_path, *args, "--output", "first.json")
    answer(child, "Is alpha fine?", "n")
    answer(child, "Is alpha really fine?", "y")
    child.expect_exact("How to fix: Alpha")
    answer(child, "Is the problem solved now?", "w")
    answer(child, "Is beta fine?", "y")
    code, out = finish(child)
    assert code == 1
    assert "fix tried, waiting" in out
    assert "Fixes already tried Alpha: tried, takes time to show You answered: Is alpha " \
        "fine? no" in words(out)
    # A fix still waiting has not failed: where to get help comes at the end, as usual.
    summary = out[out.rindex("Summary: Demo sync"):]
    assert summary.index("fix tried, waiting") < summary.index("Next step:") < summary.index(
        "Where to get help")
    # The next step says what comes next; the note only that the answers are kept.
    assert "it starts by asking whether they worked" in words(out)
    assert words(out).count("starts by asking") == 1 and "Your answers are kept." in out
    report = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "problems_found" and report["waiting"] == ["alpha"]
    assert [(c["id"], c["status"]) for c in report["checks"]] == [
        ("alpha", "waiting"), ("beta", "passed")]
    assert "the fix for 'Alpha' takes time to show" in report["headline"]
    assert "it starts by asking whether they worked" in report["next_step"]

    # Second run: it asks about that fix first, and yes ends it resolved.
    child = spawn(tmp_path, *args)
    child.expect_exact("Last time you tried the fix for 'Alpha'")
    assert "Is alpha fine?" not in child.before
    child.expect_exact("Is the problem solved now?")
    child.send("y")
    code, out = finish(child)
    assert code == 0
    assert "Is beta fine?" not in out and "Save this report" not in out
    assert "Resolved: the fix for 'Alpha' solved the problem." in words(out)

    # Third run: nothing is kept any more; the normal questions come.
    child = spawn(tmp_path, *args)
    child.expect_exact("Is alpha fine?")
    assert "Last time" not in child.before and "Continue where" not in child.before
    child.send(CTRL_C)
    assert finish(child)[0] == 130


def test_a_fix_that_did_not_help_leads_with_escalation_and_the_report_is_saved(
        tmp_path: Path) -> None:
    steps = write_flow(tmp_path, flow_text(checks=2))
    child = spawn(tmp_path, "--steps", str(steps))
    answer(child, "Is alpha fine?", "y")
    answer(child, "Is alpha really fine?", "n")
    answer(child, "Is the problem solved now?", "n")
    answer(child, "Is beta fine?", "y")
    child.expect_exact("Save this report as icloud-fix-report-")
    summary = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", child.before)
    child.send("\r")  # Enter: yes
    child.expect(pexpect.EOF)
    saved_line = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", child.before)
    child.close()
    assert child.exitstatus == 1
    # Where to get help comes right after the headline, before the table.
    text = summary[summary.rindex("Summary: Demo sync"):]
    assert "Problems found: 1 check failed ('Alpha')." in words(text)
    assert text.index("Where to get help") < text.index(ESCALATION.split()[0]) < text.index(
        "Status") < text.index("FAILED")
    assert "Fixes already tried Alpha: did not help You answered: Is alpha really fine? no" \
        in words(text)
    assert "Fix alpha more." not in text  # named, not shown again
    assert "Next step: The fixes you tried did not help: ask for help (see 'Where to get " \
        "help')" in words(text)
    # Enter accepted: a Markdown report in the current folder, and where it is said.
    [saved] = tmp_path.glob("icloud-fix-report-*.md")
    assert f"Report saved: {saved}" in words(saved_line)
    markdown = saved.read_text(encoding="utf-8")
    assert "- Outcome: problems_found" in markdown
    assert markdown.index("## Where to get help") < markdown.index("## Checks")
    assert "## Next step" in markdown


def test_stopping_for_an_outage_is_service_outage(tmp_path: Path,
                                                  feed_server: FeedServer) -> None:
    steps = write_flow(tmp_path, flow_text(status=True, checks=2))
    status = feed_server.url("status-outage.js")
    child = spawn(tmp_path, "--steps", str(steps), "--output", "out.md",
                  ICLOUD_FIX_STATUS_URL=status)
    child.expect_exact("Is alpha fine?")
    # The feed is read once the first question is drawn: answered once it has been read.
    feed_server.wait_served(status)
    background_done(child.pid)
    child.send("y")
    child.expect_exact("Apple reports a problem with its own service right now:")
    answer(child, "Go on with the checks anyway?", "n")
    code, out = finish(child)
    assert code == 1
    summary = words(out[out.rindex("Here is what you answered so far."):])
    headline = "Stopped: Apple reports an outage of Photos. No setting on your iPhone can " \
        "fix that."
    assert summary.index(f"Photos (since {OUTAGE_SINCE}): {OUTAGE_MESSAGE}") < summary.index(
        "Summary: Demo sync") < summary.index(headline)
    assert "Next step: Wait until Apple's System Status" in summary
    markdown = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "- Outcome: service_outage" in markdown
    assert markdown.index(OUTAGE_MESSAGE) < markdown.index(f"**{headline}**")
    assert "## Next step" in markdown
