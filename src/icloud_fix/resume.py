"""Interrupted sessions, kept so the next run can continue where the person stopped.

The answers given so far (and the fixes that did not help) are saved in the user's
application folder, or in ICLOUD_FIX_HOME when it is set, one file per flow.

Two sessions of one flow may run at once (two terminals). Each has its own token,
written into the state it keeps; a session that finishes clears only the state
written by itself or the one it continued, never what another session kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from icloud_fix import atomic_file as files
from icloud_fix import kinds
from icloud_fix.engine import SessionResult
from icloud_fix.errors import IcloudFixError
from icloud_fix.flow import Flow
from icloud_fix.flowfile.located_yaml import Mapping, Scalar, Sequence, parse, read_text


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
    # Two flow files may share an id; the file they were loaded from tells them apart.
    digest = hashlib.sha256(flow.location.encode("utf-8")).hexdigest()[:10]
    return home() / "sessions" / f"{flow.id}-{digest}.yaml"


def save(flow: Flow, result: SessionResult, not_fixed: set[str],
         waiting: Collection[str] = (), finished: bool = False, session: str = "") -> Path:
    """Keep what was answered in an interrupted session (or a finished one with fixes
    that take time), marked as written by session (the writer's token); raises
    IcloudFixError or OSError if it cannot be written."""
    path = state_file(flow)
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
    files.write_atomically(path, yaml.safe_dump(document, sort_keys=False))
    return path


def load(flow: Flow) -> SavedSession | None:
    """The saved session of this flow, keeping only what still applies to it (a flow
    may have changed since); None when there is none or it cannot be read."""
    path = state_file(flow)
    try:
        if not path.is_file():
            return None
    except OSError as exc:  # another user's folder, a path under a file, a name too long
        raise StateUnavailable(path.parent.parent, exc.strerror or str(exc)) from None
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
    without, whoever wrote it (--fresh, or the person said not to continue)."""
    path = state_file(flow)
    # Nothing to clear, or nowhere to clear it: either way nothing is lost.
    with contextlib.suppress(OSError):
        if session is not None and _written_by(path) != session:
            return
        path.unlink(missing_ok=True)


def _written_by(path: Path) -> str | None:
    """The token of the session that wrote the state file; None when there is none."""
    try:
        document = parse(read_text(path, str(path)), str(path))
    except IcloudFixError:
        return None  # no file, or a damaged one: nobody's state to keep or clear
    return _session(document) if isinstance(document, Mapping) else None
