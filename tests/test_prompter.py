"""The questionary prompter, driven with real keystrokes through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from helpers import PASSING, TerminalScreen
from icloud_fix.answers import GivenAnswers, ScriptedAnswers, parse_flags
from icloud_fix.engine import (
    CheckResult,
    Fix,
    GoBack,
    Outcome,
    Position,
    PromptUnavailable,
    QuestionResult,
    Reply,
    SessionInterrupted,
    Status,
    run,
)
from icloud_fix.flow import Answer, Flow
from icloud_fix.flowfile.loader import load_builtin
from icloud_fix.prompts.rich_prompter import RichPrompter
from icloud_fix.report.terminal import make_console

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture
def flow() -> Flow:
    return load_builtin()


@pytest.fixture
def screen() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def keys(flow: Flow, screen: io.StringIO) -> Iterator:
    """keys(text) -> a Prompter that will read text as typed keys."""
    with create_pipe_input() as pipe:

        def typed(text: str) -> RichPrompter:
            pipe.send_text(text)
            return RichPrompter(flow, make_console(screen, no_color=True), input=pipe,
                            output=DummyOutput())

        yield typed


def first(flow: Flow) -> tuple:
    check = flow.checks[0]
    return check.questions[0], Position(1, len(flow.checks), check)


UP = "\x1b[A"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("y", Answer.YES), ("n", Answer.NO), ("s", Answer.SKIP), ("Y", Answer.YES),
     # The pointer starts on no answer: Enter alone answers nothing, the next key does.
     (ENTER + "n", Answer.NO), (ENTER + ENTER + "y", Answer.YES),
     # The first arrow puts it on the first answer (down) or the last (up).
     (DOWN + ENTER, Answer.YES), (DOWN + DOWN + ENTER, Answer.NO),
     (DOWN + DOWN + DOWN + ENTER, Answer.SKIP), (UP + UP + ENTER, Answer.SKIP)],
)
def test_one_key_answers(flow: Flow, keys, typed: str, answer: Answer) -> None:
    question, position = first(flow)
    assert keys(typed).ask(question, position) == answer


def test_enter_alone_says_which_keys_answer(flow: Flow) -> None:
    terminal = TerminalScreen(columns=80)
    assert asked_on(terminal, flow, ENTER + "n") == Answer.NO
    # Once answered, the question and its answer stay; the hint Enter drew goes.
    shown = " ".join(" ".join(terminal.lines()).split())
    assert shown == "? Is Low Power Mode on? (The battery icon at the top of the screen is " \
        "yellow.) No"


@pytest.mark.parametrize(("typed", "fix"), [(ENTER + ENTER + "n", Fix.DID_NOT_WORK),
                                            (DOWN + ENTER, Fix.WORKED),
                                            (ENTER + "w", Fix.NOT_YET)])
def test_the_sync_now_question_has_no_preselected_answer(flow: Flow, keys, typed: str,
                                                         fix: Fix) -> None:
    question, position = first(flow)
    failed = CheckResult(position.check, Status.FAILED,
                         (QuestionResult(question, Answer.YES, False),))
    assert keys(typed).fixed_now(failed, position) is fix


@pytest.mark.parametrize("typed", ["b", "B"])
def test_b_goes_back(flow: Flow, keys, typed: str) -> None:
    question, position = first(flow)
    with pytest.raises(GoBack):
        keys(typed).ask(question, position)
    failed = CheckResult(position.check, Status.FAILED,
                         (QuestionResult(question, Answer.YES, False),))
    with pytest.raises(GoBack):
        keys(typed).fixed_now(failed, position)


def test_position_is_shown(flow: Flow, keys, screen: io.StringIO) -> None:
    question, position = first(flow)
    keys("y").ask(question, position)
    assert ("Check 1 of 7 - Low Power Mode, Low Data Mode and the internet connection"
            in screen.getvalue())


def asked_on(terminal: TerminalScreen, flow: Flow, typed: str) -> str | Reply:
    """The first question asked with keys typed, drawn on terminal."""
    question, position = first(flow)
    with create_pipe_input() as pipe:
        pipe.send_text(typed)
        prompter = RichPrompter(flow, make_console(io.StringIO(), no_color=True), input=pipe,
                                output=terminal.output)
        return prompter.ask(question, position)


def test_help_appears_under_the_question_which_keeps_its_one_answer(flow: Flow) -> None:
    terminal = TerminalScreen(columns=50)
    assert asked_on(terminal, flow, "hn") == Answer.NO
    assert terminal.lines() == [
        "? Is Low Power Mode on? (The battery icon at the",
        "  top of the screen is yellow.) No",
        "  Low Power Mode saves battery by pausing iCloud",
        "  Photos, among other things. If it turned on by",
        "  itself, it turns off again once the battery is",
        "  charged to 80%.",
    ]


def test_a_narrow_terminal_breaks_the_answered_question_between_words(flow: Flow) -> None:
    terminal = TerminalScreen(columns=30)
    assert asked_on(terminal, flow, "y") == Answer.YES
    assert terminal.lines() == [
        "? Is Low Power Mode on? (The",
        "  battery icon at the top of",
        "  the screen is yellow.) Yes",
    ]


@pytest.mark.parametrize("typed", [CTRL_C, CTRL_D])
def test_ctrl_c_and_ctrl_d_end_the_session(flow: Flow, keys, typed: str) -> None:
    question, position = first(flow)
    with pytest.raises(PromptUnavailable):
        keys(typed).ask(question, position)


def test_a_whole_session_with_keystrokes(flow: Flow, keys, screen: io.StringIO) -> None:
    # photos-status: 1 (synced); connectivity: n n n y, n (wifi), n y; apple-id: y n y,
    # n (icloud.com), n (no shared library), y; icloud storage full: y -> fix shown,
    # "sync now?" n; device storage: n; restart: y; ios: y; charging: y y
    prompter = keys("1" "nnny" "n" "ny" "yny" "n" "n" "y" "y" "n" "n" "y" "y" "yy")
    result = run(flow, ScriptedAnswers(GivenAnswers(), fallback=prompter))
    assert result.outcome is Outcome.PROBLEMS_FOUND
    assert [c.status.value for c in result.checks] == [
        "passed", "passed", "failed", "passed", "passed", "passed", "passed"]
    text = " ".join(screen.getvalue().split())
    assert "How to fix: iCloud storage" in text
    assert "Change Storage Plan" in text


def test_yes_to_sync_now_resolves(flow: Flow, keys) -> None:
    # photos-status: 1 (synced); Low Power Mode: yes (fails); the rest of connectivity
    # passes; does it sync now? yes
    prompter = keys("1" "y" "nnyn" "ny" "y")
    result = run(flow, ScriptedAnswers(GivenAnswers(), fallback=prompter))
    assert result.outcome is Outcome.RESOLVED and result.resolved_by == "connectivity"
    assert [c.status.value for c in result.checks][1:] == ["not_reached"] * 6


def test_given_answers_are_not_asked_again(flow: Flow, keys) -> None:
    passing = dict(PASSING)
    del passing["restart-done"]
    given = parse_flags([f"{qid}={word}" for qid, word in passing.items()], flow)
    result = run(flow, ScriptedAnswers(given, fallback=keys("n" "n")))
    assert [c.check.id for c in result.failed] == ["restart"]


def test_ctrl_c_at_sync_now_keeps_the_answers(flow: Flow, keys) -> None:
    with pytest.raises(SessionInterrupted) as caught:
        run(flow, ScriptedAnswers(GivenAnswers(), fallback=keys("1" "y" "nnyn" "ny" + CTRL_C)))
    partial = caught.value.partial
    assert partial.answers() == {
        "photos-status": "synced", "connectivity-low-power-mode": Answer.YES,
        "connectivity-low-battery": Answer.NO, "connectivity-low-data-mode": Answer.NO,
        "connectivity-internet-works": Answer.YES, "connectivity-on-cellular": Answer.NO,
        "connectivity-vpn": Answer.NO, "connectivity-date-time": Answer.YES}
    assert partial.checks[0].status.value == "failed"
