"""Answers given ahead of time: ``--answer ID=VALUE`` flags and ``--answers FILE``."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection
from pathlib import Path

from icloud_fix.engine import AnswerSource, CheckResult, Position, Reply, SessionResult
from icloud_fix.errors import InputFileError, Problem
from icloud_fix.flow import ACCEPTED_ANSWERS, Answer, Flow, Question, parse_answer
from icloud_fix.flowfile.loader import did_you_mean
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, describe, parse, read_text
from icloud_fix.safe_text import one_line, shorten

LIST_HINT = "'icloud-fix list' shows every question id"


def _unknown_id(qid: str, flow: Flow) -> str:
    return f"unknown question id '{qid}'{did_you_mean(qid, flow.question_ids())}; {LIST_HINT}"


def parse_flags(flags: list[str], flow: Flow) -> dict[str, Answer]:
    """Answers from repeated ``--answer ID=VALUE`` flags; the last one for an id wins."""
    known = set(flow.question_ids())
    answers: dict[str, Answer] = {}
    problems: list[Problem] = []
    for flag in flags:
        qid, sep, word = flag.partition("=")
        qid = qid.strip()
        if not sep or not qid:
            example = f"{flow.question_ids()[0]}=yes"
            problems.append(Problem("--answer", None, f"'{shorten(flag)}' must look like "
                                    f"ID=VALUE, for example --answer {example}"))
            continue
        if qid not in known:
            problems.append(Problem("--answer", None, _unknown_id(shorten(qid), flow)))
            continue
        answer = parse_answer(word)
        if answer is None:
            problems.append(Problem("--answer", None, f"'{shorten(word)}' is not an answer for "
                                    f"'{qid}'; use {ACCEPTED_ANSWERS}"))
            continue
        answers[qid] = answer
    if problems:
        raise InputFileError(problems)
    return answers


def load_file(path: Path, flow: Flow) -> dict[str, Answer]:
    """Answers from a YAML or JSON mapping of question id to yes/no/skip."""
    source = str(path)
    document = parse(read_text(path, source), source)
    if document is None:
        return {}
    if not isinstance(document, Mapping):
        raise InputFileError([Problem(source, document.line, (
            f"must be a mapping of question id to answer, such as "
            f"'{flow.question_ids()[0]}: yes'; found {describe(document)}"))])
    known = set(flow.question_ids())
    answers: dict[str, Answer] = {}
    problems: list[Problem] = []
    for qid, entry in document.entries.items():
        if qid not in known:
            problems.append(Problem(source, entry.key_line, _unknown_id(shorten(qid), flow)))
            continue
        value = entry.value
        # YAML 1.1 reads yes/no/on/off as booleans; we go by the words as written,
        # so 'on' is refused rather than silently taken for yes.
        answer = None
        if isinstance(value, Scalar) and value.kind in ("str", "bool"):
            answer = parse_answer(value.text)
        if answer is None:
            shown = repr(shorten(value.text)) if isinstance(value, Scalar) else describe(value)
            problems.append(Problem(source, value.line, (
                f"{shown} is not an answer for '{qid}'; use {ACCEPTED_ANSWERS}")))
            continue
        answers[qid] = answer
    if problems:
        raise InputFileError(problems)
    return answers


def dump(result: SessionResult) -> str:
    """The answers given, as a YAML file that --answers reads back, in flow order."""
    flow = result.flow
    lines = [f"# Answers for {flow.id} {one_line(flow.version)} ({one_line(flow.title)})",
             "# Run again with: icloud-fix --answers THIS-FILE"]
    lines += [f"{qid}: {answer.value}" for qid, answer in result.answers().items()]
    return "\n".join(lines) + "\n"


class ScriptedAnswers:
    """Answers from flags and files; asks ``fallback`` (a prompter) for the rest, if any.

    Without a fallback, a question with no answer is recorded in ``missing`` and
    treated as skipped, so one run can name every missing id at once.
    """

    def __init__(
        self,
        given: dict[str, Answer],
        fallback: AnswerSource | None = None,
        resolved_by: str | None = None,
        not_fixed: Collection[str] = (),
        origins: dict[str, str] | None = None,
        suggest: Callable[[Question], Reply | None] | None = None,
    ) -> None:
        self.given = given
        # Where each given answer came from ("flag", "file", or "prompt" for the
        # answers of a resumed session); flags when not said.
        self.origins = origins or {}
        self.fallback: AnswerSource | None = fallback
        # --auto: a reading from the iPhone answers what nothing else did.
        self.suggest = suggest
        self.missing: list[str] = []
        # "Does it work now?" answered ahead: yes after this check's fix (--resolved-by),
        # no after these (a resumed session, where the person already said so).
        self.resolved_by = resolved_by
        self.not_fixed: set[str] = set(not_fixed)

    def ask(self, question: Question, position: Position) -> Answer | Reply:
        if question.id in self.given:
            return Reply(self.given[question.id], self.origins.get(question.id, "flag"))
        if self.fallback is not None:
            return self.fallback.ask(question, position)
        suggestion = self.suggest(question) if self.suggest is not None else None
        if suggestion is not None:
            return suggestion
        self.missing.append(question.id)
        return Answer.SKIP

    def fixed_now(self, result: CheckResult, position: Position) -> bool:
        check = result.check.id
        if check == self.resolved_by:
            return True
        if check in self.not_fixed or self.fallback is None:
            return False
        fixed = self.fallback.fixed_now(result, position)
        if not fixed:
            self.not_fixed.add(check)
        return fixed


def replay_command(
    result: SessionResult,
    steps: str | None = None,
    only: Collection[str] | None = None,
    scripted: bool = True,
) -> str:
    """The icloud-fix command that gives the same statuses and outcome without a
    question: every answer as --answer, in flow order, quoted for the shell."""
    words = ["icloud-fix"]
    if scripted:
        words.append("--non-interactive")
    if steps is not None:
        words += ["--steps", steps]
    if only is not None:
        words += ["--only", ",".join(c for c in result.flow.check_ids() if c in only)]
    words += [f"--answer={qid}={answer.value}" for qid, answer in result.answers().items()]
    if result.resolved_by is not None:
        words += ["--resolved-by", result.resolved_by]
    return " ".join(shlex.quote(word) for word in words)
