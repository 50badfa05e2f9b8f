"""Question kinds: the one registry of how each kind of question is declared in a flow
file, asked, answered from flags and files, judged, saved and shown.

Each kind is a module here with one object that satisfies ``QuestionKind`` and the
frozen dataclass of its own fields (a question's ``spec``); ``KINDS`` names them all.
Adding a kind is one module, one line in ``KINDS``, and its tests: the flow format,
the flow cache, the prompters, the scripted answers, ``list`` and the reports ask the
kind (``tests/test_kind_contract.py`` takes every kind through each of them).
"""

from __future__ import annotations

from icloud_fix.flow import SKIP_WORDS, Answer, KindSpec, Question, Suggest
from icloud_fix.kinds.base import Asking, Option, QuestionKind, Style

__all__ = ["DEFAULT", "KINDS", "Asking", "Option", "QuestionKind", "Style", "asking",
           "informational", "judge", "label", "of", "parse", "spec_types", "suggested_by"]


def _registry() -> dict[str, QuestionKind]:
    from icloud_fix.kinds.choice import CHOICE
    from icloud_fix.kinds.number import NUMBER
    from icloud_fix.kinds.yes_no import YES_NO

    return {kind.name: kind for kind in (YES_NO, CHOICE, NUMBER)}


KINDS: dict[str, QuestionKind] = _registry()
DEFAULT = "yes_no"


def of(question: Question) -> QuestionKind:
    return KINDS[question.kind]


def spec_types() -> tuple[type[KindSpec], ...]:
    """Every kind's spec class: what a question's ``spec`` may be."""
    return tuple(kind.spec_type for kind in KINDS.values())


def asking(question: Question) -> Asking:
    return of(question).asking(question)


def informational(question: Question) -> bool:
    return of(question).informational(question)


def suggested_by(question: Question) -> Suggest | None:
    return of(question).suggested_by(question)


def parse(question: Question, word: str) -> str | None:
    """An answer to any question: "not sure" in any kind, else what its kind takes."""
    if word.strip().lower() in SKIP_WORDS:
        return Answer.SKIP
    return of(question).parse(question, word)


def judge(question: Question, answer: str | None) -> bool | None:
    if answer is None or answer == Answer.SKIP or informational(question):
        return None
    return of(question).judge(question, answer)


def label(question: Question, answer: str) -> str:
    return "not sure" if answer == Answer.SKIP else of(question).label(question, answer)
