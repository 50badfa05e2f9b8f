"""A cache of the parsed built-in flow, so a run need not parse YAML it parsed before.

The built-in flow is the same file run after run; parsing and checking it (and
importing PyYAML to do so) is a good part of a scripted run's own time. The flow as
loaded is kept as plain data (``marshal`` of tuples, lists, text and numbers: no code,
no pickled objects) in the user's cache folder, or in ``$ICLOUD_FIX_HOME/cache``.

The cache is only ever a shortcut, never a source of truth:

* it is keyed by content: the file holds the exact text of the flow file it was
  made from, the icloud-fix and Python versions and the fields of the model, and is
  used only when all of them equal the current ones;
* it is never trusted when damaged: a checksum covers the whole file, and reading it
  accepts nothing but the model's own classes built from plain values; anything else
  (or any error on the way) reads as "no cache" and the flow file is parsed;
* it is never written where it cannot be: a folder that cannot be made or written, a
  full disk or a read-only system is silently left alone, and the file is replaced
  in one rename, so a reader never sees half of it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from icloud_fix import __version__
from icloud_fix.flow import Check, Choice, Condition, Flow, Question, Suggest

MAGIC = b"icloud-fix flow cache\n"
FILE_NAME = "builtin-flow.marshal"
# A cache file is a few dozen KiB; anything far larger is not one of ours.
MAX_BYTES = 8 * 2**20

_CLASSES: tuple[type, ...] = (Flow, Check, Question, Condition, Suggest, Choice)
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES}
_PLAIN = (str, int, float, bool, type(None))


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


def _decode(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if type(value) is tuple:
        return tuple(_decode(item) for item in value)
    if type(value) is list and value and type(value[0]) is int and 0 <= value[0] < len(_CLASSES):
        cls = _CLASSES[value[0]]
        if len(value) - 1 != len(_FIELDS[cls]):
            raise _Damaged(f"a {cls.__name__} with the wrong number of fields")
        return cls(*(_decode(item) for item in value[1:]))
    raise _Damaged(f"unexpected {type(value).__name__}")


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
        flow = _decode(stored[2])
    except (OSError, ValueError, EOFError, TypeError, RecursionError, MemoryError, _Damaged):
        return None
    return flow if isinstance(flow, Flow) else None


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
