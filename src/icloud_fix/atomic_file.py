"""Writing reports and answers to files without ever leaving one half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from icloud_fix.errors import OutputError


def write_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, then rename it over path.

    A reader sees the old file or the new one, never a part; a failure leaves
    the old file as it was. A link is written through to its target, and a
    device or pipe (/dev/stdout, /dev/null) is written to directly, since it
    cannot be replaced. Raises OutputError with a plain reason.
    """
    source = str(path)

    def refuse(reason: str) -> OutputError:
        return OutputError(source, reason)

    if not source:
        raise refuse("a file name is needed")
    try:
        target = Path(os.path.realpath(path))
        if target.exists() and not target.is_file():
            if target.is_dir():
                raise refuse("is a folder; give a file name to write")
            with open(target, "w", encoding="utf-8") as stream:  # a device or a pipe
                stream.write(text)
            return
        folder = target.parent
        if not folder.is_dir():
            raise refuse(f"cannot be written: the folder '{path.parent}' does not exist")
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise refuse(f"cannot be written: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            # Keep the permissions of the file being replaced.
            with contextlib.suppress(OSError):
                os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise refuse(f"cannot be written: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
