"""The engine alone: no terminal, a fake answer source."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_flow
from icloud_fix.engine import (
    CheckResult,
    Outcome,
    Position,
    PromptUnavailable,
    SessionInterrupted,
    Status,
    run,
)
from icloud_fix.flow import Answer, Flow, Question
from icloud_fix.flowfile.loader import load_file

Y, N, S = Answer.YES, Answer.NO, Answer.SKIP


class FakeSource:
    """Answers from a dict; records what it was asked; can stop or report a fix."""

    def __init__(self, answers: dict[str, Answer], fixed_after: str | None = None,
                 stop_at: str | None = None) -> None:
        self.answers = answers
        self.fixed_after = fixed_after
        self.stop_at = stop_at
        self.asked: list[str] = []
        self.positions: list[tuple[int, int, str]] = []
        self.fixes_shown: list[str] = []

    def ask(self, question: Question, position: Position) -> Answer:
        if question.id == self.stop_at:
            raise PromptUnavailable("interrupted (Ctrl-C)")
        self.asked.append(question.id)
        self.positions.append((position.number, position.total, position.check.title))
        return self.answers[question.id]

    def fixed_now(self, result: CheckResult, position: Position) -> bool:
        self.fixes_shown.append(result.check.id)
        return result.check.id == self.fixed_after


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    return load_file(write_flow(tmp_path, """
        format: 1
        id: demo
        title: Demo
        version: "1"
        checks:
          - id: network
            title: Network
            questions:
              - id: online
                prompt: Online?
                pass_answer: "yes"
                remediation: Get online.
              - id: cellular
                prompt: On cellular?
                informational: true
              - id: mobile-data
                prompt: Mobile data on?
                when: {cellular: "yes"}
                pass_answer: "yes"
                remediation: Turn on mobile data.
          - id: storage
            title: Storage
            questions:
              - id: storage-full
                prompt: Full?
                pass_answer: "no"
                remediation: Free some space.
          - id: restart
            title: Restart
            questions:
              - id: restarted
                prompt: Restarted?
                pass_answer: "yes"
                remediation: Restart it.
    """))


def statuses(result) -> dict[str, str]:
    return {c.check.id: c.status.value for c in result.checks}


def test_all_pass(flow: Flow) -> None:
    source = FakeSource({"online": Y, "cellular": N, "storage-full": N, "restarted": Y})
    result = run(flow, source)
    assert statuses(result) == {"network": "passed", "storage": "passed", "restart": "passed"}
    assert result.outcome is Outcome.NO_PROBLEM_FOUND and result.exit_code == 0
    # The condition did not hold, so mobile-data was never asked.
    assert source.asked == ["online", "cellular", "storage-full", "restarted"]
    assert source.positions[2] == (2, 3, "Storage")


def test_condition_holds_and_the_question_fails(flow: Flow) -> None:
    source = FakeSource({"online": Y, "cellular": Y, "mobile-data": N, "storage-full": Y,
                         "restarted": S})
    result = run(flow, source)
    assert statuses(result) == {"network": "failed", "storage": "failed", "restart": "skipped"}
    assert result.checks[0].remediation == ("Turn on mobile data.",)
    assert result.checks[1].remediation == ("Free some space.",)
    assert result.outcome is Outcome.PROBLEMS_FOUND and result.exit_code == 1
    assert source.fixes_shown == ["network", "storage"]
    questions = {q.question.id: (q.answer, q.passed) for q in result.checks[0].questions}
    assert questions == {"online": (Y, True), "cellular": (Y, None), "mobile-data": (N, False)}


def test_a_skipped_condition_does_not_ask_the_dependent_question(flow: Flow) -> None:
    source = FakeSource({"online": Y, "cellular": S, "storage-full": N, "restarted": Y})
    result = run(flow, source)
    assert "mobile-data" not in source.asked
    assert result.checks[0].status is Status.SKIPPED


def test_resolved_stops_and_the_rest_is_not_reached(flow: Flow) -> None:
    source = FakeSource({"online": N, "cellular": N, "storage-full": N, "restarted": Y},
                        fixed_after="network")
    result = run(flow, source)
    assert statuses(result) == {"network": "failed", "storage": "not_reached",
                                "restart": "not_reached"}
    assert result.outcome is Outcome.RESOLVED and result.resolved_by == "network"
    assert result.exit_code == 0
    assert source.asked == ["online", "cellular"]


def test_interrupted_keeps_the_answers_given(flow: Flow) -> None:
    source = FakeSource({"online": N, "cellular": N}, stop_at="storage-full")
    with pytest.raises(SessionInterrupted) as caught:
        run(flow, source)
    partial = caught.value.partial
    assert partial.outcome is Outcome.INTERRUPTED and partial.exit_code == 130
    assert statuses(partial) == {"network": "failed", "storage": "not_reached",
                                 "restart": "not_reached"}
    assert partial.answers() == {"online": N, "cellular": N}


def test_interrupted_in_the_middle_of_a_check(flow: Flow) -> None:
    source = FakeSource({"online": Y}, stop_at="cellular")
    with pytest.raises(SessionInterrupted) as caught:
        run(flow, source)
    assert caught.value.partial.answers() == {"online": Y}
    assert caught.value.partial.checks[0].status is Status.NOT_REACHED


def test_a_check_left_unasked_by_a_not_sure_answer_is_skipped(tmp_path: Path) -> None:
    flow = load_file(write_flow(tmp_path, """
        format: 1
        id: demo
        title: Demo
        version: "1"
        checks:
          - id: setup
            title: Setup
            questions:
              - id: uses-wifi
                prompt: On Wi-Fi?
                informational: true
          - id: wifi
            title: Wi-Fi
            questions:
              - id: wifi-light
                prompt: Light on?
                when: {uses-wifi: "yes"}
                pass_answer: "yes"
                remediation: Turn on Wi-Fi.
    """))
    not_sure = run(flow, FakeSource({"uses-wifi": S}))
    assert statuses(not_sure) == {"setup": "skipped", "wifi": "skipped"}
    # A real "no" settles it: the Wi-Fi question does not apply, nothing is wrong.
    no = run(flow, FakeSource({"uses-wifi": N}))
    assert statuses(no) == {"setup": "passed", "wifi": "passed"}
