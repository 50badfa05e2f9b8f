"""Every question kind, through every surface a person or a script meets it on.

Parametrized over the registry (``kinds.KINDS``): a kind added without an example here
fails, and a kind that forgets a surface (judging, informational, asking in the
terminal, --plain, flags, list, the reports, the schema, validate) fails that surface.
Each kind's example is one question in a one-check flow, with an answer that passes,
one that fails, what each reads as in the reports, the keys that answer it in the
terminal and in --plain, and its invalid forms with the message each must produce.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest
import yaml
from jsonschema import Draft202012Validator

from helpers import (
    Told,
    answer_in_page,
    installed_command,
    invoke,
    read_to_the_end,
    same_reports,
    write_flow,
)
from helpers import scripted as scripted_replay
from icloud_fix import kinds
from icloud_fix.flowfile.declaration import json_schema
from icloud_fix.flowfile.loader import load_file


@dataclass(frozen=True)
class Example:
    """One kind's question and how each surface must take it."""

    lines: str  # the question's own keys (besides id, prompt and remediation)
    passing: str  # an answer that passes, as a flag gives it
    failing: str  # one that fails
    saved: tuple[str, str]  # the two as saved in the JSON report
    labels: tuple[str, str]  # the two as the reports read them
    rule: str  # what `list` says passes
    style: str  # `list --format json`'s asking style
    terminal: tuple[str, ...]  # keys that give the passing answer in the terminal
    plain: str  # the line that gives it in --plain
    refused: tuple[str, ...]  # flag values it refuses
    # Typed where a typed answer is refused: (keys, what is then shown, keys that undo).
    terminal_refused: tuple[str, str, str] | None
    plain_refused: str  # a line --plain asks again after
    skip: str  # the keys that say "not sure" in the terminal
    invalid: tuple[tuple[str, str], ...]  # (the question's own keys, the loader's message)


EXAMPLES: dict[str, Example] = {
    "yes_no": Example(
        lines='pass_answer: "yes"\n',
        passing="yes", failing="n", saved=("yes", "no"), labels=("yes", "no"),
        rule="passes on yes", style="yes-no", terminal=("y",), plain="y",
        refused=("maybe", "", "yes please"), terminal_refused=None, plain_refused="maybe", skip="s",
        invalid=(
            ("pass_answer: maybe\n", "'pass_answer' must be yes or no"),
            ("", "question 'q' needs 'pass_answer'"),
            ("pass_answer: \"yes\"\nunit: GB\n",
             "is a yes_no question (the default), so it cannot have 'unit'"),
        )),
    "choice": Example(
        lines=("kind: choice\nchoices:\n  - {id: full, label: A stack of paper}\n"
               "  - {id: empty, label: Nothing}\npass_choices: [full]\n"),
        passing="full", failing="EMPTY", saved=("full", "empty"),
        labels=("A stack of paper", "Nothing"), rule="passes on full", style="pick",
        terminal=("a",), plain="1", refused=("fulll", "", "3"), terminal_refused=None,
        plain_refused="7", skip="s",
        invalid=(
            ("kind: choice\nchoices:\n  - {id: full, label: A stack of paper}\n"
             "  - {id: empty, label: Nothing}\n", "question 'q' needs 'pass_choices'"),
            ("kind: choice\npass_choices: [full]\n",
             "is a choice question, so it needs 'choices'"),
            ("kind: choice\nchoices:\n  - {id: full, label: A stack of paper}\n"
             "  - {id: empty, label: Nothing}\npass_choices: [full]\npass_answer: \"yes\"\n",
             "is a choice question, so it cannot have 'pass_answer'"),
        )),
    "number": Example(
        lines="kind: number\nunit: GB\npass_at_least: 2\n",
        passing="12.50", failing="0.5", saved=("12.5", "0.5"), labels=("12.5 GB", "0.5 GB"),
        rule="passes at 2 GB or more", style="typed", terminal=("12.5", "\r"),
        plain="12.5", refused=("abc", "", "nan", "inf", "-3", "1e3", "0x10", "1" * 12,
                               "١٢"),
        terminal_refused=("abc\r", "Please type a number such as 12", "\x7f" * 3),
        plain_refused="a lot", skip="s\r",
        invalid=(
            ("kind: number\nunit: GB\n",
             "question 'q' needs 'pass_at_least' or 'pass_at_most'"),
            ("kind: number\npass_at_least: 2\n", "is a number question, so it needs 'unit'"),
            ("kind: number\nunit: GB\npass_at_least: abc\n",
             "'pass_at_least' must be a number above 0"),
            ("kind: number\nunit: GB\npass_at_least: 2\npass_answer: \"yes\"\n",
             "is a number question, so it cannot have 'pass_answer'"),
        )),
}
KINDS = sorted(kinds.KINDS)
PROMPT = "How is it?"


def flow_text(lines: str) -> str:
    own = "".join(f"        {line}\n" for line in lines.splitlines())
    return ("format: 2\nid: contract\ntitle: Contract\nversion: \"1\"\n"
            "after_fix_question: Is it fixed now?\nchecks:\n  - id: it\n    title: It\n"
            f"    questions:\n      - id: q\n        prompt: {PROMPT}\n"
            f"        remediation: Fix it.\n{own}")


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def example(kind: str) -> Example:
    return EXAMPLES[kind]


@pytest.fixture
def flow(tmp_path: Path, example: Example) -> Path:
    return write_flow(tmp_path, flow_text(example.lines))


def test_every_registered_kind_has_an_example() -> None:
    assert sorted(EXAMPLES) == KINDS


def test_the_example_is_a_question_of_its_kind(kind: str, flow: Path) -> None:
    question = load_file(flow).checks[0].questions[0]
    assert question.kind == kind
    assert not kinds.informational(question)


# -- scripted runs ----------------------------------------------------------------------


def scripted(flow: Path, *args: str):
    return invoke("--steps", str(flow), "--non-interactive", *args)


def answered(flow: Path, value: str, fmt: str = "json"):
    return scripted(flow, "--format", fmt, "--answer", f"q={value}")


def test_a_passing_flag_passes_and_a_failing_one_fails(flow: Path, example: Example) -> None:
    for value, saved, passed, code in ((example.passing, example.saved[0], True, 0),
                                       (example.failing, example.saved[1], False, 1)):
        result = answered(flow, value)
        assert result.exit_code == code, (value, result.stderr)
        question = json.loads(result.stdout)["checks"][0]["questions"][0]
        assert (question["answer"], question["passed"]) == (saved, passed)
        status = json.loads(result.stdout)["checks"][0]["status"]
        assert status == ("passed" if passed else "failed")


def test_not_sure_is_an_answer_of_every_kind(flow: Path) -> None:
    result = answered(flow, "skip")
    question = json.loads(result.stdout)["checks"][0]["questions"][0]
    assert (question["answer"], question["passed"]) == ("skip", None)


def test_a_refused_flag_says_what_the_question_takes(flow: Path, example: Example,
                                                      kind: str) -> None:
    accepts = json.loads(invoke("list", "--steps", str(flow), "--format", "json").stdout
                         )["checks"][0]["questions"][0]["asking"]["accepts"]
    for value in example.refused:
        result = answered(flow, value)
        assert result.exit_code == 2, value
        assert result.stdout == ""
        said = result.stderr
        assert said.startswith(f"icloud-fix: --answer: {value!r} is not an answer for 'q'")
        assert said.endswith(f"; use {accepts}\n") and said.count("\n") == 1, said
    result = scripted(flow, "--answer", "q")  # no value at all
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "'q' must look like ID=VALUE" in result.stderr and accepts in result.stderr
    example_answer = result.stderr.split("for example --answer q=")[1].split(";")[0]
    assert answered(flow, example_answer).exit_code in (0, 1)  # the example is taken


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_the_reports_read_the_answer_as_its_kind_says(flow: Path, example: Example,
                                                       fmt: str) -> None:
    result = answered(flow, example.failing, fmt)
    assert result.exit_code == 1
    out = " ".join(result.stdout.split())
    if fmt == "json":
        assert json.loads(result.stdout)["checks"][0]["questions"][0]["answer"] \
            == example.saved[1]
    else:
        assert f"{PROMPT} " in out and example.labels[1] in out, out


# -- list --------------------------------------------------------------------------------


def test_list_says_what_passes_and_how_it_is_asked(flow: Path, example: Example,
                                                    kind: str) -> None:
    listing = invoke("list", "--steps", str(flow), "--no-color")
    assert listing.exit_code == 0
    assert f"   q  ({example.rule})\n" in listing.stdout
    document = invoke("list", "--steps", str(flow), "--format", "json")
    question = json.loads(document.stdout)["checks"][0]["questions"][0]
    assert question["kind"] == kind
    assert question["informational"] is False
    assert question["asking"]["style"] == example.style
    assert question["asking"]["accepts"]


def test_an_informational_question_of_the_kind_is_listed_so(tmp_path: Path,
                                                             example: Example) -> None:
    data = yaml.safe_load(flow_text(example.lines))
    question = data["checks"][0]["questions"][0]
    for key in [k for k in question if k.startswith("pass_")] + ["remediation"]:
        del question[key]
    question["informational"] = True
    path = tmp_path / "informational.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    listed = json.loads(invoke("list", "--steps", str(path), "--format", "json").stdout)
    assert listed["checks"][0]["questions"][0]["informational"] is True
    result = answered(path, example.failing)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["checks"][0]["questions"][0]["passed"] is None


# -- the flow format: schema and validate ----------------------------------------------


def test_the_schema_takes_the_example(example: Example) -> None:
    validator = Draft202012Validator(json_schema())
    assert list(validator.iter_errors(yaml.safe_load(flow_text(example.lines)))) == []


def test_each_invalid_form_is_refused_by_validate_and_the_schema(
        tmp_path: Path, example: Example) -> None:
    validator = Draft202012Validator(json_schema())
    for number, (lines, message) in enumerate(example.invalid):
        path = write_flow(tmp_path, flow_text(lines), f"bad-{number}.yaml")
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))), lines
        run = subprocess.run([installed_command(), "validate", str(path)], capture_output=True,
                             text=True, check=False, timeout=60)
        assert run.returncode == 2, lines
        assert run.stdout == ""
        assert run.stderr.startswith(f"icloud-fix: {path}:"), run.stderr
        assert message in run.stderr, (lines, run.stderr)
        assert "Traceback" not in run.stderr


# -- a person at the terminal: --plain, and the prompter in a pty -------------------------


def plain_run(flow: Path, typed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([installed_command(), "--plain", "--offline", "--steps", str(flow)],
                          input=typed, capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "1000"}, timeout=60)


def test_plain_takes_a_typed_line_and_asks_again_after_a_refused_one(
        flow: Path, example: Example) -> None:
    run = plain_run(flow, f"{example.plain_refused}\n{example.plain}\nn\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(PROMPT) == 2  # asked, refused, asked again
    assert "Please type " in run.stdout
    assert "Every check passed." in run.stdout


@pytest.fixture
def pty(tmp_path: Path):
    children: list[pexpect.spawn] = []

    def start(*args: str) -> pexpect.spawn:
        env = {**os.environ, "TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "120",
               "LINES": "40", "PROMPT_TOOLKIT_NO_CPR": "1"}
        child = pexpect.spawn(installed_command(), list(args), env=env, cwd=str(tmp_path),
                              dimensions=(40, 120), encoding="utf-8", timeout=15)
        child.logfile_read = io.StringIO()
        children.append(child)
        return child

    yield start
    for child in children:
        with contextlib.suppress(OSError):
            child.close(force=True)


def test_the_terminal_prompter_asks_it_with_real_keys(
        pty, flow: Path, example: Example, tmp_path: Path) -> None:
    child = pty("--steps", str(flow), "--offline", "--output", "report.json")
    child.expect_exact(PROMPT)
    child.expect_exact("s = not sure")
    child.expect_exact("b = back")
    if example.terminal_refused is not None:
        keys, shown, undo = example.terminal_refused
        child.send(keys)
        child.expect_exact(shown)
        child.send(undo)
    for key in example.terminal:
        child.send(key)
    read_to_the_end(child)
    child.close()
    assert child.exitstatus == 0
    question = json.loads((tmp_path / "report.json").read_text(encoding="utf-8")
                          )["checks"][0]["questions"][0]
    assert (question["answer"], question["passed"], question["source"]) == (
        example.saved[0], True, "prompt")


def test_not_sure_in_the_terminal_skips_a_question_of_any_kind(
        pty, flow: Path, example: Example, tmp_path: Path) -> None:
    child = pty("--steps", str(flow), "--offline", "--output", "report.json")
    child.expect_exact(PROMPT)
    child.expect_exact("s = not sure")
    child.send(example.skip)
    read_to_the_end(child)
    child.close()
    question = json.loads((tmp_path / "report.json").read_text(encoding="utf-8")
                          )["checks"][0]["questions"][0]
    assert (question["answer"], question["passed"]) == ("skip", None)


# -- the web page (icloud-fix page), in a browser ----------------------------------------


@pytest.mark.parametrize("which", ["passing", "failing", "not sure"])
def test_the_page_takes_and_judges_it_as_a_scripted_run_does(
        browser, flow: Path, example: Example, tmp_path: Path, which: str) -> None:
    """A kind the page cannot ask (a typed kind with no entry in page.js's TYPED), or
    judges otherwise than Python, fails here."""
    page = tmp_path / "page.html"
    built = invoke("page", "--steps", str(flow), "--output", str(page))
    assert built.exit_code == 0, built.output
    value = {"passing": example.saved[0], "failing": example.saved[1], "not sure": "skip"}
    said, report = answer_in_page(browser, page, Told({"q": value[which]}))
    assert said.answers == {"q": value[which]}
    expected_json, expected_md = scripted_replay(said, "--steps", str(flow))
    same_reports(report, expected_json, expected_md, f"{example.lines} answered {which}")
    status = json.loads(report["json"])["checks"][0]["status"]
    assert status == {"passing": "passed", "failing": "failed", "not sure": "skipped"}[which]
