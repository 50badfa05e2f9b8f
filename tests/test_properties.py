"""Property-based tests: generated flows, answers and flags never break the tool, and the
engine's results always agree with the answers given."""

from __future__ import annotations

import string
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import flows, invoke
from icloud_fix.answers import GivenAnswers, ScriptedAnswers
from icloud_fix.engine import CheckResult, Outcome, Position, Status, run
from icloud_fix.errors import InputFileError
from icloud_fix.flow import Answer, Flow
from icloud_fix.flowfile.loader import load_builtin, load_text

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# -- anything at all: it loads, or fails with the project's own error -----------------

KEYS = ["format", "id", "title", "version", "checks", "questions", "prompt", "pass_answer",
        "remediation", "informational", "when", "help", "description", "x"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=20), st.sampled_from(["yes", "no", "on", "q-1", "c-1", "1"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children,
                        max_size=6),
    ),
    max_leaves=40,
)


@SETTINGS
@given(documents)
def test_any_yaml_document_loads_or_is_refused_cleanly(document: Any) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        load_text(text, "generated.yaml")
    except InputFileError as exc:
        assert exc.problems and all(str(p).startswith("generated.yaml") for p in exc.problems)


@SETTINGS
@given(st.text(alphabet=string.printable + "\x00\x1b\u202e\ufeff€", max_size=300))
def test_any_text_loads_or_is_refused_cleanly(text: str) -> None:
    try:
        load_text(text, "generated.yaml")
    except InputFileError as exc:
        assert exc.problems


# -- valid flows and complete answer sets: the results are consistent ----------------

class FixedAfter(ScriptedAnswers):
    """Scripted answers that report the problem solved after the nth failed check."""

    def __init__(self, given: dict[str, str], nth: int | None) -> None:
        super().__init__(GivenAnswers(given))
        self.nth = nth
        self.failures = 0

    def fixed_now(self, result: CheckResult, position: Position) -> bool:
        self.failures += 1
        return self.failures == self.nth


@SETTINGS
@given(flows(), st.data(), st.one_of(st.none(), st.integers(1, 3)))
def test_results_agree_with_the_answers(document: dict[str, Any], data: st.DataObject,
                                        fixed_after: int | None) -> None:
    flow: Flow = load_text(yaml.safe_dump(document), "generated.yaml")
    words = [Answer.YES, Answer.NO, Answer.SKIP]
    answers = {qid: data.draw(st.sampled_from(words)) for qid in flow.question_ids()}
    source = FixedAfter(answers, fixed_after)
    result = run(flow, source)
    assert source.missing == []

    given: dict[str, Answer] = {}
    undecided: set[str] = set()
    stopped = False
    for check_result in result.checks:
        if stopped:
            assert check_result.status is Status.NOT_REACHED
            assert all(q.answer is None for q in check_result.questions)
            continue
        for q in check_result.questions:
            reached = all(given.get(c.question) in c.answers for c in q.question.when)
            # A question is asked exactly when its condition holds; then it has its answer.
            assert (q.answer is not None) == reached
            if reached:
                assert q.answer == answers[q.question.id]
                given[q.question.id] = q.answer
            elif any(given.get(c.question) == Answer.SKIP or c.question in undecided
                     for c in q.question.when):
                undecided.add(q.question.id)
        failing = [q for q in check_result.questions if q.answer is not None
                   and getattr(q.question.spec, "pass_answer", None) is not None
                   and q.answer != Answer.SKIP
                   and q.answer != q.question.spec.pass_answer]
        skipped = any(q.answer == Answer.SKIP or q.question.id in undecided
                      for q in check_result.questions)
        expected = Status.FAILED if failing else Status.SKIPPED if skipped else Status.PASSED
        if expected is Status.PASSED and all(q.answer is None
                                             for q in check_result.questions):
            expected = Status.NOT_RUN  # no question applied: nothing was checked
        if check_result.check.id == result.resolved_by:
            expected = Status.FIXED  # failed, and its fix solved the problem
        assert check_result.status is expected
        assert check_result.remediation == tuple(q.question.remediation for q in failing)
        if check_result.check.id == result.resolved_by:
            stopped = True

    failed = any(c.status is Status.FAILED for c in result.checks)
    ran = [c for c in result.checks if c.status is not Status.NOT_RUN]
    unsure = not ran or any(c.status is not Status.PASSED for c in ran)
    if result.resolved_by is not None:
        assert result.outcome is Outcome.RESOLVED and result.exit_code == 0
    elif failed:
        assert result.outcome is Outcome.PROBLEMS_FOUND and result.exit_code == 1
    elif unsure:
        assert result.outcome is Outcome.INCONCLUSIVE and result.exit_code == 3
    else:
        assert result.outcome is Outcome.NO_PROBLEM_FOUND and result.exit_code == 0


# -- generated --answer flags: exit 0, 1 or 2 and never a traceback -------------------

QUESTION_IDS = load_builtin().question_ids()
flag_values = st.one_of(
    st.builds(lambda qid, value: f"{qid}={value}", st.sampled_from(QUESTION_IDS),
              st.sampled_from(["yes", "no", "y", "N", "TRUE", "false", "skip", "maybe", ""])),
    st.text(max_size=30),
)


@SETTINGS
@given(st.lists(flag_values, max_size=14), st.sampled_from(["text", "json", "markdown"]))
def test_any_answer_flags_give_a_clean_exit(flags: list[str], output_format: str) -> None:
    args = ["--non-interactive", "--format", output_format]
    for flag in flags:
        args += ["--answer", flag]
    result = invoke(*args)  # an exception here would fail the test
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 2:
        assert result.stdout == "" and result.stderr.strip()
        assert all(line.startswith("icloud-fix: ") for line in result.stderr.splitlines())
