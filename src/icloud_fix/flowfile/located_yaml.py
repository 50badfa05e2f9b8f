"""Reading YAML (and JSON) input files into values that remember their line numbers.

PyYAML's constructors lose line numbers, keep the last of two duplicate keys and,
in YAML 1.1, turn ``yes``/``no``/``on``/``off`` into booleans. We compose the node
graph instead (libyaml's C parser where it is installed) and build our own small
tree of located values, so the schema layer decides what each scalar means and
every problem can be reported with its line.
"""

from __future__ import annotations

import gc
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from icloud_fix.errors import InputFileError, Problem
from icloud_fix.safe_text import shorten

if TYPE_CHECKING:
    import yaml


_TAG = "tag:yaml.org,2002:"
# Tags that only describe plain data; anything else (``!!python/object``, local
# ``!tags``) could build objects in other loaders and is refused outright.
# Limits that keep a hostile file under 2 s of CPU and 200 MiB however many mistakes
# it holds, with room for a slower machine (at 300,000 values a file of unknown
# conditions took 2.5 s; at 125,000 any file takes about a second here). A flow of
# 5,000 checks stays inside both.
MAX_BYTES = 4 * 2**20
MAX_VALUES = 125_000
# How long a named pipe given as a file is waited for a writer: a scripted run must
# not wait forever on a pipe nobody writes to. Seconds; tests lower it.
PIPE_WAIT = 10.0

_DATA_TAGS = {_TAG + t for t in ("str", "bool", "int", "float", "null", "map", "seq", "timestamp")}


@dataclass(slots=True)
class Scalar:
    """A scalar as written: its text, the tag YAML resolved for it, and whether it was quoted."""

    text: str
    tag: str
    line: int
    quoted: bool

    @property
    def kind(self) -> str:
        """The resolved YAML type name: str, bool, int, float, null or timestamp."""
        return self.tag.removeprefix(_TAG)


@dataclass(slots=True)
class Entry:
    key: str
    key_line: int
    value: Value


@dataclass(slots=True)
class Mapping:
    line: int
    entries: dict[str, Entry] = field(default_factory=dict)


@dataclass(slots=True)
class Sequence:
    line: int
    items: list[Value] = field(default_factory=list)


Value = Scalar | Mapping | Sequence


def describe(value: Value) -> str:
    """How a value reads in an error message: 'a list', 'the number 3', 'text'."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    kind = value.kind
    if kind == "str":
        return "text"
    if kind == "null":
        return "nothing (an empty value)"
    if kind == "bool":
        return f"the yes/no value {shorten(value.text, 40)}"
    if kind in ("int", "float"):
        # A tag can make any text "a number" (!!int "[[[..."): show a little of it.
        return f"the number {shorten(value.text, 40)}"
    return f"a {kind} value"


def read_text(path: Path, source: str) -> str:
    """Read a file as UTF-8 (a BOM is allowed), turning OS and encoding failures into
    problems. A named pipe (also what the shell's <(...) gives) is read without waiting
    forever for its writer; a device is refused, as it may never end or never answer."""
    try:
        if source == "-":  # the usual name for stdin
            data = sys.stdin.buffer.read(MAX_BYTES + 1) if sys.stdin else b""
        else:
            mode = path.stat().st_mode
            if stat.S_ISFIFO(mode):
                data = _read_pipe(path, source)
            elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
                raise InputFileError([Problem(source, None, (
                    "is a device, not a file; give a YAML or JSON file, a pipe, or - for "
                    "stdin"))])
            else:
                with path.open("rb") as stream:
                    # One byte past the limit, rather than trust the size a file reports.
                    data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputFileError([Problem(source, None, "no such file")]) from None
    except IsADirectoryError:
        raise InputFileError([Problem(source, None, "is a folder, not a file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputFileError([Problem(source, None, f"cannot be read: {reason}")]) from None
    if len(data) > MAX_BYTES:
        raise InputFileError([Problem(
            source, None, f"is larger than {MAX_BYTES // 2**20} MiB; icloud-fix reads no file "
            "that big")])
    return decode(data, source)


def _read_pipe(path: Path, source: str) -> bytes:
    """What is written to a named pipe, up to one byte past MAX_BYTES; waits at most
    PIPE_WAIT seconds for a writer to come.

    A blocking open would wait until someone opens the pipe for writing, forever if
    nobody does. Opened without blocking, a read says which it is: data, EAGAIN (a
    writer is there but has written nothing yet) or end of file (no writer, or the
    writer has closed). Until a writer has been seen, end of file means "not yet", and
    we look again until the time is up. Once a writer came, the rest is read as from
    any pipe: it may take as long as that writer takes, as with stdin.
    """
    import select
    import time

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    deadline = time.monotonic() + PIPE_WAIT
    writer = False
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= MAX_BYTES:
            try:
                chunk = os.read(fd, min(65536, MAX_BYTES + 1 - size))
            except BlockingIOError:
                writer = True
                select.select([fd], [], [])
                continue
            if chunk:
                writer = True
                chunks.append(chunk)
                size += len(chunk)
            elif writer:
                break  # the writer closed: the end
            elif time.monotonic() >= deadline:
                raise InputFileError([Problem(source, None, (
                    f"no one wrote to this pipe within {PIPE_WAIT:g} s; start the program "
                    "that writes it first, or give a file"))])
            else:
                time.sleep(0.05)
    finally:
        os.close(fd)
    return b"".join(chunks)


def decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            [Problem(source, line, "is not UTF-8 text; save it as UTF-8")]
        ) from None


class _Builder:
    """Turns a composed node graph into located values, collecting every problem."""

    def __init__(self, source: str) -> None:
        import yaml

        self.source = source
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self.aliased = False
        self._nodes = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def build(self, node: yaml.Node) -> Value:
        line = node.start_mark.line + 1
        # The composer hands back the very same node object for an alias, so a
        # node seen twice is an alias. Refusing them keeps "billion laughs"
        # documents from expanding, and flows stay readable top to bottom.
        if id(node) in self._seen:
            self.aliased = True
            return Scalar("", _TAG + "null", line, False)
        self._seen.add(id(node))
        if node.tag not in _DATA_TAGS:
            tag = node.tag.replace(_TAG, "!!")
            self.problem(line, f"the tag {tag} is not allowed; only plain YAML data is")
            return Scalar("", _TAG + "null", line, False)
        scalar_node, sequence_node, mapping_node = self._nodes
        if isinstance(node, scalar_node):
            return Scalar(str(node.value), node.tag, line, node.style not in (None, ""))
        if isinstance(node, sequence_node):
            return Sequence(line, [self.build(item) for item in node.value])
        assert isinstance(node, mapping_node)
        mapping = Mapping(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":
                self.problem(key_line, "merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, scalar_node):
                self.problem(key_line, "a key must be plain text, not a list or mapping")
                continue
            key = str(key_node.value)
            if key in mapping.entries:
                first = mapping.entries[key].key_line
                self.problem(key_line, f"duplicate key '{key}' (first given on line {first})")
                continue
            mapping.entries[key] = Entry(key, key_line, self.build(value_node))
        return mapping


def parse(text: str, source: str) -> Value | None:
    """Parse one YAML document into located values; ``None`` for an empty document."""
    # Every value needs a line, a comma or an indicator of its own, so this count
    # bounds the number of values before anything is built.
    if sum(text.count(c) for c in ",\n-:[{?") > MAX_VALUES:
        raise InputFileError([Problem(
            source, None, f"holds more than {MAX_VALUES:,} values; icloud-fix reads no file "
            "that big")])
    with without_gc():
        return _parse(text, source)


@contextmanager
def without_gc() -> Iterator[None]:
    """Building many small objects triggers the cyclic GC over and over, which makes
    loading grow faster than the file; nothing built here is cyclic."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What was built is long-lived and not cyclic: move it out of the cyclic
            # GC's way, or the first collection after this scans all of it again.
            gc.freeze()
            gc.enable()


def _parse(text: str, source: str) -> Value | None:
    import yaml

    from icloud_fix.flowfile import yaml_loader

    loader = yaml_loader.Loader(text.encode("utf-8") if yaml_loader.WANTS_BYTES else text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise InputFileError([_syntax_problem(exc, source)]) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow, such as NUL; PyYAML's message spans lines.
        position = exc.position if isinstance(exc.position, int) else 0
        line = text[:position].count("\n") + 1
        char = exc.character
        code = char if isinstance(char, int) else ord(str(char)[:1] or "?")
        reason = f"contains the character U+{code:04X}, which YAML does not allow"
        raise InputFileError([Problem(source, line, reason)]) from None
    except yaml.YAMLError as exc:
        raise InputFileError([Problem(source, None, f"YAML syntax error: {exc}")]) from None
    except RecursionError:
        raise InputFileError([Problem(source, None, "is nested too deeply to read")]) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    builder = _Builder(source)
    try:
        value = builder.build(node)
    except RecursionError:
        raise InputFileError([Problem(source, None, "is nested too deeply to read")]) from None
    if builder.aliased:
        builder.problems += _alias_problems(text, source)
    if builder.problems:
        raise InputFileError(sorted(builder.problems, key=lambda p: p.line or 0))
    return value


def _syntax_problem(exc: yaml.MarkedYAMLError, source: str) -> Problem:
    what = exc.problem or "not valid YAML"
    if "another document" in what:
        return Problem(source, exc.problem_mark.line + 1 if exc.problem_mark else None,
                       "holds more than one YAML document (---); only one is allowed")
    mark = exc.problem_mark
    # An unclosed quote or bracket is only noticed at the end of the file; the
    # line where it was opened is the useful one.
    if exc.context_mark is not None and (mark is None or "end of stream" in what):
        mark = exc.context_mark
        what = f"{what} {exc.context or ''}".strip()
    line = mark.line + 1 if mark is not None else None
    return Problem(source, line, f"YAML syntax error: {what}")


def _alias_problems(text: str, source: str) -> list[Problem]:
    """Locate the aliases, one problem a line; composed nodes only know their anchor's line."""
    import yaml

    from icloud_fix.flowfile import yaml_loader

    problems: dict[int, Problem] = {}
    for event in yaml.parse(text, Loader=yaml_loader.Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            problems.setdefault(line, Problem(
                source, line, f"aliases (*{event.anchor}) are not supported; write the value out"))
    return list(problems.values())
