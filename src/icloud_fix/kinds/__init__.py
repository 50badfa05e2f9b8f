"""Question kinds: the one registry of how each kind of question is declared in a flow
file, asked, answered from flags and files, judged, saved and shown.

Each kind is a module here with one object that satisfies ``QuestionKind``; ``KINDS``
names them all. Adding a kind is one module, one line in ``KINDS``, and its tests:
the flow format, the prompters, the scripted answers and the reports ask the kind.
"""

from __future__ import annotations

from icloud_fix.flow import SKIP_WORDS, Answer, Question
from icloud_fix.kinds.base import Option, QuestionKind

__all__ = ["DEFAULT", "KINDS", "Option", "QuestionKind", "judge", "label", "of", "parse"]


def _registry() -> dict[str, QuestionKind]:
    from icloud_fix.kinds.choice import CHOICE
    from icloud_fix.kinds.yes_no import YES_NO

    return {kind.name: kind for kind in (YES_NO, CHOICE)}


KINDS: dict[str, QuestionKind] = _registry()
DEFAULT = "yes_no"


def of(question: Question) -> QuestionKind:
    return KINDS[question.kind]


def parse(question: Question, word: str) -> str | None:
    """An answer to any question: "not sure" in any kind, else what its kind takes."""
    if word.strip().lower() in SKIP_WORDS:
        return Answer.SKIP
    return of(question).parse(question, word)


def judge(question: Question, answer: str | None) -> bool | None:
    if answer is None or answer == Answer.SKIP or question.informational:
        return None
    return of(question).judge(question, answer)


def label(question: Question, answer: str) -> str:
    return "not sure" if answer == Answer.SKIP else of(question).label(question, answer)
