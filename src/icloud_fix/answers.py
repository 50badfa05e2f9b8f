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
    Helped,
    Origin,
    Position,
    Reply,
    SessionResult,
)
from icloud_fix.errors import InputFileError, Problem
from icloud_fix.flow import Flow, Question
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, describe, parse, read_text
from icloud_fix.kinds import Style
from icloud_fix.safe_text import one_line, shell_word, shorten
from icloud_fix.spelling import did_you_mean

LIST_HINT = "'icloud-fix list' shows every question id"
# Unknown ids past this many get no "did you mean": each one costs a comparison with
# every id of the flow.
_SUGGESTIONS = 20


# The keys of an answers file that are not question ids (ids are kebab-case, so no
# question can have these names): the fixes tried, as --fix-tried and --resolved-by.
FIXES_KEY = "fixes_tried"
RESOLVED_KEY = "resolved_by"
# What --fix-tried and an answers file's fixes_tried take, and what each means.
HELPED_WORDS = {"no": Helped.NO, "not_yet": Helped.NOT_YET, "not-yet": Helped.NOT_YET}
HELPED_ACCEPTED = "no (tried, it did not help) or not_yet (tried, it takes time to show)"


@dataclass(frozen=True)
class GivenAnswers:
    """Answers given ahead, by question id, with where each came from, and the fixes
    already tried, by check id, with whether they helped."""

    answers: dict[str, str] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    fixes: dict[str, Helped] = field(default_factory=dict)

    def __or__(self, later: GivenAnswers) -> GivenAnswers:
        """These answers, with ``later`` winning where both answer a question."""
        return GivenAnswers({**self.answers, **later.answers}, {**self.origins, **later.origins},
                            {**self.fixes, **later.fixes})


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
        asking = kinds.asking(question)
        ids = [o.value for o in asking.options]
        hint = did_you_mean(word.strip().lower(), ids) if asking.style is Style.PICK else ""
        return (f"{shorten(word)!r} is not an answer for '{question.id}'{hint}; use "
                f"{asking.accepts}")


def _example(flow: Flow) -> tuple[str, str]:
    """The flow's first question and an answer it takes, for a message's example: a
    choice question's first choice id, not "yes"."""
    question = next(flow.all_questions())
    return question.id, kinds.asking(question).example


def parse_flags(flags: list[str], flow: Flow) -> GivenAnswers:
    """Answers from repeated ``--answer ID=VALUE`` flags; the last one for an id wins."""
    questions = _Questions(flow)
    answers: dict[str, str] = {}
    problems: list[Problem] = []
    for flag in flags:
        qid, sep, word = flag.partition("=")
        qid = qid.strip()
        question = questions.by_id.get(qid)
        if not sep and question is not None:  # a question named, with no answer
            asking = kinds.asking(question)
            problems.append(Problem("--answer", None, f"'{shorten(flag)}' must look like "
                                    f"ID=VALUE, for example --answer {question.id}="
                                    f"{asking.example}; {question.id} takes {asking.accepts}"))
            continue
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


def parse_fix_flags(flags: list[str], resolved_by: str | None, flow: Flow) -> GivenAnswers:
    """Fixes tried, from repeated ``--fix-tried CHECK=no|not_yet`` and ``--resolved-by
    CHECK`` (whose fix solved the problem)."""
    fixes: dict[str, Helped] = {}
    problems: list[Problem] = []
    for flag in flags:
        check, sep, word = flag.partition("=")
        check = check.strip()
        helped = HELPED_WORDS.get(word.strip().lower())
        problem = _fix_problem(flow, check, word, helped, sep == "=")
        if problem is not None:
            problems.append(Problem("--fix-tried", None, problem))
        elif helped is not None:
            fixes[check] = helped
    if resolved_by is not None:
        problem = _unknown_check(flow, resolved_by)
        if problem is not None:
            problems.append(Problem("--resolved-by", None, problem))
        else:
            fixes[resolved_by] = Helped.YES
    if problems:
        raise InputFileError(problems)
    return GivenAnswers(fixes=fixes)


def _unknown_check(flow: Flow, check: str) -> str | None:
    known = flow.check_ids()
    if check in known:
        return None
    return (f"unknown check id '{shorten(check)}'{did_you_mean(check, known)}; the checks "
            f"are {', '.join(known[:20])}{', ...' if len(known) > 20 else ''}")


def _fix_problem(flow: Flow, check: str, word: str, helped: Helped | None, has_sep: bool
                 ) -> str | None:
    if not has_sep or not check:
        return (f"'{shorten(check + ('=' if has_sep else '') + word)}' must look like "
                f"CHECK=no or CHECK=not_yet, for example --fix-tried {flow.check_ids()[0]}=no")
    unknown = _unknown_check(flow, check)
    if unknown is not None:
        return unknown
    if helped is None:
        return f"{shorten(word)!r} is not how a fix helped; use {HELPED_ACCEPTED}"
    return None


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
    fixes: dict[str, Helped] = {}
    problems: list[Problem] = []
    for qid, entry in document.entries.items():
        if qid in (FIXES_KEY, RESOLVED_KEY):
            problems += _file_fixes(source, flow, qid, entry.value, fixes)
            continue
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
    return GivenAnswers(answers, dict.fromkeys(answers, Origin.FILE), fixes)


def _file_fixes(source: str, flow: Flow, key: str, value: object,
                fixes: dict[str, Helped]) -> list[Problem]:
    """An answers file's ``resolved_by: CHECK`` or ``fixes_tried: {CHECK: no|not_yet}``,
    into fixes; the problems found."""
    line = getattr(value, "line", None)
    if key == RESOLVED_KEY:
        if not isinstance(value, Scalar):
            return [Problem(source, line, f"'{RESOLVED_KEY}' must be a check id, such as "
                            f"'{flow.check_ids()[0]}'; found {describe(value)}")]  # type: ignore[arg-type]
        problem = _unknown_check(flow, value.text)
        if problem is not None:
            return [Problem(source, value.line, f"'{RESOLVED_KEY}': {problem}")]
        fixes[value.text] = Helped.YES
        return []
    if not isinstance(value, Mapping):
        return [Problem(source, line, f"'{FIXES_KEY}' must be a mapping of check id to "
                        f"{HELPED_ACCEPTED}, such as '{flow.check_ids()[0]}: no'; found "
                        f"{describe(value)}")]  # type: ignore[arg-type]
    problems = []
    for check, entry in value.entries.items():
        word = entry.value.text if isinstance(entry.value, Scalar) else describe(entry.value)
        helped = HELPED_WORDS.get(word.strip().lower()) if isinstance(entry.value, Scalar) \
            else None
        problem = _fix_problem(flow, check, word, helped, True)
        if problem is not None:
            problems.append(Problem(source, entry.key_line, f"'{FIXES_KEY}': {problem}"))
        elif helped is not None:
            fixes[check] = helped
    return problems


def dump(result: SessionResult) -> str:
    """The answers given, as a YAML file that --answers reads back, in the order asked."""
    flow = result.flow
    lines = [f"# Answers for {flow.id} {one_line(flow.version)} ({one_line(flow.title)})",
             "# Run again with: icloud-fix --answers THIS-FILE"]
    lines += [f"{qid}: {answer}" for qid, answer in result.answers().items()]
    tried = [(c.check.id, helped) for c, helped in result.fixes_tried
             if helped is not Helped.YES]
    if tried:
        lines.append(f"{FIXES_KEY}:")
        lines += [f"  {check}: {helped.value}" for check, helped in tried]
    if result.resolved_by is not None:
        lines.append(f"{RESOLVED_KEY}: {result.resolved_by}")
    return "\n".join(lines) + "\n"


class ScriptedAnswers:
    """Answers from flags, files and a resumed session; asks ``fallback`` (a prompter)
    for the rest, if any, and keeps what the person said, in order, so that they can go
    back a question (``back``) and the session be walked again.

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
        # "Does it work now?" answered ahead (flags, a file, an earlier session).
        self.fixes: dict[str, Helped] = {
            **dict.fromkeys(not_fixed, Helped.NO), **dict.fromkeys(waiting, Helped.NOT_YET),
            **given.fixes}
        if resolved_by is not None:
            self.fixes[resolved_by] = Helped.YES
        # What the person said in this session, and in which order: ("question", id) or
        # ("fix", check id).
        self.said: dict[str, Reply] = {}
        self.said_fixes: dict[str, Helped] = {}
        self.steps: list[tuple[str, str]] = []

    @property
    def not_fixed(self) -> set[str]:
        return {c for c, h in self._all_fixes().items() if h is Helped.NO}

    @property
    def waiting(self) -> set[str]:
        return {c for c, h in self._all_fixes().items() if h is Helped.NOT_YET}

    def _all_fixes(self) -> dict[str, Helped]:
        return {**self.fixes, **self.said_fixes}

    def known(self, question: Question) -> Reply | None:
        """The answer given ahead or already said for a question, without asking anyone."""
        if question.id in self.said:
            return self.said[question.id]
        if question.id not in self.given.answers:
            return None
        return Reply(self.given.answers[question.id],
                     self.given.origins.get(question.id, Origin.FLAG))

    def known_fix(self, check: str) -> Fix | None:
        """Whether the fix of a check helped, if said already (ahead or in this session)."""
        helped = self._all_fixes().get(check)
        return None if helped is None else _FIX[helped]

    def back(self) -> bool:
        """Forget the last thing the person said, to ask it again; False when they have
        said nothing yet in this session."""
        if not self.steps:
            return False
        what, key = self.steps.pop()
        if what == "question":
            del self.said[key]
        else:
            del self.said_fixes[key]
        return True

    def ask(self, question: Question, position: Position) -> str | Reply:
        known = self.known(question)
        if known is not None:
            return known
        if self.fallback is not None:
            reply = self.fallback.ask(question, position)
            if not isinstance(reply, Reply):
                reply = Reply(reply)
            self.said[question.id] = reply
            self.steps.append(("question", question.id))
            return reply
        suggestion = self.suggest(question) if self.suggest is not None else None
        if suggestion is not None:
            return suggestion
        self.missing.append(question.id)
        return Reply("skip", Origin.UNANSWERED)

    def fixed_now(self, result: CheckResult, position: Position) -> Fix:
        check = result.check.id
        known = self.known_fix(check)
        if known is not None:
            return known
        if self.fallback is None:
            return Fix.NOT_ASKED
        fixed = self.fallback.fixed_now(result, position)
        fixed = Fix.WORKED if fixed is True else Fix.DID_NOT_WORK if fixed is False else fixed
        helped = {Fix.WORKED: Helped.YES, Fix.NOT_YET: Helped.NOT_YET}.get(fixed, Helped.NO)
        if fixed is not Fix.WORKED:  # a fix that worked ends the session
            self.said_fixes[check] = helped
            self.steps.append(("fix", check))
        return fixed


_FIX = {Helped.YES: Fix.WORKED, Helped.NO: Fix.DID_NOT_WORK, Helped.NOT_YET: Fix.NOT_YET}


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
    words += [f"--fix-tried={c.check.id}={helped.value}" for c, helped in result.fixes_tried
              if helped is not Helped.YES]
    if result.resolved_by is not None:
        words += ["--resolved-by", result.resolved_by]
    return " ".join(shell_word(word) for word in words)
