"""Load and validate flow files into a ``Flow``, reporting every problem with its line."""

from __future__ import annotations

import dataclasses
import re
from importlib import resources
from pathlib import Path

import yaml

from icloud_fix.errors import InputFileError, Problem
from icloud_fix.flow import Answer, Check, Flow, Question, Suggest
from icloud_fix.flowfile import declaration as schema
from icloud_fix.flowfile.located_yaml import (
    Mapping,
    Scalar,
    Sequence,
    Value,
    describe,
    parse,
    read_text,
    without_gc,
)
from icloud_fix.safe_text import one_line, shorten, visible

BUILTIN_FLOW = "icloud-photos.yaml"
DEFAULT_AFTER_FIX_QUESTION = "Is the problem solved now?"
_ID = re.compile(schema.ID_PATTERN)
_ANSWER_TEXT = {"yes": Answer.YES, "no": Answer.NO, "true": Answer.YES, "false": Answer.NO}


def did_you_mean(word: str, choices: list[str]) -> str:
    """' (did you mean 'x'?)' when a choice is close to word, else ''."""
    import difflib  # only on the way to an error message

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def builtin_flow_path() -> Path:
    return Path(str(resources.files("icloud_fix") / "steps" / BUILTIN_FLOW))


def load_builtin() -> Flow:
    """The iCloud Photos flow that ships inside the package."""
    return load_file(builtin_flow_path(), source=BUILTIN_FLOW)


def load_file(path: Path, source: str | None = None) -> Flow:
    """Load a flow file; raises InputFileError naming the file and line of every problem."""
    name = source if source is not None else str(path)
    flow = load_text(read_text(path, name), name)
    return dataclasses.replace(flow, location=str(path.resolve()))


def load_text(text: str, source: str) -> Flow:
    # The validated model is as many small objects as the parsed one: keep the
    # cyclic GC out of both, or load time grows faster than the flow.
    with without_gc():
        document = parse(text, source)
        return _Validator(source).flow(document)


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.all_questions: dict[str, int] = {}

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    # -- generic field handling, driven by the schema tables --------------------

    def fields(
        self, node: Value, what: str, spec: tuple[schema.Field, ...]
    ) -> dict[str, Value] | None:
        """Check a mapping's keys against spec; return its known, present values."""
        if not isinstance(node, Mapping):
            self.problem(node.line, f"{what} must be a mapping of keys, found {describe(node)}")
            return None
        names = [f.name for f in spec]
        values: dict[str, Value] = {}
        for key, entry in node.entries.items():
            if key in names:
                values[key] = entry.value
            else:
                self.problem(
                    entry.key_line,
                    f"unknown key '{key}' in {what}{did_you_mean(key, names)}; "
                    f"accepted keys: {', '.join(names)}",
                )
        for f in spec:
            if f.required and f.name not in node.entries:
                self.problem(node.line, f"{what} is missing the required key '{f.name}'")
        return values

    def scalar(self, value: Value, key: str, expected: str, kinds: tuple[str, ...]) -> str | None:
        if isinstance(value, Scalar) and value.kind in kinds:
            return value.text
        hint = " (put it in quotes)" if "str" in kinds and isinstance(value, Scalar) else ""
        self.problem(value.line, f"'{key}' must be {expected}, found {describe(value)}{hint}")
        return None

    def text(self, value: Value, key: str) -> str | None:
        text = self.scalar(value, key, "text", ("str",))
        if text is None:
            return None
        if not text.strip():
            self.problem(value.line, f"'{key}' must not be empty")
            return None
        if len(text) > schema.MAX_TEXT:
            self.problem(value.line, f"'{key}' is longer than {schema.MAX_TEXT} characters")
            return None
        return visible(text)

    def ident(self, value: Value, key: str) -> str | None:
        text = self.scalar(value, key, "a kebab-case id such as 'icloud-storage'", ("str",))
        if text is None:
            return None
        if len(text) > 100 or not _ID.match(text):
            self.problem(
                value.line,
                f"'{key}' must be a kebab-case id (lower-case letters, digits and single "
                f"hyphens, such as 'icloud-storage'), found {shorten(text)!r}",
            )
            return None
        return text

    def answer(self, value: Value, key: str) -> Answer | None:
        if isinstance(value, Scalar) and value.kind in ("str", "bool"):
            word = value.text.lower()
            if word in _ANSWER_TEXT:
                return _ANSWER_TEXT[word]
            found = repr(shorten(value.text))
        else:
            found = describe(value)
        self.problem(value.line, f"'{key}' must be yes or no, found {found}")
        return None

    def flag(self, value: Value, key: str) -> bool | None:
        if isinstance(value, Scalar) and value.kind == "bool":
            word = value.text.lower()
            if word in ("true", "yes"):
                return True
            if word in ("false", "no"):
                return False
        self.problem(value.line, f"'{key}' must be true or false, found {describe(value)}")
        return None

    def items(self, value: Value, key: str) -> list[Value]:
        if not isinstance(value, Sequence):
            self.problem(value.line, f"'{key}' must be a list, found {describe(value)}")
            return []
        if not value.items:
            self.problem(value.line, f"'{key}' must list at least one entry")
        return value.items

    # -- the flow ----------------------------------------------------------------

    def flow(self, document: Value | None) -> Flow:
        if document is None:
            raise InputFileError(
                [Problem(self.source, None, "is empty; a flow needs format, id, title, "
                         "version and checks")]
            )
        values = self.fields(document, "the flow", schema.FLOW_FIELDS)
        if values is None:
            raise InputFileError(self.problems)
        fmt = None
        if "format" in values:
            raw = self.scalar(values["format"], "format", "a whole number", ("int",))
            if raw is not None:
                # As YAML reads the number (+1, 0x1 and 1_0 are numbers too).
                fmt = yaml.safe_load(raw)
                if fmt not in schema.SUPPORTED_FORMATS:
                    supported = ", ".join(str(v) for v in schema.SUPPORTED_FORMATS)
                    self.problem(
                        values["format"].line,
                        f"'format' {raw} is not supported; this icloud-fix reads format "
                        f"{supported}",
                    )
        flow_id = self.ident(values["id"], "id") if "id" in values else None
        title = self.text(values["title"], "title") if "title" in values else None
        version = None
        if "version" in values:
            version = self.scalar(
                values["version"], "version", "text or a number", ("str", "int", "float")
            )
            version = one_line(version) if version is not None else None
        optional = {
            key: self.text(values[key], key) if key in values else None
            for key in ("description", "after_fix_question", "escalation")
        }
        services: tuple[str, ...] = ()
        if "service_status" in values:
            names = [self.text(item, "service_status") for item in
                     self.items(values["service_status"], "service_status")]
            services = tuple(name for name in names if name is not None)
        checks: list[Check] = []
        if "checks" in values:
            seen: dict[str, tuple[int, str]] = {}
            earlier: set[str] = set()
            self.all_questions = _question_lines(values["checks"])
            for item in self.items(values["checks"], "checks"):
                check = self.check(item, seen, earlier)
                if check is not None:
                    checks.append(check)
        if self.problems:
            raise InputFileError(self.problems)
        assert fmt is not None and flow_id and title and version is not None
        return Flow(
            format=fmt,
            id=flow_id,
            title=title,
            version=version,
            description=optional["description"],
            after_fix_question=optional["after_fix_question"] or DEFAULT_AFTER_FIX_QUESTION,
            escalation=optional["escalation"],
            checks=tuple(checks),
            source=self.source,
            service_status=services,
        )

    def claim_id(
        self, value: Value, key: str, seen: dict[str, tuple[int, str]], kind: str
    ) -> str | None:
        ident = self.ident(value, key)
        if ident is None:
            return None
        if ident in seen:
            line, first_kind = seen[ident]
            self.problem(value.line, f"duplicate id '{ident}': a {kind} id must be unique in "
                         f"the flow, and line {line} already gives it to a {first_kind}")
            return None
        seen[ident] = (value.line, kind)
        return ident

    def check(
        self, node: Value, seen: dict[str, tuple[int, str]], earlier: set[str]
    ) -> Check | None:
        values = self.fields(node, "a check", schema.CHECK_FIELDS)
        if values is None:
            return None
        check_id = self.claim_id(values["id"], "id", seen, "check") if "id" in values else None
        title = self.text(values["title"], "title") if "title" in values else None
        questions: list[Question] = []
        if "questions" in values:
            for item in self.items(values["questions"], "questions"):
                question = self.question(item, seen, earlier)
                if question is not None:
                    questions.append(question)
        if check_id is None or title is None or not questions:
            return None
        return Check(check_id, title, tuple(questions), node.line)

    def question(
        self, node: Value, seen: dict[str, tuple[int, str]], earlier: set[str]
    ) -> Question | None:
        values = self.fields(node, "a question", schema.QUESTION_FIELDS)
        if values is None:
            return None
        before = len(self.problems)
        qid = self.claim_id(values["id"], "id", seen, "question") if "id" in values else None
        name = f"question '{qid}'" if qid else "this question"
        prompt = self.text(values["prompt"], "prompt") if "prompt" in values else None
        help_text = self.text(values["help"], "help") if "help" in values else None
        pass_answer = self.answer(values["pass_answer"], "pass_answer") if (
            "pass_answer" in values) else None
        informational = (
            self.flag(values["informational"], "informational")
            if "informational" in values else None
        )
        remediation = self.text(values["remediation"], "remediation") if (
            "remediation" in values) else None
        if informational:
            for key in ("pass_answer", "remediation"):
                if key in values:
                    self.problem(
                        values[key].line,
                        f"{name} is informational, so it cannot have '{key}'; remove "
                        f"'{key}' or 'informational: true'",
                    )
        elif "pass_answer" not in values and "informational" not in values:
            self.problem(
                node.line,
                f"{name} needs 'pass_answer' (yes or no) and 'remediation', or "
                f"'informational: true' if it only sets up later questions",
            )
        elif "pass_answer" not in values and informational is False:
            self.problem(node.line, f"{name} needs 'pass_answer': yes or no")
        elif "pass_answer" in values and "remediation" not in values:
            self.problem(
                node.line,
                f"{name} needs 'remediation': the steps shown when the answer is not "
                f"the pass_answer",
            )
        when = self.when(values["when"], qid, earlier) if "when" in values else ()
        suggest = self.suggest(values["suggest"]) if "suggest" in values else None
        if qid is not None:
            earlier.add(qid)
        if len(self.problems) > before or qid is None or prompt is None:
            return None
        question = Question(
            id=qid,
            prompt=prompt,
            help=help_text,
            pass_answer=None if informational else pass_answer,
            remediation=remediation,
            when=when,
            line=node.line,
            suggest=suggest,
        )
        return question

    def suggest(self, value: Value) -> Suggest | None:
        values = self.fields(value, "'suggest'", schema.SUGGEST_FIELDS)
        if values is None or "reading" not in values:
            return None
        reading = self.scalar(values["reading"], "reading", "the name of a reading", ("str",))
        if reading not in schema.READINGS:
            if reading is not None:
                self.problem(values["reading"].line,
                             f"'reading' must be one of {', '.join(schema.READINGS)}; found "
                             f"{shorten(reading)!r}{did_you_mean(reading, list(schema.READINGS))}")
            return None
        numeric = reading in schema.NUMERIC_READINGS
        rule, wrong = ("yes_below", "yes_when") if numeric else ("yes_when", "yes_below")
        if wrong in values:
            self.problem(values[wrong].line, f"'{wrong}' does not go with the reading "
                         f"{reading}; use '{rule}'")
            return None
        if rule not in values:
            self.problem(value.line, f"'suggest' with the reading {reading} needs '{rule}'")
            return None
        if numeric:
            raw = self.scalar(values[rule], rule, "a number above 0", ("int", "float"))
            number = float(raw) if raw is not None else 0.0
            if raw is not None and not number > 0:
                self.problem(values[rule].line, f"'{rule}' must be a number above 0")
            return Suggest(reading, yes_below=number) if number > 0 else None
        flag = self.flag(values[rule], rule)
        return None if flag is None else Suggest(reading, yes_when=flag)

    def when(
        self, value: Value, qid: str | None, earlier: set[str]
    ) -> tuple[tuple[str, Answer], ...]:
        if not isinstance(value, Mapping) or not value.entries:
            found = "an empty mapping" if isinstance(value, Mapping) else describe(value)
            self.problem(
                value.line,
                f"'when' must map earlier question ids to yes or no, such as "
                f"{{on-cellular: yes}}; found {found}",
            )
            return ()
        conditions: list[tuple[str, Answer]] = []
        for key, entry in value.entries.items():
            if key == qid:
                self.problem(entry.key_line, f"'when' names the question '{key}' itself")
                continue
            if key not in earlier:
                later = self.all_questions.get(key)
                if later is not None:
                    reason = f"which is asked later (line {later})"
                else:
                    hint = did_you_mean(key, list(earlier))
                    reason = f"which is not a question in this flow{hint}"
                self.problem(
                    entry.key_line,
                    f"'when' names '{key}', {reason}; a condition can only use the answer "
                    f"to an earlier question",
                )
                continue
            answer = self.answer(entry.value, key)
            if answer is not None:
                conditions.append((key, answer))
        return tuple(conditions)


def _question_lines(checks: Value) -> dict[str, int]:
    """Every question id written in the file, with its line, valid or not."""
    lines: dict[str, int] = {}
    for check in checks.items if isinstance(checks, Sequence) else []:
        questions = check.entries.get("questions") if isinstance(check, Mapping) else None
        if questions is None or not isinstance(questions.value, Sequence):
            continue
        for question in questions.value.items:
            entry = question.entries.get("id") if isinstance(question, Mapping) else None
            if entry is not None and isinstance(entry.value, Scalar):
                lines.setdefault(entry.value.text, entry.value.line)
    return lines
