"""Writing reports and answers to files without ever leaving one half-written."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from icloud_fix.errors import OutputError, is_io_error


def write_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, then rename it over path.

    A reader sees the old file or the new one, never a part; a failure leaves
    the old file as it was. The file keeps its permission bits and, where we may
    set them (as root; otherwise only a group we are in), its owner and group. A
    link is written through to its target, and a device or pipe (/dev/stdout,
    /dev/null) is written to directly, since it cannot be replaced; so is a file
    with other hard links (see _write_in_place). Raises OutputError with a plain
    reason.
    """
    source = str(path)

    def refuse(reason: str, exc: OSError | None = None) -> OutputError:
        return OutputError(source, reason, io_error=exc is not None and is_io_error(exc))

    if not source:
        raise refuse("a file name is needed")
    try:
        target = Path(os.path.realpath(path))
        try:
            old: os.stat_result | None = target.stat()
        except FileNotFoundError:
            old = None
        if old is not None and stat.S_ISDIR(old.st_mode):
            raise refuse("is a folder; give a file name to write")
        if old is not None and (not stat.S_ISREG(old.st_mode) or old.st_nlink > 1):
            _write_in_place(target, text)
            return
        folder = target.parent
        if not folder.is_dir():
            raise refuse(f"cannot be written: the folder '{path.parent}' does not exist")
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise refuse(f"cannot be written: {exc.strerror or exc}", exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace",
                       newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if old is not None:
            _keep_owner(temporary, old)
            # chmod after chown: a chown may clear bits. Only the permission bits: a
            # report is no program, and a set-user-id bit must not move to a new owner.
            os.chmod(temporary, stat.S_IMODE(old.st_mode) & 0o777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())  # as open() would create it
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise refuse(f"cannot be written: {exc.strerror or exc}", exc) from None
    except BaseException:  # a bug, or Ctrl-C while writing: no half-made file stays
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_new(stem: str, suffix: str, text: str, folder: Path | None = None) -> Path:
    """Write text to a new file in folder (the current one by default) named stem +
    suffix, or stem-2 + suffix and so on: never over a file that exists, even one made
    a moment ago by another session. Written whole to a temporary file first, then
    given its name by a hard link, which fails rather than replace. Raises OutputError.
    """
    where = folder or Path(".")
    first = where / f"{stem}{suffix}"
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=where)
    except OSError as exc:
        raise OutputError(str(first), f"cannot be written: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace",
                       newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        for number in range(1, 10_000):
            path = first if number == 1 else where / f"{stem}-{number}{suffix}"
            try:
                os.link(temporary, path)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (FAT, some network shares)
                try:
                    with open(path, "x", encoding="utf-8", errors="backslashreplace",
                              newline="\n") as stream:
                        stream.write(text)
                except FileExistsError:
                    continue
            return path
        raise OutputError(str(first), "cannot be written: every name like it is taken")
    except OSError as exc:
        raise OutputError(str(first), f"cannot be written: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _write_in_place(target: Path, text: str) -> None:
    """Write over the file itself rather than rename a new one over it.

    For a device or a pipe there is no other way. For a regular file with more than
    one hard link, a rename would give this name a new file and leave every other
    link on the old report, silently; the person linked the names so they would be
    one file, so the file itself is rewritten and every link sees the new report.
    The price is that a failure half-way (a full disk) can leave it partly written:
    the caller then prints the text instead, so nothing is lost.
    """
    # No O_TRUNC at open: the new text is written over the old and the rest cut
    # after, so the blocks the old text had are reused rather than freed first.
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    fd = os.open(target, flags)
    with os.fdopen(fd, "wb") as stream:
        data = text.encode("utf-8", "backslashreplace")
        stream.write(data)
        stream.flush()
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.ftruncate(fd, len(data))
            os.fsync(fd)


def _keep_owner(temporary: str, old: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as we are allowed.

    Root may give it to anyone; anyone else may only set a group they are in. A
    refusal (EPERM) is no reason to lose the report: the file is then ours, with
    the old permission bits.
    """
    if not hasattr(os, "chown"):  # Windows: no owners to keep
        return
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        os.chown(temporary, old.st_uid, old.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.chown(temporary, -1, old.st_gid)


def same_file(first: Path, second: Path) -> bool:
    """Whether two names are one regular file (or would be): the same path once links
    are resolved, or two hard links of one file. Devices and pipes (/dev/null,
    /dev/stdout) are never "the same file": writing to one twice loses nothing."""
    try:
        one, two = os.path.realpath(first), os.path.realpath(second)
        stats: list[os.stat_result | None] = []
        for name in (one, two):
            try:
                stats.append(os.stat(name))
            except FileNotFoundError:
                stats.append(None)
    except (OSError, ValueError):
        return False  # a name that cannot be looked at gets its own message later
    a, b = stats
    if any(s is not None and not stat.S_ISREG(s.st_mode) for s in stats):
        return False
    if a is not None and b is not None:
        return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
    return one == two


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
