"""Writing reports and answers to files without ever leaving one half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from icloud_fix.errors import InputFileError, Problem


def write_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, then rename it over path.

    A reader sees the old file or the new one, never a part; a failure leaves
    the old file as it was. Raises InputFileError with a plain reason.
    """
    source = str(path)
    folder = path.parent
    if path.is_dir():
        raise InputFileError([Problem(source, None, "is a folder; give a file name to write")])
    if not folder.is_dir():
        raise InputFileError([Problem(source, None, f"cannot be written: the folder '{folder}' "
                                      "does not exist")])
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputFileError([Problem(source, None, f"cannot be written: {reason}")]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            # Keep the permissions of the file being replaced.
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        reason = exc.strerror or str(exc)
        raise InputFileError([Problem(source, None, f"cannot be written: {reason}")]) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
