"""Answers given ahead of time: ``--answer ID=VALUE`` flags and ``--answers FILE``, and the
answer source that plays them back to the engine."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from icloud_fix import kinds
from icloud_fix.engine import (
    AnswerSource,
    CheckResult,
    Fix,
    Origin,
    Position,
    Reply,
    SessionResult,
)
from icloud_fix.errors import InputFileError, Problem
from icloud_fix.flow import Flow, Question
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, describe, parse, read_text
from icloud_fix.safe_text import one_line, shell_word, shorten
from icloud_fix.spelling import did_you_mean

LIST_HINT = "'icloud-fix list' shows every question id"
# Unknown ids past this many get no "did you mean": each one costs a comparison with
# every id of the flow.
_SUGGESTIONS = 20


@dataclass(frozen=True)
class GivenAnswers:
    """Answers given ahead, by question id, with where each came from."""

    answers: dict[str, str] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)

    def __or__(self, later: GivenAnswers) -> GivenAnswers:
        """These answers, with ``later`` winning where both answer a question."""
        return GivenAnswers({**self.answers, **later.answers}, {**self.origins, **later.origins})


class _Questions:
    """The flow's questions by id, and the messages for answers that do not fit them."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.by_id = {q.id: q for q in flow.all_questions()}
        self._suggested = 0

    def unknown(self, qid: str) -> str:
        self._suggested += 1
        check = self.flow.check(qid)
        if check is not None:
            ids = ", ".join(q.id for q in check.questions)
            return (f"'{qid}' is a check, not a question; its questions are {ids}")
        hint = did_you_mean(qid, list(self.by_id)) if self._suggested <= _SUGGESTIONS else ""
        return f"unknown question id '{shorten(qid)}'{hint}; {LIST_HINT}"

    def refusal(self, question: Question, word: str) -> str:
        """Why word is no answer for question, with the answers it takes."""
        kind = kinds.of(question)
        ids = [o.value for o in kind.options(question)]
        hint = did_you_mean(word.strip().lower(), ids) if question.kind != "yes_no" else ""
        return (f"{shorten(word)!r} is not an answer for '{question.id}'{hint}; use "
                f"{kind.accepted(question)}")


def _example(flow: Flow) -> tuple[str, str]:
    """The flow's first question and an answer it takes, for a message's example: a
    choice question's first choice id, not "yes"."""
    question = next(flow.all_questions())
    return question.id, kinds.of(question).options(question)[0].value


def parse_flags(flags: list[str], flow: Flow) -> GivenAnswers:
    """Answers from repeated ``--answer ID=VALUE`` flags; the last one for an id wins."""
    questions = _Questions(flow)
    answers: dict[str, str] = {}
    problems: list[Problem] = []
    for flag in flags:
        qid, sep, word = flag.partition("=")
        qid = qid.strip()
        if not sep or not qid:
            example = "=".join(_example(flow))
            problems.append(Problem("--answer", None, f"'{shorten(flag)}' must look like "
                                    f"ID=VALUE, for example --answer {example}"))
            continue
        question = questions.by_id.get(qid)
        if question is None:
            problems.append(Problem("--answer", None, questions.unknown(qid)))
            continue
        answer = kinds.parse(question, word)
        if answer is None:
            problems.append(Problem("--answer", None, questions.refusal(question, word)))
            continue
        answers[qid] = answer
    if problems:
        raise InputFileError(problems)
    return GivenAnswers(answers, dict.fromkeys(answers, Origin.FLAG))


def load_file(path: Path, flow: Flow) -> GivenAnswers:
    """Answers from a YAML or JSON mapping of question id to answer."""
    source = str(path)
    document = parse(read_text(path, source), source)
    if document is None:
        return GivenAnswers()
    if not isinstance(document, Mapping):
        raise InputFileError([Problem(source, document.line, (
            f"must be a mapping of question id to answer, such as "
            f"'{': '.join(_example(flow))}'; found {describe(document)}"))])
    questions = _Questions(flow)
    answers: dict[str, str] = {}
    problems: list[Problem] = []
    for qid, entry in document.entries.items():
        question = questions.by_id.get(qid)
        if question is None:
            problems.append(Problem(source, entry.key_line, questions.unknown(qid)))
            continue
        value = entry.value
        # YAML 1.1 reads yes/no/on/off as booleans; we go by the words as written,
        # so 'on' is refused rather than silently taken for yes, and a choice id that
        # YAML reads as a number or null ('1', 'null') is still that choice.
        answer = None
        if isinstance(value, Scalar):
            answer = kinds.parse(question, value.text)
        if answer is None:
            word = value.text if isinstance(value, Scalar) else describe(value)
            problems.append(Problem(source, value.line, questions.refusal(question, word)))
            continue
        answers[qid] = answer
    if problems:
        raise InputFileError(problems)
    return GivenAnswers(answers, dict.fromkeys(answers, Origin.FILE))


def dump(result: SessionResult) -> str:
    """The answers given, as a YAML file that --answers reads back, in the order asked."""
    flow = result.flow
    lines = [f"# Answers for {flow.id} {one_line(flow.version)} ({one_line(flow.title)})",
             "# Run again with: icloud-fix --answers THIS-FILE"]
    lines += [f"{qid}: {answer}" for qid, answer in result.answers().items()]
    return "\n".join(lines) + "\n"


class ScriptedAnswers:
    """Answers from flags, files and a resumed session; asks ``fallback`` (a prompter)
    for the rest, if any.

    Without a fallback, a question with no answer is recorded in ``missing`` and
    treated as skipped, so one run can name every missing id at once.
    """

    def __init__(
        self,
        given: GivenAnswers,
        fallback: AnswerSource | None = None,
        resolved_by: str | None = None,
        not_fixed: Collection[str] = (),
        waiting: Collection[str] = (),
        suggest: Callable[[Question], Reply | None] | None = None,
    ) -> None:
        self.given = given
        self.fallback = fallback
        # --auto: a reading from the iPhone answers what nothing else did.
        self.suggest = suggest
        self.missing: list[str] = []
        # "Does it work now?" answered ahead: yes after this check's fix (--resolved-by),
        # no after these (a resumed session, where the person already said so).
        self.resolved_by = resolved_by
        self.not_fixed: set[str] = set(not_fixed)
        self.waiting: set[str] = set(waiting)  # "not yet": the fix takes time

    def known(self, question: Question) -> Reply | None:
        """The answer given ahead for a question, without asking anyone."""
        if question.id not in self.given.answers:
            return None
        return Reply(self.given.answers[question.id],
                     self.given.origins.get(question.id, Origin.FLAG))

    def ask(self, question: Question, position: Position) -> str | Reply:
        if question.id in self.given.answers:
            return Reply(self.given.answers[question.id],
                         self.given.origins.get(question.id, Origin.FLAG))
        if self.fallback is not None:
            return self.fallback.ask(question, position)
        suggestion = self.suggest(question) if self.suggest is not None else None
        if suggestion is not None:
            return suggestion
        self.missing.append(question.id)
        return "skip"

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        check = result.check.id
        if check == self.resolved_by:
            return Fix.WORKED
        if check in self.waiting:
            return Fix.NOT_YET  # said before the session was resumed
        if check in self.not_fixed:
            return Fix.DID_NOT_WORK  # the person said so before the session was resumed
        if self.fallback is None:
            return Fix.NOT_ASKED
        fixed = self.fallback.fixed_now(result, position)
        fixed = Fix.WORKED if fixed is True else Fix.DID_NOT_WORK if fixed is False else fixed
        if fixed is Fix.NOT_YET:
            self.waiting.add(check)
        elif fixed is not Fix.WORKED:
            self.not_fixed.add(check)
        return fixed


def replay_command(
    result: SessionResult,
    steps: str | None = None,
    only: Collection[str] | None = None,
    scripted: bool = True,
) -> str:
    """The icloud-fix command that gives the same statuses and outcome without a
    question: every answer as --answer, in the order asked, quoted for the shell."""
    words = ["icloud-fix"]
    if scripted:
        words.append("--non-interactive")
    if steps is not None:
        words += ["--steps", steps]
    if only is not None:
        words += ["--only", ",".join(c for c in result.flow.check_ids() if c in only)]
    words += [f"--answer={qid}={answer}" for qid, answer in result.answers().items()]
    if result.resolved_by is not None:
        words += ["--resolved-by", result.resolved_by]
    return " ".join(shell_word(word) for word in words)
