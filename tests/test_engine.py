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
        title = position.check.title if position.check is not None else "triage"
        self.positions.append((position.number, position.total, title))
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
    # The check whose fix worked shows as fixed, not as failed.
    assert statuses(result) == {"network": "fixed", "storage": "not_reached",
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
    # Stopped at the storage question: that check was begun, so it is in progress.
    assert statuses(partial) == {"network": "failed", "storage": "in_progress",
                                 "restart": "not_reached"}
    assert partial.answers() == {"online": N, "cellular": N}


def test_interrupted_in_the_middle_of_a_check(flow: Flow) -> None:
    source = FakeSource({"online": Y}, stop_at="cellular")
    with pytest.raises(SessionInterrupted) as caught:
        run(flow, source)
    assert caught.value.partial.answers() == {"online": Y}
    assert caught.value.partial.checks[0].status is Status.IN_PROGRESS


# A check whose only question depends on an earlier answer.
WIFI = """
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
"""


def test_a_check_left_unasked_by_a_not_sure_answer_is_skipped(tmp_path: Path) -> None:
    flow = load_file(write_flow(tmp_path, WIFI))
    not_sure = run(flow, FakeSource({"uses-wifi": S}))
    assert statuses(not_sure) == {"setup": "skipped", "wifi": "skipped"}
    # A real "no" settles it: the Wi-Fi question does not apply. Nothing was asked in
    # that check, so it was not run (never "passed"), and nothing is wrong.
    no = run(flow, FakeSource({"uses-wifi": N}))
    assert statuses(no) == {"setup": "passed", "wifi": "not_run"}
    assert no.checks[1].ruled_out and no.outcome is Outcome.NO_PROBLEM_FOUND


def test_a_check_where_nothing_applied_is_not_run_and_alone_is_inconclusive(
        tmp_path: Path) -> None:
    flow = load_file(write_flow(tmp_path, WIFI))
    # --only wifi, with the question it depends on answered "no" ahead: nothing asked.
    result = run(flow, FakeSource({"uses-wifi": N}), only={"wifi"})
    assert statuses(result) == {"setup": "not_run", "wifi": "not_run"}
    assert result.outcome is Outcome.INCONCLUSIVE and result.exit_code == 3


ROUTED = """
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
          - {id: dark, label: Nothing, check: power}
    checks:
      - id: power
        title: Power
        questions:
          - id: power-on
            prompt: Switched on?
            pass_answer: "yes"
            remediation: Press the power button.
      - id: cable
        title: Cable
        questions:
          - id: cable-type
            kind: choice
            prompt: How is it connected?
            choices:
              - {id: usb, label: USB cable}
              - {id: wifi, label: Wi-Fi, check: paper}
            informational: true
          - id: cable-in
            when: {cable-type: usb}
            prompt: Is the cable plugged in at both ends?
            pass_answer: "yes"
            remediation: Plug it in.
      - id: paper
        title: Paper
        questions:
          - id: paper-state
            kind: choice
            prompt: What is in the tray?
            choices:
              - {id: full, label: Paper}
              - {id: empty, label: Nothing}
              - {id: jammed, label: A crumpled sheet}
            pass_choices: [full]
            remediation: Load paper.
          - id: paper-cover
            when: {paper-state: [empty, jammed]}
            prompt: Did you open the back cover?
            pass_answer: "yes"
            remediation: Open it.
"""


@pytest.fixture
def routed(tmp_path: Path) -> Flow:
    return load_file(write_flow(tmp_path, ROUTED))


def test_triage_is_asked_first_and_belongs_to_no_check(routed: Flow) -> None:
    source = FakeSource({"light": "steady", "power-on": Y, "cable-type": "usb",
                         "cable-in": Y, "paper-state": "full"})
    result = run(routed, source)
    assert source.asked[0] == "light"
    assert source.positions[0] == (0, 3, "triage")
    assert [q.answer for q in result.triage] == ["steady"]
    assert [q.passed for q in result.triage] == [None]
    assert [c.check.id for c in result.checks] == ["power", "cable", "paper"]
    assert result.outcome is Outcome.NO_PROBLEM_FOUND


def test_a_choice_with_a_check_asks_that_check_next(routed: Flow) -> None:
    source = FakeSource({"light": "orange", "power-on": Y, "cable-type": "usb",
                         "cable-in": Y, "paper-state": "jammed", "paper-cover": N})
    result = run(routed, source)
    assert source.asked == ["light", "paper-state", "paper-cover", "power-on", "cable-type",
                            "cable-in"]
    # Numbered in the order asked: the routed check is check 1.
    assert source.positions[1] == (1, 3, "Paper")
    assert [c.check.id for c in result.checks] == ["paper", "power", "cable"]
    assert statuses(result) == {"paper": "failed", "power": "passed", "cable": "passed"}
    assert result.checks[0].remediation == ("Load paper.", "Open it.")


def test_a_choice_inside_a_check_routes_too(routed: Flow) -> None:
    source = FakeSource({"light": "steady", "power-on": Y, "cable-type": "wifi",
                         "paper-state": "full"})
    result = run(routed, source)
    assert source.asked == ["light", "power-on", "cable-type", "paper-state"]
    # cable-in is only for USB: not asked, and the check still passes.
    cable = next(c for c in result.checks if c.check.id == "cable")
    assert [(q.question.id, q.answer) for q in cable.questions] == [
        ("cable-type", "wifi"), ("cable-in", None)]
    assert cable.status is Status.PASSED


def test_a_run_of_chosen_checks_asks_no_triage(routed: Flow) -> None:
    source = FakeSource({"light": "orange", "power-on": N})
    result = run(routed, source, only={"power"})
    # --only chose where to look: the triage, which chooses the same, is not asked.
    assert source.asked == ["power-on"]
    assert [(q.question.id, q.answer) for q in result.triage] == [("light", None)]
    assert [c.check.id for c in result.checks] == ["power", "cable", "paper"]
    assert statuses(result) == {"power": "failed", "cable": "not_run", "paper": "not_run"}


def test_a_condition_on_a_list_of_choices_means_any_of_them(routed: Flow) -> None:
    for state, asked in (("empty", True), ("jammed", True), ("full", False)):
        source = FakeSource({"light": "steady", "power-on": Y, "cable-type": "wifi",
                             "paper-state": state, "paper-cover": Y})
        run(routed, source)
        assert ("paper-cover" in source.asked) is asked, state


def test_not_sure_on_a_routing_choice_routes_nowhere(routed: Flow) -> None:
    source = FakeSource({"light": S, "power-on": Y, "cable-type": "usb", "cable-in": Y,
                         "paper-state": S})
    result = run(routed, source)
    assert [c.check.id for c in result.checks] == ["power", "cable", "paper"]
    # Not sure about the tray: the cover question went unasked because of it.
    assert statuses(result)["paper"] == "skipped"


def test_stopping_in_the_triage_keeps_what_was_answered(routed: Flow) -> None:
    source = FakeSource({}, stop_at="light")
    with pytest.raises(SessionInterrupted) as caught:
        run(routed, source)
    partial = caught.value.partial
    assert partial.outcome is Outcome.INTERRUPTED
    assert [c.status for c in partial.checks] == [Status.NOT_REACHED] * 3
    assert partial.answers() == {}
