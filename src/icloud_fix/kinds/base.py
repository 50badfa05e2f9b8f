"""What every question kind is (the QuestionKind protocol) and the answers a person
picks from (Option): the registry in ``kinds/__init__.py`` names the kinds, and each
kind's module imports only this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from icloud_fix.flow import Question
    from icloud_fix.flowfile.fields import Condition, Field, Rule


@dataclass(frozen=True)
class Option:
    """One answer a person can pick: what it is saved as, what it says, its key."""

    value: str
    label: str
    key: str | None
    help: str | None = None


class QuestionKind(Protocol):
    name: str
    doc: str

    def fields(self) -> tuple[Field, ...]:
        """The keys a question of this kind adds to the flow format."""
        ...

    def rules(self, this_kind: Condition, informational: Condition) -> tuple[Rule, ...]:
        """What a question of this kind needs, given when it is this kind and when it
        is informational."""
        ...

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        """The Question fields of this kind, from the values read from the file."""
        ...

    def references(self, question: Question) -> list[str]:
        """Problems with ids this question refers to within itself (none if fine)."""
        ...

    def condition(self, question: Question, wanted: Any) -> tuple[str, ...] | str:
        """The answers of this question a `when` value names, or why it cannot be."""
        ...

    def options(self, question: Question) -> tuple[Option, ...]:
        """The answers a person picks from ("not sure" is added by the prompters)."""
        ...

    def parse(self, question: Question, word: str) -> str | None:
        """An answer from a flag, an answers file, a typed line or a saved session."""
        ...

    def accepted(self, question: Question) -> str:
        """The answers parse() takes, for an error message."""
        ...

    def judge(self, question: Question, answer: str) -> bool | None:
        """Whether an answer passes; None for informational questions."""
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
