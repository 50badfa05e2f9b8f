"""Interrupted sessions, kept so the next run can continue where the person stopped.

The answers given so far (and the fixes that did not help) are saved in the user's
application folder, or in ICLOUD_FIX_HOME when it is set, one file per flow.

Two sessions of one flow may run at once (two terminals). Each has its own token,
written into the state it keeps; a session that finishes clears only the state
written by itself or the one it continued, never what another session kept.

Also here, as data the session says or carries out: what a session finds kept when it
begins (``look``), what --fresh forgets, the fixes that take time and were left
waiting "not yet" (``after_fix``), and what a session leaves for the next one
(``keeping``, carried out by ``keep``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from icloud_fix import kinds
from icloud_fix.answers import GivenAnswers
from icloud_fix.engine import Fix, Helped, Origin, SessionResult
from icloud_fix.errors import IcloudFixError
from icloud_fix.flow import Flow
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, Sequence, parse, read_text
from icloud_fix.safe_text import one_line


@dataclass(frozen=True)
class SavedSession:
    answers: dict[str, str]
    not_fixed: frozenset[str] = field(default_factory=frozenset)
    # Fixes that take time ("not yet"): the next run asks whether they worked.
    waiting: frozenset[str] = field(default_factory=frozenset)
    # The session went to its end (kept only for its waiting fixes).
    finished: bool = False
    # The token of the session that wrote it ("" in a file written before tokens).
    session: str = ""


class StateUnavailable(Exception):
    """The folder of kept sessions cannot be looked at; the session runs without it."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(f"{folder}: {reason}")
        self.folder = folder
        self.reason = reason


def home() -> Path:
    """Where icloud-fix keeps its state: $ICLOUD_FIX_HOME, or the application folder."""
    override = os.environ.get("ICLOUD_FIX_HOME")
    if override:
        return Path(override)
    import typer

    return Path(typer.get_app_dir("icloud-fix"))


def state_file(flow: Flow) -> Path:
    """Where the kept answers of this flow are. Two flow files may share an id: the file
    they were loaded from tells them apart. A flow read from a pipe (--steps <(...),
    --steps -) has a new name each run: what it holds tells it apart instead, so the
    same flow piped again continues, and its runs do not pile up a file each."""
    if os.path.isfile(flow.location):
        # os.fsencode: a file name that is not UTF-8 is hashed as its own bytes.
        key = os.fsencode(flow.location)
    else:
        import dataclasses

        key = b"piped:" + repr(dataclasses.replace(flow, location="", source="")).encode(
            "utf-8", "backslashreplace")
    import hashlib  # here: a scripted run, which keeps nothing, never loads it

    digest = hashlib.sha256(key).hexdigest()[:10]
    return home() / "sessions" / f"{flow.id}-{digest}.yaml"


def save(flow: Flow, result: SessionResult, not_fixed: set[str],
         waiting: Collection[str] = (), finished: bool = False, session: str = "") -> Path:
    """Keep what was answered in an interrupted session (or a finished one with fixes
    that take time), marked as written by session (the writer's token); raises
    IcloudFixError or OSError if it cannot be written."""
    # Imported here: a scripted run looks at what a session found and left, never saves.
    import yaml

    from icloud_fix import atomic_file

    path = _own_file(flow, session)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "session": session,
        "flow": flow.id,
        "version": flow.version,
        "answers": result.answers(),
        "not_fixed": sorted(not_fixed),
        "waiting": sorted(waiting),
        "finished": finished,
    }
    atomic_file.write_atomically(path, yaml.safe_dump(document, sort_keys=False))
    return path


def state_files(flow: Flow) -> list[Path]:
    """Every file that keeps answers of this flow, the latest first: the one of
    state_file(), and those two sessions that both stopped kept beside it
    (STEM.TOKEN.yaml), so that neither lost what the other said."""
    base = state_file(flow)
    try:
        found = [p for p in [base, *base.parent.glob(f"{base.stem}.*{base.suffix}")]
                 if p.is_file()]
        return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError as exc:  # another user's folder, a path under a file, a name too long
        raise StateUnavailable(base.parent.parent, exc.strerror or str(exc)) from None


def _own_file(flow: Flow, session: str) -> Path:
    """Where session keeps its answers: the file it wrote before (or continued), else
    state_file() while no other session's answers are there, else a file of its own
    beside it."""
    base = state_file(flow)
    with contextlib.suppress(OSError, StateUnavailable):
        for path in state_files(flow):
            if _written_by(path) == session:
                return path
        if base.exists() and _written_by(base) not in (None, session):
            return base.with_name(f"{base.stem}.{_token_name(session)}{base.suffix}")
    return base


def _token_name(session: str) -> str:
    return "".join(c for c in session if c.isalnum())[:16] or "other"


def load(flow: Flow) -> SavedSession | None:
    """The latest saved session of this flow, keeping only what still applies to it (a
    flow may have changed since); None when there is none or it cannot be read."""
    for path in state_files(flow):
        saved = _load(flow, path)
        if saved is not None:
            return saved
    return None


def _load(flow: Flow, path: Path) -> SavedSession | None:
    try:
        document = parse(read_text(path, str(path)), str(path))
    except IcloudFixError:
        return None  # a damaged state file is no reason to stop the person
    if not isinstance(document, Mapping):
        return None
    known = {q.id: q for q in flow.all_questions()}
    answers: dict[str, str] = {}
    entry = document.entries.get("answers")
    if entry is not None and isinstance(entry.value, Mapping):
        for qid, item in entry.value.entries.items():
            question = known.get(qid)
            answer = (kinds.parse(question, item.value.text)
                      if question is not None and isinstance(item.value, Scalar) else None)
            if answer is not None:
                answers[qid] = answer
    checks = set(flow.check_ids())

    def check_ids(key: str) -> frozenset[str]:
        entry = document.entries.get(key)
        if entry is None or not isinstance(entry.value, Sequence):
            return frozenset()
        return frozenset({i.text for i in entry.value.items if isinstance(i, Scalar)} & checks)

    if not answers:
        return None
    finished = document.entries.get("finished")
    return SavedSession(answers, check_ids("not_fixed"), check_ids("waiting"),
                        finished is not None and isinstance(finished.value, Scalar)
                        and finished.value.text == "true", _session(document))


def _session(document: Mapping) -> str:
    entry = document.entries.get("session")
    return entry.value.text if entry is not None and isinstance(entry.value, Scalar) else ""


def clear(flow: Flow, session: str | None = None) -> None:
    """Forget the kept state of this flow: with session, only if that session wrote
    it (another one, still running or stopped since, may have kept its answers there);
    without, the latest, whoever wrote it: the one this session found (--fresh, or the
    person said not to continue)."""
    # Nothing to clear, or nowhere to clear it: either way nothing is lost.
    with contextlib.suppress(OSError, StateUnavailable):
        for path in state_files(flow):
            if session is None or _written_by(path) == session:
                path.unlink(missing_ok=True)
                if session is None:
                    return  # the latest: the one this session found


def _written_by(path: Path) -> str | None:
    """The token of the session that wrote the state file; None when there is none."""
    try:
        document = parse(read_text(path, str(path)), str(path))
    except IcloudFixError:
        return None  # no file, or a damaged one: nobody's state to keep or clear
    return _session(document) if isinstance(document, Mapping) else None


# -- what a session finds, and what it leaves -------------------------------------------

@dataclass(frozen=True)
class Kept:
    """What an earlier session of the flow kept, as this one finds it before anything is
    asked or said."""

    saved: SavedSession | None = None
    # Why the folder of kept answers cannot be used: said once, then done without.
    unavailable: str | None = None
    fresh: bool = False  # --fresh: forget what was kept, after saying what it was


def look(flow: Flow, fresh: bool = False) -> Kept:
    """What an earlier session kept (nothing is said or changed here)."""
    try:
        return Kept(load(flow), fresh=fresh)
    except StateUnavailable as exc:
        # With --fresh there is nothing to say: nothing could have been kept anyway.
        return Kept(fresh=True) if fresh else Kept(unavailable=one_line(str(exc)))


def unavailable_note(kept: Kept) -> str:
    return (f"(Cannot use the folder of kept answers, {kept.unavailable}; going on without "
            f"continuing an earlier session.)\n")


def continue_question(saved: SavedSession) -> str:
    count = len(saved.answers)
    return (f"You stopped in the middle last time, after {count} "
            f"answer{'s' if count != 1 else ''}. Continue where you stopped?")


def forgetting(flow: Flow, saved: SavedSession) -> str:
    """--fresh: what is thrown away (answers, fixes waiting to be judged), in a line."""
    count = len(saved.answers)
    said = f"{count} answer{'s' if count != 1 else ''}"
    waiting = [c.title for c in flow.checks if c.id in saved.waiting]
    if waiting:
        said += (" and the fix" + ("es" if len(waiting) > 1 else "") + " you were "
                 "waiting on (" + _either([f"'{one_line(t)}'" for t in waiting], "and") + ")")
    tried = [f"'{one_line(c.title)}'" for c in flow.checks if c.id in saved.not_fixed]
    if tried:
        said += (", and that the fix" + ("es" if len(tried) > 1 else "") + " for "
                 + _either(tried, "and") + " did not help")
    return f"Starting over (--fresh): forgetting the {said}, kept from your last session.\n"


def kept_answers(saved: SavedSession | None) -> GivenAnswers:
    """What an earlier session kept, as answers: the person's own, and their fixes."""
    if saved is None:
        return GivenAnswers()
    return GivenAnswers(saved.answers, dict.fromkeys(saved.answers, Origin.PROMPT),
                        {**dict.fromkeys(saved.not_fixed, Helped.NO),
                         **dict.fromkeys(saved.waiting, Helped.NOT_YET)})


def waiting_question(flow: Flow, saved: SavedSession, question: str) -> str:
    """Did the fixes left waiting last time work? Asked before anything else."""
    titles = " and ".join(f"'{c.title}'" for c in flow.checks if c.id in saved.waiting)
    return f"Last time you tried the fix for {titles}, which takes time. {question}"


def after_fix(saved: SavedSession, fix: Fix) -> tuple[SavedSession, dict[str, Helped]]:
    """The last session to play back, and what this one says of its waiting fixes:
    worked (resolved by the first of them the walk meets again, in the order asked), did
    not work (said in this session: kept and reported even if it stops at once), or
    still waiting."""
    if fix is Fix.WORKED:
        return (dataclasses.replace(saved, waiting=frozenset()),
                dict.fromkeys(saved.waiting, Helped.YES))
    if fix is Fix.DID_NOT_WORK:
        return saved, dict.fromkeys(saved.waiting, Helped.NO)
    return saved, {}


@dataclass(frozen=True)
class Keeping:
    """What a session leaves for the next one: its answers and fixes to continue from
    (``finished``: only the fixes that take time, to ask about), or nothing (clear)."""

    session: str  # the token of the state this session may write or clear
    clear: bool = False
    finished: bool = False
    not_fixed: frozenset[str] = frozenset()
    waiting: frozenset[str] = frozenset()


def keeping(result: SessionResult, not_fixed: Collection[str], waiting: Collection[str],
            session: str) -> Keeping | None:
    """What to keep after a session a person answered: an interrupted one keeps what was
    said; a finished one is forgotten, unless fixes that take time are waiting (and it
    was not resolved, which makes them no longer matter). None: nothing to do."""
    if result.interrupted:
        if not (result.answers() or not_fixed or waiting):
            return None
        return Keeping(session, not_fixed=frozenset(not_fixed), waiting=frozenset(waiting))
    if not result.waiting or result.resolved_by is not None:
        return Keeping(session, clear=True)
    return Keeping(session, finished=True, not_fixed=frozenset(not_fixed),
                   waiting=frozenset(waiting))


def keep(flow: Flow, result: SessionResult, keeping: Keeping) -> str | None:
    """Carry out ``keeping``; returns the line that says so, if any (none when the
    state could not be written: the answers are still in the report and the command)."""
    if keeping.clear:
        clear(flow, session=keeping.session)
        return None
    try:
        path = save(flow, result, set(keeping.not_fixed), keeping.waiting,
                    finished=keeping.finished, session=keeping.session)
    except (IcloudFixError, OSError):
        return None
    beside = ("" if path == state_file(flow) else
              " Another session of this flow kept its answers while this one ran: both "
              "are kept, and each run continues the latest.")
    if keeping.finished:
        # the report's next step said what comes next
        return f"Your answers are kept.{beside}\n"
    return ("Your answers are kept: run icloud-fix again to continue where you stopped "
            f"(--fresh starts over).{beside}\n")


def unused_fixes(given: GivenAnswers, result: SessionResult) -> list[str]:
    """A fix said to be tried (--fix-tried, --resolved-by, an answers file) that belongs
    to a check that did not fail in this run: no fix of it was shown, so the report
    cannot list it, and a help desk should know. One note each."""
    notes = []
    for check in given.fixes:
        if result.fix_tried(check) is not None or check == result.resolved_by:
            continue
        status = next((c.status.value.replace("_", " ") for c in result.checks
                       if c.check.id == check), "not run")
        notes.append(f"note: the fix for '{check}' was said to be tried, but that check "
                     f"did not fail in this run ({status}), so the report does not list it")
    return notes


def _either(words: list[str], joiner: str) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"
