"""Building a ``Flow`` from a file read against the declaration, and checking what a
schema cannot: references between the parts of the flow (unique ids, conditions on
earlier questions, choices and checks that exist)."""

from __future__ import annotations

import dataclasses
from typing import Any

from icloud_fix import kinds
from icloud_fix.errors import InputFileError, Problem
from icloud_fix.flow import Check, Condition, Flow, Question
from icloud_fix.flowfile import declaration, variants
from icloud_fix.flowfile.fields import INVALID, Fields, Reader
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, Sequence, Value
from icloud_fix.safe_text import one_line

DEFAULT_AFTER_FIX_QUESTION = "Is the problem solved now?"


class FlowBuilder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.reader = Reader(source)
        # Every id given so far: (line, "check" or "question").
        self.ids: dict[str, tuple[int, str]] = {}
        self.earlier: dict[str, Question] = {}
        self.check_ids: set[str] = set()
        self.written_questions: dict[str, int] = {}
        # Choices' answers, checked once every question is read: (question id, choice
        # id, [(question named, line, answer as written)]).
        self.choice_answers: list[tuple[str, str, list[tuple[str, int, Any]]]] = []
        # Choices that send the session to a check: (choice id, check named, line of
        # 'check', the check the choice's question is in: None in the triage).
        self.routes: list[tuple[str, str, int, str | None]] = []
        self.current_check: str | None = None

    def problem(self, line: int | None, message: str) -> None:
        self.reader.problem(line, message)

    def flow(self, document: Value | None) -> Flow:
        if document is None:
            raise InputFileError([Problem(self.source, None, "is empty; a flow needs format, "
                                          "id, title, version and checks")])
        if isinstance(document, Mapping) and "format" in document.entries:
            probe = Reader(self.source)
            fmt = declaration.FLOW.fields[0].type.read(document.entries["format"].value,
                                                       "format", probe)
            self.reader.format = None if fmt is INVALID else fmt
        read = declaration.FLOW.read(document, "the flow", self.reader)
        if read is INVALID:
            raise InputFileError(self.reader.problems)
        values = read.values
        self.check_variants(read)
        self.written_questions = _question_lines(read.nodes)
        checks_read = [c for c in values.get("checks", []) if c is not INVALID]
        self.check_ids = {c.values["id"] for c in checks_read if "id" in c.values}
        triage = tuple(q for q in (self.question(item) for item in values.get("triage", [])
                                   if item is not INVALID) if q is not None)
        checks = tuple(c for c in (self.check(item) for item in checks_read) if c is not None)
        triage, checks = self.answered_by_choices(triage, checks)
        self.routes_ask_conditions_first(checks)
        if self.reader.problems:
            problems = sorted(self.reader.problems, key=lambda p: p.line or 0)
            raise InputFileError(problems)
        return Flow(
            format=values["format"],
            id=values["id"],
            title=values["title"],
            version=one_line(values["version"]),
            description=values.get("description"),
            after_fix_question=values.get("after_fix_question") or DEFAULT_AFTER_FIX_QUESTION,
            escalation=values.get("escalation"),
            checked_against=values.get("checked_against"),
            checks=checks,
            source=self.source,
            service_status=tuple(s for s in values.get("service_status", ())
                                 if s is not INVALID),
            triage=triage,
        )

    def claim(self, ident: str | None, line: int, what: str) -> bool:
        if ident is None:
            return False
        if ident in self.ids:
            first, first_what = self.ids[ident]
            self.problem(line, f"duplicate id '{ident}': a {what} id must be unique in the "
                         f"flow, and line {first} already gives it to a {first_what}")
            return False
        self.ids[ident] = (line, what)
        return True

    def check(self, read: Fields) -> Check | None:
        values = read.values
        claimed = self.claim(values.get("id"), read.key_lines.get("id", read.line), "check")
        self.current_check = values.get("id")
        questions = [q for q in (self.question(item) for item in values.get("questions", [])
                                 if item is not INVALID) if q is not None]
        self.current_check = None
        if not claimed or "title" not in values or not questions:
            return None
        return Check(values["id"], values["title"], tuple(questions), read.line)

    def question(self, read: Fields) -> Question | None:
        values = read.values
        qid = values.get("id")
        before = len(self.reader.problems)
        self.claim(qid, read.key_lines.get("id", read.line), "question")
        kind = kinds.KINDS[values.get("kind", kinds.DEFAULT)]
        fields: dict[str, Any] = {
            "id": qid or "", "prompt": values.get("prompt", ""), "help": values.get("help"),
            "remediation": values.get("remediation"), "when": (),
            "verify": values.get("verify"), "line": read.line,
            "spec": kind.build(values, informational=bool(values.get("informational"))),
        }
        fields["when"] = self.conditions(values.get("when", ()), qid)
        self.check_variants(read)
        for choice_read in values.get("choices", ()):
            if choice_read is not INVALID:
                self.check_variants(choice_read)
        question = Question(**fields)
        for message in kind.references(question):
            self.problem(read.line, message)
        for choice_read in values.get("choices", ()):
            if (choice_read is not INVALID and choice_read.values.get("answers")
                    and qid is not None and "id" in choice_read.values):
                self.choice_answers.append((qid, choice_read.values["id"], [
                    (name, line, wanted) for name, line, wanted, _node
                    in choice_read.values["answers"]]))
            check = choice_read.values.get("check") if choice_read is not INVALID else None
            if check is not None and check not in self.check_ids:
                self.problem(choice_read.key_lines["check"],
                             f"'check' names '{check}', which is not a check in this flow"
                             f"{self.reader.did_you_mean(check, self.check_ids)}")
            elif check is not None and "id" in choice_read.values:
                self.routes.append((choice_read.values["id"], check,
                                    choice_read.key_lines["check"], self.current_check))
        if qid is not None:
            self.earlier.setdefault(qid, question)
        if len(self.reader.problems) > before or qid is None or "prompt" not in values:
            return None
        return question

    def check_variants(self, read: Fields) -> None:
        """The version tags of every text of a question (or choice, or the flow) can be
        read (flowfile.variants)."""
        for key, value in read.values.items():
            if isinstance(value, str) and "[" in value:
                for message in variants.problems(value):
                    self.problem(read.key_lines.get(key, read.line), f"'{key}': {message}")

    def answered_by_choices(self, triage: tuple[Question, ...], checks: tuple[Check, ...]
                            ) -> tuple[tuple[Question, ...], tuple[Check, ...]]:
        """Check what each choice's ``answers`` names (a later question, an answer it
        takes) and keep the answers as the words the engine uses."""
        order = [q for q in triage] + [q for c in checks for q in c.questions]
        place = {q.id: i for i, q in enumerate(order)}
        settled: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        for qid, choice_id, named in self.choice_answers:
            if qid not in place:
                continue  # the question has problems of its own, already said
            kept: list[tuple[str, str]] = []
            for name, line, wanted in named:
                target = order[place[name]] if name in place else None
                if name == qid:
                    self.problem(line, f"'answers' names the question '{name}' itself")
                    continue
                if target is None or place[name] < place[qid]:
                    where = ("which comes before it; a choice can only answer a question "
                             "asked after it" if target is not None else
                             "which is not a question in this flow"
                             + self.reader.did_you_mean(name, place))
                    self.problem(line, f"'answers' names '{name}', {where}")
                    continue
                answers = kinds.of(target).condition(target, wanted)
                if isinstance(answers, str) or len(answers) != 1:
                    why = answers if isinstance(answers, str) else "give one answer"
                    self.problem(line, f"'answers': {why}")
                    continue
                kept.append((name, answers[0]))
            settled[(qid, choice_id)] = tuple(kept)
        if not settled:
            return triage, checks

        from icloud_fix.kinds.choice import ChoiceSpec

        def with_answers(question: Question) -> Question:
            spec = question.spec
            if not isinstance(spec, ChoiceSpec) or not any(
                    (question.id, c.id) in settled for c in spec.choices):
                return question
            return dataclasses.replace(question, spec=dataclasses.replace(spec, choices=tuple(
                dataclasses.replace(c, answers=settled.get((question.id, c.id), ()))
                for c in spec.choices)))

        return (tuple(with_answers(q) for q in triage),
                tuple(_with_questions(c, with_answers) for c in checks))

    def routes_ask_conditions_first(self, checks: tuple[Check, ...]) -> None:
        """A choice that sends the session to a check asks that check before the checks
        between: a question there whose condition names one of those would not be asked
        (nothing known to decide it) and the check would pass with nothing asked."""
        order = [c.id for c in checks]
        of_check = {q.id: c.id for c in checks for q in c.questions}
        for choice_id, target, line, home in self.routes:
            check = next((c for c in checks if c.id == target), None)
            if check is None:
                continue
            # Checks asked before the routed one: those up to the choice's own.
            asked = set(order[:order.index(home) + 1]) if home in order else set()
            for question in check.questions:
                late = [(c.question, of_check[c.question]) for c in question.when
                        if of_check.get(c.question) not in (None, target, *asked)]
                if late:
                    name, other = late[0]
                    self.problem(line, f"choice '{choice_id}' sends the session to check "
                                 f"'{target}' next, but its question '{question.id}' is "
                                 f"asked only when '{name}' has an answer, and '{name}' "
                                 f"(check '{other}') is not asked by then; ask '{name}' in "
                                 f"the triage or in '{target}', or leave out this 'check'")
                    break

    def conditions(self, read: list[tuple[str, int, Any, Value]], qid: str | None
                   ) -> tuple[Condition, ...]:
        conditions: list[Condition] = []
        for name, line, wanted, _node in read:
            if name == qid:
                self.problem(line, f"'when' names the question '{name}' itself")
                continue
            target = self.earlier.get(name)
            if target is None:
                later = self.written_questions.get(name)
                if later is not None:
                    reason = f"which is asked later (line {later})"
                else:
                    hint = self.reader.did_you_mean(name, self.earlier)
                    reason = f"which is not a question in this flow{hint}"
                self.problem(line, f"'when' names '{name}', {reason}; a condition can only "
                             f"use the answer to an earlier question")
                continue
            answers = kinds.of(target).condition(target, wanted)
            if isinstance(answers, str):
                self.problem(line, f"'when': {answers}")
                continue
            conditions.append(Condition(name, answers))
        return tuple(conditions)


def _with_questions(check: Check, change: Any) -> Check:
    """check with each question passed through change."""
    return dataclasses.replace(check, questions=tuple(change(q) for q in check.questions))


def _question_lines(nodes: dict[str, Value]) -> dict[str, int]:
    """Every question id written in the file, with its line, valid or not."""
    lines: dict[str, int] = {}

    def questions_of(node: Value | None) -> list[Value]:
        return node.items if isinstance(node, Sequence) else []

    found = list(questions_of(nodes.get("triage")))
    for check in questions_of(nodes.get("checks")):
        entry = check.entries.get("questions") if isinstance(check, Mapping) else None
        if entry is not None:
            found += questions_of(entry.value)
    for question in found:
        entry = question.entries.get("id") if isinstance(question, Mapping) else None
        if entry is not None and isinstance(entry.value, Scalar):
            lines.setdefault(entry.value.text, entry.value.line)
    return lines
