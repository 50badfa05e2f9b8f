"""The question kinds registry: each kind answers for itself, and keys are assigned so a
person can pick a choice with one key press."""

from __future__ import annotations

import inspect

import pytest

from icloud_fix import kinds
from icloud_fix.flow import Choice, Question
from icloud_fix.kinds import QuestionKind
from icloud_fix.kinds.choice import ChoiceSpec, keys
from icloud_fix.kinds.yes_no import YesNoSpec


def choice_question(*labels: str) -> Question:
    choices = tuple(Choice(f"c-{n}", label) for n, label in enumerate(labels))
    return Question("q", "Pick one", None, "Fix it.", (), 1, ChoiceSpec(choices, ("c-0",)))


@pytest.mark.parametrize("name", sorted(kinds.KINDS))
def test_every_kind_does_all_a_kind_must(name: str) -> None:
    kind = kinds.KINDS[name]
    needed = [n for n, _ in inspect.getmembers(QuestionKind, inspect.isfunction)
              if not n.startswith("_")]
    assert needed, "the protocol names what a kind does"
    missing = [n for n in needed if not callable(getattr(kind, n, None))]
    assert missing == []
    assert kind.name == name and kind.doc


def test_choices_take_the_first_letter_of_their_labels_when_those_differ() -> None:
    question = choice_question("Up to date", "Paused", "Waiting")
    assert keys(question.spec.choices) == ["u", "p", "w"]
    assert [o.key for o in kinds.asking(question).options] == ["u", "p", "w"]


@pytest.mark.parametrize("labels", [
    ("Paused: Low Power Mode", "Paused: Low Battery"),  # the same first letter
    ("Syncing", "Up to date"),  # s is "not sure"
    ("Help me", "Other"),  # h is "explain"
    ("5 GB left", "Full"),  # not a letter
])
def test_choices_are_numbered_when_their_labels_do_not_allow_letters(labels) -> None:
    assert keys(choice_question(*labels).spec.choices) == ["1", "2"]


def test_more_than_nine_numbered_choices_are_picked_with_the_arrows() -> None:
    question = choice_question(*[f"Same {n}" for n in range(11)])
    assert keys(question.spec.choices) == [*"123456789", None, None]


def test_a_choice_answer_is_its_id_and_reads_as_its_label() -> None:
    question = choice_question("Up to date", "Paused")
    assert kinds.parse(question, " C-1 ") == "c-1"
    assert kinds.parse(question, "paused") is None  # a label is not an id
    assert kinds.parse(question, "skip") == "skip"
    assert kinds.label(question, "c-1") == "Paused"
    assert kinds.label(question, "skip") == "not sure"
    assert kinds.judge(question, "c-0") is True
    assert kinds.judge(question, "c-1") is False
    assert kinds.judge(question, "skip") is None


def test_a_yes_no_answer_takes_every_spelling_of_the_table() -> None:
    question = Question("q", "On?", None, "Fix.", (), 1, YesNoSpec("yes"))
    for word, answer in (("Y", "yes"), ("true", "yes"), ("n", "no"), ("FALSE", "no"),
                         ("s", "skip"), ("skip", "skip")):
        assert kinds.parse(question, word) == answer
    assert kinds.parse(question, "maybe") is None


def test_a_number_answer_is_one_plain_decimal_and_reads_with_its_unit() -> None:
    from icloud_fix.kinds.number import NumberSpec

    question = Question("q", "Free?", None, "Fix.", (), 1, NumberSpec("GB", 2.0, 50.0))
    assert kinds.parse(question, " 02.50 ") == "2.5"
    assert kinds.parse(question, "100") == "100"
    for word in ("nan", "inf", "1e3", "-1", "+1", "1,5", ".5", "1.", "1" * 10, "٣"):
        assert kinds.parse(question, word) is None, word
    assert kinds.label(question, "0.5") == "0.5 GB"
    assert [kinds.judge(question, a) for a in ("1.99", "2", "50", "50.01")] == [
        False, True, True, False]
