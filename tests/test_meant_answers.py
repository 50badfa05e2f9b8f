"""Every answer is one the person meant, and nothing they said is lost: no preselected
answer, a way back, fixes tried kept across sessions and in replays. Through the
installed command, in a pseudo-terminal and with --plain."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pexpect
import pytest
import yaml

from helpers import installed_command, read_to_the_end, start_installed, write_flow

CTRL_C = "\x03"
ENTER = "\r"
DOWN = "\x1b[B"

TWO_CHECKS = """
    format: 1
    id: lamp
    title: Lamp
    version: "1"
    checks:
      - id: bulb
        title: Bulb
        questions:
          - id: bulb-ok
            prompt: Does the bulb light?
            pass_answer: "yes"
            remediation: Change the bulb.
      - id: plug
        title: Plug
        questions:
          - id: plug-in
            prompt: Is it plugged in?
            pass_answer: "yes"
            remediation: Plug it in.
"""


def spawn(cwd: Path, *args: str, columns: int = 100) -> pexpect.spawn:
    return start_installed(["--offline", *args], cwd, columns=columns)


def plain_text(output: str) -> str:
    """What was printed, without escape sequences, as one line of words."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", output).split())


def finish(child: pexpect.spawn) -> tuple[int, str]:
    out = plain_text(read_to_the_end(child))
    child.close()
    return child.exitstatus, out


def state(home: Path) -> dict:
    files = list((home / "sessions").glob("*.yaml"))
    assert len(files) == 1, files
    return yaml.safe_load(files[0].read_text(encoding="utf-8"))


# -- no answer the person did not mean ---------------------------------------------------


def test_a_reflex_enter_answers_nothing(tmp_path: Path) -> None:
    # The keys that used to end "Resolved" through preselected answers.
    child = spawn(tmp_path, "--fresh")
    child.expect_exact("What does the iCloud status line")
    child.send(ENTER)
    child.expect_exact("Enter alone answers nothing here: press 1-")
    child.send(ENTER + "nnynny" + ENTER)
    child.send(CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert "Resolved" not in out and "Check 1 of 7" not in out
    assert "Stopped before the end: 0 of 7 checks done." in out


def test_enter_on_the_sync_now_question_answers_nothing(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    child = spawn(tmp_path, "--steps", str(flow), "--output", "r.json")
    child.expect_exact("Does the bulb light?")
    child.send("n")
    child.expect_exact("w = not yet")
    child.send(ENTER)
    child.expect_exact("Enter alone answers nothing here: press y, n or w")
    child.send("n")
    child.expect_exact("Is it plugged in?")
    child.send("y")
    code, _ = finish(child)
    assert code == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "problems_found" and report["resolved_by"] is None


# -- a way back ----------------------------------------------------------------------------


def test_b_goes_back_across_checks_and_the_new_answer_replaces_the_old(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    child = spawn(tmp_path, "--steps", str(flow), "--output", "r.json", "--save-answers",
                  "a.yaml")
    child.expect_exact("b = back")
    child.send("n")  # the bulb fails: its fix is shown
    child.expect_exact("w = not yet")
    child.send("b")  # back from the after-fix question to the bulb
    child.expect_exact("Does the bulb light?")
    child.send("y")  # it passes after all
    child.expect_exact("Check 2 of 2 - Plug")
    child.send("b")  # back across checks, to the bulb again
    child.expect_exact("Check 1 of 2 - Bulb")
    child.send("n")
    child.expect_exact("w = not yet")
    child.send("n")  # tried, did not help
    child.expect_exact("Is it plugged in?")
    child.send("n")
    child.expect_exact("w = not yet")
    child.send("w")  # tried, takes time
    code, out = finish(child)
    assert code == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    answers = {q["id"]: q["answer"] for c in report["checks"] for q in c["questions"]}
    assert answers == {"bulb-ok": "no", "plug-in": "no"}
    assert [c["fix_tried"] for c in report["checks"]] == [{"helped": "no"},
                                                          {"helped": "not_yet"}]
    # The replay command says the same, fixes tried included, and gives the same report.
    command = out.split("without questions): ")[1]
    command = command[:command.index(" Save this report")] if " Save this report" in \
        command else command
    words = shlex.split(command)
    assert "--answer=bulb-ok=no" in words and "--fix-tried=bulb=no" in words
    assert "--fix-tried=plug=not_yet" in words
    replayed = subprocess.run([installed_command(), *words[1:], "--format", "json"],
                              cwd=tmp_path, capture_output=True, text=True, check=False)
    assert replayed.returncode == 1, replayed.stderr
    again = json.loads(replayed.stdout)
    for key in ("outcome", "headline", "next_step", "escalation"):
        assert again[key] == report[key]
    assert [c["status"] for c in again["checks"]] == ["failed", "waiting"]
    # And so does the answers file.
    saved = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert saved.endswith("bulb-ok: no\nplug-in: no\nfixes_tried:\n  bulb: no\n"
                          "  plug: not_yet\n")


def test_b_at_the_first_question_says_there_is_nothing_before_it(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    child = spawn(tmp_path, "--steps", str(flow))
    child.expect_exact("Does the bulb light?")
    child.send("b")
    child.expect_exact("Nothing to go back to: this is the first question of this session.")
    child.expect_exact("Does the bulb light?")
    child.send(CTRL_C)
    code, _ = finish(child)
    assert code == 130


def test_plain_takes_b_too(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    run = subprocess.run([installed_command(), "--plain", "--offline", "--steps", str(flow),
                          "--output", "r.json"], input="n\nb\ny\nback\nn\nn\ny\nn\n",
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 1, run.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    answers = {q["id"]: q["answer"] for c in report["checks"] for q in c["questions"]}
    assert answers == {"bulb-ok": "no", "plug-in": "yes"}
    assert report["checks"][0]["fix_tried"] == {"helped": "no"}
    # --plain reads out no replay command unless asked to.
    assert "--non-interactive" not in run.stdout


# -- what was tried stays known, across sessions -------------------------------------------


def test_a_waiting_fix_said_not_to_help_is_kept_when_the_next_session_stops(
        tmp_path: Path, icloud_fix_home: Path) -> None:
    child = spawn(tmp_path, "--only", "restart,ios-update")
    for key in "nnnw":  # restart: no, fix did not help; iOS: no, fix takes time
        child.expect(r"\? ")
        child.send(key)
    code, _ = finish(child)
    assert code == 1
    kept = state(icloud_fix_home)
    assert kept["waiting"] == ["ios-update"] and kept["not_fixed"] == ["restart"]

    child = spawn(tmp_path)
    child.expect_exact("Last time you tried the fix for")
    child.send("n")  # it did not help
    child.expect_exact("What does the iCloud status line")
    child.send(CTRL_C)
    code, out = finish(child)
    assert code == 130
    kept = state(icloud_fix_home)
    assert kept["waiting"] == [] and kept["not_fixed"] == ["ios-update", "restart"]
    assert kept["answers"] == {"restart-done": "no", "ios-update-current": "no"}
    # The report says what is known, not "0 of 7".
    assert "Stopped before the end: 2 of 7 checks done." in out

    # --fresh says what it throws away.
    child = spawn(tmp_path, "--fresh")
    child.expect_exact("Starting over (--fresh): forgetting the 2 answers, and that the fixes "
                       "for 'Restart' and 'iOS update' did not help, kept from your last "
                       "session.")
    child.send(CTRL_C)
    finish(child)


def test_fresh_names_a_waiting_fix_it_forgets(tmp_path: Path, icloud_fix_home: Path) -> None:
    child = spawn(tmp_path, "--only", "restart")
    for key in "nw":
        child.expect(r"\? ")
        child.send(key)
    finish(child)
    child = spawn(tmp_path, "--fresh")
    child.expect_exact("Starting over (--fresh): forgetting the 1 answer and the fix you were "
                       "waiting on ('")
    child.send(CTRL_C)
    finish(child)
    assert not list((icloud_fix_home / "sessions").glob("*.yaml"))


def test_stopped_mid_check_keeps_every_answer_given(tmp_path: Path,
                                                    icloud_fix_home: Path) -> None:
    flow = write_flow(tmp_path, """
        format: 1
        id: lamp
        title: Lamp
        version: "1"
        checks:
          - id: bulb
            title: Bulb
            questions:
              - {id: bulb-ok, prompt: Does the bulb light?, pass_answer: "yes",
                 remediation: Change the bulb.}
              - {id: bulb-tight, prompt: Is the bulb screwed in?, pass_answer: "yes",
                 remediation: Screw it in.}
    """)
    child = spawn(tmp_path, "--steps", str(flow))
    child.expect_exact("Does the bulb light?")
    child.send("y")
    child.expect_exact("Is the bulb screwed in?")
    child.send(CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert state(icloud_fix_home)["answers"] == {"bulb-ok": "yes"}
    assert "in progress" in out


# -- scripted runs -------------------------------------------------------------------------


def test_unanswered_skip_gives_an_honest_inconclusive_report(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    run = subprocess.run([installed_command(), "--steps", str(flow), "--answer", "bulb-ok=yes",
                          "--unanswered", "skip", "--format", "json"], capture_output=True,
                         text=True, cwd=tmp_path, check=False)
    assert run.returncode == 3, run.stderr
    report = json.loads(run.stdout)
    assert report["outcome"] == "inconclusive"
    plug = report["checks"][1]
    assert plug["status"] == "skipped"
    assert plug["questions"][0]["answer"] == "skip"
    assert plug["questions"][0]["source"] == "unanswered"
    # Without it, the missing answer is an error naming it, as before.
    run = subprocess.run([installed_command(), "--steps", str(flow), "--answer", "bulb-ok=yes"],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 2 and "no answer for plug-in" in run.stderr


@pytest.mark.parametrize(("flag", "message"), [
    ("bulb=maybe", "'maybe' is not how a fix helped; use no (tried, it did not help) or "
                   "not_yet (tried, it takes time to show)"),
    ("lamp=no", "unknown check id 'lamp'"),
    ("bulb", "'bulb' must look like CHECK=no or CHECK=not_yet"),
])
def test_fix_tried_refuses_what_it_cannot_take(tmp_path: Path, flag: str, message: str) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    run = subprocess.run([installed_command(), "--steps", str(flow), "--answer", "bulb-ok=no",
                          "--answer", "plug-in=yes", "--fix-tried", flag],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 2
    assert run.stderr.startswith(f"icloud-fix: --fix-tried: {message}")
    assert "Traceback" not in run.stderr


def test_an_answers_file_carries_fixes_tried_and_resolved_by(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    answers = tmp_path / "a.yaml"
    answers.write_text("bulb-ok: no\nplug-in: no\nfixes_tried:\n  bulb: no\n"
                       "resolved_by: plug\n", encoding="utf-8")
    run = subprocess.run([installed_command(), "--steps", str(flow), "--answers", str(answers),
                          "--format", "json"], capture_output=True, text=True, cwd=tmp_path,
                         check=False)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["outcome"] == "resolved" and report["resolved_by"] == "plug"
    assert [c["fix_tried"] for c in report["checks"]] == [{"helped": "no"}, {"helped": "yes"}]
    answers.write_text("bulb-ok: no\nfixes_tried: {bulb: perhaps}\n", encoding="utf-8")
    run = subprocess.run([installed_command(), "--steps", str(flow), "--answers", str(answers)],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 2
    assert f"{answers}:2: 'fixes_tried': 'perhaps' is not how a fix helped" in run.stderr


def test_a_saved_report_never_replaces_another(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    for _ in range(2):
        child = spawn(tmp_path, "--steps", str(flow))
        child.expect_exact("Does the bulb light?")
        child.send("y")
        child.expect_exact("Is it plugged in?")
        child.send("y")
        # Every check passed: the report is offered all the same.
        read_to_the_end(child, save_report="y")
        child.close()
    reports = sorted(tmp_path.glob("icloud-fix-report-*.md"))
    assert len(reports) == 2
    assert reports[0].name != reports[1].name


# -- found in review -----------------------------------------------------------------------


def test_a_waiting_fix_is_asked_about_when_coming_back_with_only(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--only", "restart,ios-update")
    for key in "nnnw":
        child.expect(r"\? ")
        child.send(key)
    finish(child)
    child = spawn(tmp_path, "--only", "restart,ios-update")
    child.expect_exact("Last time you tried the fix for")
    child.send("y")
    code, out = finish(child)
    assert code == 0 and "Resolved: the fix for 'iOS update' solved the problem." in out


def test_b_goes_back_into_answers_kept_from_an_earlier_session(
        tmp_path: Path, icloud_fix_home: Path) -> None:
    child = spawn(tmp_path, "--only", "restart,ios-update")
    child.expect_exact("b = back")
    child.send("n")  # restart not done: its fix is shown
    child.expect_exact("w = not yet")
    child.send(CTRL_C)
    finish(child)
    child = spawn(tmp_path, "--only", "restart,ios-update")
    child.expect_exact("Continue where you stopped?")
    child.send("y")
    child.expect_exact("w = not yet")
    child.send("b")  # back to the kept answer, which the person can now change
    child.expect_exact("b = back")
    child.send("y")
    child.expect_exact("Check 2 of 2 - iOS update")
    child.send(CTRL_C)
    finish(child)
    assert state(icloud_fix_home)["answers"] == {"restart-done": "yes"}


def test_a_flag_wins_over_what_a_choice_settles(tmp_path: Path) -> None:
    run = subprocess.run([installed_command(), "--non-interactive", "--unanswered", "skip",
                          "--offline", "--answer", "photos-status=paused-low-power", "--answer",
                          "connectivity-low-power-mode=no", "-f", "json"], capture_output=True,
                         text=True, cwd=tmp_path, check=False)
    report = json.loads(run.stdout)
    low_power = report["checks"][0]["questions"][0]
    assert (low_power["id"], low_power["answer"], low_power["source"]) == (
        "connectivity-low-power-mode", "no", "flag")


def test_a_fix_said_tried_for_a_check_that_did_not_fail_is_said_to_be_unused(
        tmp_path: Path) -> None:
    run = subprocess.run([installed_command(), "--non-interactive", "--offline", "--only",
                          "restart", "--answer", "restart-done=yes", "--fix-tried",
                          "restart=no", "-f", "json"], capture_output=True, text=True,
                         cwd=tmp_path, check=False)
    assert run.returncode == 0
    assert json.loads(run.stdout)["outcome"] == "no_problem_found"
    assert run.stderr == ("icloud-fix: note: the fix for 'restart' was said to be tried, but "
                          "that check did not fail in this run (passed), so the report does "
                          "not list it\n")


def test_stopped_at_the_last_sync_now_question_says_so(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, TWO_CHECKS)
    run = subprocess.run([installed_command(), "--plain", "--offline", "--steps", str(flow)],
                         input="y\nn\n", capture_output=True, text=True, cwd=tmp_path,
                         check=False)
    assert run.returncode == 130
    assert ("Stopped before the end: every check was answered, but not whether the last fix "
            "helped.") in " ".join(run.stdout.split())


def test_the_intro_of_a_whole_run_is_not_said_for_chosen_checks(tmp_path: Path) -> None:
    run = subprocess.run([installed_command(), "--plain", "--offline", "--only", "restart"],
                         input="", capture_output=True, text=True, cwd=tmp_path, check=False)
    assert "then seven checks" not in run.stdout
    assert "Check 1 of 1 - Restart" in run.stdout
