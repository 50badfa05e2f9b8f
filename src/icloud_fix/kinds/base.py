"""What every question kind is (the QuestionKind protocol), the answers a person picks
from (Option) and how a question is asked (Asking): the registry in
``kinds/__init__.py`` names the kinds, and each kind's module imports only this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from icloud_fix.flow import KindSpec, Question, Suggest
    from icloud_fix.flowfile.fields import Condition, Field, Rule


@dataclass(frozen=True)
class Option:
    """One answer a person can pick: what it is saved as, what it says, its key."""

    value: str
    label: str
    key: str | None
    help: str | None = None


class Style(str, Enum):
    """How a person answers: y or n; a pick from a list of options; a typed value."""

    YES_OR_NO = "yes-no"
    PICK = "pick"
    TYPED = "typed"


@dataclass(frozen=True)
class Asking:
    """How a question is asked, the one description every front end reads: the rich and
    plain prompters, scripted answers' messages, `list` and the reports.

    ``options`` are what a person picks from (none for a typed answer; "not sure" is
    added by the prompters); ``accepts`` says in words what an answer may be;
    ``example`` is one answer it takes; ``hint`` (typed answers) is shown with the
    question, e.g. "a number, in GB".
    """

    style: Style
    options: tuple[Option, ...]
    accepts: str
    example: str
    hint: str | None = None

    def describe(self) -> dict[str, Any]:
        """As `list --format json` shows it."""
        return {"style": self.style.value, "accepts": self.accepts,
                **({"hint": self.hint} if self.hint else {})}


class QuestionKind(Protocol):
    name: str
    doc: str

    @property
    def spec_type(self) -> type[KindSpec]:
        """The frozen dataclass of this kind's own fields (a question's ``spec``)."""
        ...

    def fields(self) -> tuple[Field, ...]:
        """The keys a question of this kind adds to the flow format."""
        ...

    def rules(self, this_kind: Condition, informational: Condition) -> tuple[Rule, ...]:
        """What a question of this kind needs, given when it is this kind and when it
        is informational."""
        ...

    def build(self, values: dict[str, Any], informational: bool) -> KindSpec:
        """The question's spec, from the values read from the file (an informational
        question passes on nothing)."""
        ...

    def informational(self, question: Question) -> bool:
        """Whether it only sets up conditions or routes the session, never passing or
        failing."""
        ...

    def asking(self, question: Question) -> Asking:
        """How the question is asked and answered."""
        ...

    def pass_rule(self, question: Question) -> str | None:
        """What passes, in words after "passes " ("on yes", "at 2 GB or more"); None
        when informational."""
        ...

    def suggested_by(self, question: Question) -> Suggest | None:
        """The reading of a connected iPhone that suggests the answer, if any."""
        ...

    def texts(self, question: Question) -> tuple[str, ...]:
        """Its own texts a person reads besides the prompt and help (a choice's labels
        and help): these vary with the iPhone in hand like the prompt."""
        ...

    def with_texts(self, question: Question,
                   change: Callable[[str | None], str | None]) -> KindSpec:
        """Its spec with each of texts() changed (as the iPhone in hand needs it)."""
        ...

    def listing(self, question: Question) -> tuple[str, ...]:
        """Lines `list` shows under the question (a choice's id, label and check)."""
        ...

    def references(self, question: Question) -> list[str]:
        """Problems with ids this question refers to within itself (none if fine)."""
        ...

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        """The answers of this question a `when` value names, or why it cannot be."""
        ...

    def parse(self, question: Question, word: str) -> str | None:
        """An answer from a flag, an answers file, a typed line or a saved session."""
        ...

    def judge(self, question: Question, answer: str) -> bool | None:
        """Whether an answer passes (never asked of informational questions)."""
        ...

    def label(self, question: Question, answer: str) -> str:
        """The answer in words, for the text and Markdown reports."""
        ...

    def routes_to(self, question: Question, answer: str) -> str | None:
        """The check this answer sends the session to next, if any."""
        ...

    def settles(self, question: Question, answer: str) -> tuple[tuple[str, str], ...]:
        """The later questions this answer answers, each with its answer."""
        ...

    def describe(self, question: Question) -> dict[str, Any]:
        """What `list --format json` adds for a question of this kind."""
        ...

    def page_typed(self, question: Question) -> dict[str, Any] | None:
        """For a typed answer, how the web page (``icloud-fix page``) takes and judges
        it: ``{"parse": NAME, ...}``, NAME one of the page script's typed answers
        (``TYPED`` in ``page/page.js``). None for a kind whose answers are picked: the
        page is given each option's judgement, route and label."""
        ...


class PlainKind:
    """What a kind has nothing to add to, said once: no reading suggests its answers, it
    has no texts of its own beyond the question's, lists nothing more, refers to no
    other id, routes nowhere and settles nothing. A kind inherits these and writes only
    what it does differently."""

    def suggested_by(self, question: Question) -> Suggest | None:
        return None

    def texts(self, question: Question) -> tuple[str, ...]:
        return ()

    def with_texts(self, question: Question,
                   change: Callable[[str | None], str | None]) -> KindSpec:
        return question.spec

    def listing(self, question: Question) -> tuple[str, ...]:
        return ()

    def references(self, question: Question) -> list[str]:
        return []

    def routes_to(self, question: Question, answer: str) -> str | None:
        return None

    def settles(self, question: Question, answer: str) -> tuple[tuple[str, str], ...]:
        return ()

    def page_typed(self, question: Question) -> dict[str, Any] | None:
        return None
