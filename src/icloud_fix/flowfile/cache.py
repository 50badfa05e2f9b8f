"""A cache of the parsed built-in flow, so a run need not parse YAML it parsed before.

The built-in flow is the same file run after run; parsing and checking it (and
importing PyYAML to do so) is a good part of a scripted run's own time. The flow as
loaded is kept as plain data (``marshal`` of tuples, lists, text and numbers: no code,
no pickled objects) in the user's cache folder, or in ``$ICLOUD_FIX_HOME/cache``.

The cache is only ever a shortcut, never a source of truth:

* it is keyed by content: the file holds the exact text of the flow file it was
  made from, the icloud-fix and Python versions and the fields of the model, and is
  used only when all of them equal the current ones;
* it is never trusted: anyone who can write the cache folder can write a file with a
  valid checksum, so reading it accepts nothing but the model's own classes, each
  field of the very type the model declares, and no text with a control or invisible
  character the flow file itself does not have; anything else (or any error on the
  way) reads as "no cache" and the flow file is parsed;
* it is never written where it cannot be: a folder that cannot be made or written, a
  full disk or a read-only system is silently left alone, and the file is replaced
  in one rename, so a reader never sees half of it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import marshal
import os
import re
import sys
import types
import typing
import zlib
from pathlib import Path
from typing import Any

from icloud_fix import __version__, kinds
from icloud_fix.flow import Flow, KindSpec
from icloud_fix.safe_text import UNSAFE_CHARACTERS

MAGIC = b"icloud-fix flow cache\n"
FILE_NAME = "builtin-flow.marshal"
# A cache file is a few dozen KiB; anything far larger is not one of ours.
MAX_BYTES = 8 * 2**20

_PLAIN = (str, int, float, bool, type(None))


def _model_classes() -> tuple[tuple[type, ...], dict[type, dict[str, Any]]]:
    """The model's classes, found from Flow's field types, each with its fields' types
    (the classes a field names are found in turn; a question's spec is the spec class of
    one of the registered kinds)."""
    found: list[type] = []
    hints: dict[type, dict[str, Any]] = {}

    def visit(hint: Any) -> None:
        if hint is KindSpec:  # a question's spec: the spec class of one of the kinds
            for spec_type in kinds.spec_types():
                visit(spec_type)
            return
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            if hint in hints:
                return
            found.append(hint)
            hints[hint] = typing.get_type_hints(hint)
            for field_type in hints[hint].values():
                visit(field_type)
        for arm in typing.get_args(hint):
            visit(arm)

    visit(Flow)
    return tuple(found), hints


_CLASSES, _HINTS = _model_classes()
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES}


class _Damaged(Exception):
    """The cache holds something the model never does."""


def _key() -> tuple[Any, ...]:
    """What, besides the flow file's bytes, the cached data depends on."""
    return (__version__, sys.version_info[:2], marshal.version,
            tuple((cls.__name__, _FIELDS[cls]) for cls in _CLASSES))


def directory() -> Path | None:
    """Where the cache is kept: $ICLOUD_FIX_HOME/cache, or the user's cache folder."""
    override = os.environ.get("ICLOUD_FIX_HOME")
    if override:
        return Path(override) / "cache"
    try:
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "icloud-fix"
        if os.name == "nt":
            local = os.environ.get("LOCALAPPDATA")
            return Path(local) / "icloud-fix" / "Cache" if local else None
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
        return base / "icloud-fix"
    except (RuntimeError, OSError):  # no home folder to speak of
        return None


def _encode(value: Any) -> Any:
    """The model as plain data: an object is a list [class index, field values...]."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple):
        return tuple(_encode(item) for item in value)
    cls = type(value)
    if cls in _FIELDS:
        return [_CLASSES.index(cls), *(_encode(getattr(value, name)) for name in _FIELDS[cls])]
    raise _Damaged(f"cannot keep a {cls.__name__}")


@functools.cache
def _shape(hint: Any) -> tuple[str, tuple[Any, ...]]:
    """What a field type is: ("union", arms), ("tuple", item types), ("tuple...",
    (item type,)), ("class", ()) or ("plain", ())."""
    if hint is KindSpec:
        return "union", kinds.spec_types()
    arms = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return "union", arms
    if typing.get_origin(hint) is tuple:
        if len(arms) == 2 and arms[1] is Ellipsis:
            return "tuple...", arms[:1]
        return "tuple", arms
    if hint in _HINTS:
        return "class", ()
    if hint in _PLAIN:
        return "plain", ()
    raise _Damaged(f"the model has a {hint} the cache cannot check")


def _decode(value: Any, hint: Any, content: str) -> Any:
    """value as the model's type ``hint``; _Damaged when it is not exactly that, or is
    text with a control or invisible character the flow file's ``content`` has not."""
    shape, arms = _shape(hint)
    if shape == "plain" and type(value) is hint:
        if hint is str and _unsafe().search(value) \
                and not all(c in content for c in set(_unsafe().findall(value))):
            raise _Damaged("text with a character the flow file does not have")
        return value
    if shape == "union":
        if type(value) in arms:  # a plain value: one arm is its very type
            return _decode(value, type(value), content)
        for arm in arms:
            if _shape(arm)[0] != "plain":
                with contextlib.suppress(_Damaged):
                    return _decode(value, arm, content)
    elif shape == "tuple..." and type(value) is tuple:
        return tuple(_decode(item, arms[0], content) for item in value)
    elif shape == "tuple" and type(value) is tuple and len(value) == len(arms):
        return tuple(_decode(item, arm, content) for item, arm in zip(value, arms, strict=True))
    elif (shape == "class" and type(value) is list and value and type(value[0]) is int
          and value[0] == _CLASSES.index(hint)):
        names = _FIELDS[hint]
        if len(value) - 1 != len(names):
            raise _Damaged(f"a {hint.__name__} with the wrong number of fields")
        fields = _HINTS[hint]
        return hint(*(_decode(item, fields[name], content)
                      for item, name in zip(value[1:], names, strict=True)))
    raise _Damaged(f"{type(value).__name__} where the model has {hint}")


@functools.cache
def _unsafe() -> re.Pattern[str]:
    """Any one control or invisible character (safe_text's list)."""
    codes = sorted(map(ord, UNSAFE_CHARACTERS))
    ranges: list[list[int]] = []
    for code in codes:  # consecutive characters as one range: a far faster class
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                                    for a, b in ranges) + "]")


def read(content: str, folder: Path | None = None) -> Flow | None:
    """The flow cached for a flow file of exactly this text; None when there is none,
    or it is for another text or other versions, or it is damaged in any way."""
    folder = folder if folder is not None else directory()
    if folder is None:
        return None
    try:
        with open(folder / FILE_NAME, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES or not data.startswith(MAGIC):
            return None
        checksum, body = data[len(MAGIC):len(MAGIC) + 4], data[len(MAGIC) + 4:]
        if len(checksum) != 4 or int.from_bytes(checksum, "big") != zlib.crc32(body):
            return None
        stored = marshal.loads(body)
        if (type(stored) is not tuple or len(stored) != 3 or stored[0] != _key()
                or stored[1] != content):
            return None
        return _decode(stored[2], Flow, content)  # type: ignore[no-any-return]
    except (OSError, ValueError, EOFError, TypeError, RecursionError, MemoryError, _Damaged):
        return None


def write(content: str, flow: Flow, folder: Path | None = None) -> bool:
    """Keep flow as what a flow file of this text loads as; False (and nothing
    written) when it cannot be, for whatever reason."""
    folder = folder if folder is not None else directory()
    if folder is None:
        return False
    try:
        body = marshal.dumps((_key(), content, _encode(flow)))
    except (ValueError, RecursionError, _Damaged):
        return False
    data = MAGIC + zlib.crc32(body).to_bytes(4, "big") + body
    temporary = folder / f".{FILE_NAME}.{os.getpid()}.tmp"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / FILE_NAME)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True
