"""The errors a user can cause, and the exit codes they map to.

Every message here is the sentence the user reads; the CLI prints it as it is, each
line after ERROR_PREFIX (see error_lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from icloud_fix.safe_text import one_line, visible

EXIT_OK = 0
EXIT_PROBLEMS_FOUND = 1
EXIT_INPUT_ERROR = 2
EXIT_INCONCLUSIVE = 3  # no check failed, but not every selected check passed
EXIT_INTERRUPTED = 130
EXIT_HANGUP = 129  # 128 + SIGHUP
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away
EXIT_INTERNAL_ERROR = 70  # a bug in icloud-fix (EX_SOFTWARE)
EXIT_OUTPUT_ERROR = 74  # stdout or stderr could not be written (EX_IOERR)

# Every error line on stderr starts with the program's name, as Unix tools' do: in a
# script's log or a pipeline it says which program complained. It is added where an
# error is printed (error_lines), so a message stays a plain sentence to reuse.
ERROR_PREFIX = "icloud-fix: "


def error_lines(message: str) -> str:
    """An error message as it is printed on stderr: each line after ERROR_PREFIX, with
    any control character in it spelled out (messages quote what the user gave), and
    each ending in a newline."""
    return "".join(f"{ERROR_PREFIX}{visible(line)}\n" for line in message.splitlines())


class IcloudFixError(Exception):
    """Anything the user can cause: a bad flow file, a bad answer, a missing answer."""

    exit_code = EXIT_INPUT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located as precisely as the file allows."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return one_line(f"{where}: {self.message}")


# A file with thousands of mistakes gets the first of them, then a count: the rest
# would only scroll the useful ones away (and cost time to print).
MAX_PROBLEMS_SHOWN = 100


class InputFileError(IcloudFixError):
    """A flow file or an answer file that cannot be used; carries every problem found,
    and says the first MAX_PROBLEMS_SHOWN of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        more = len(problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            source = problems[0].source
            lines.append(one_line(f"{source}: ... and {more:,} more problem"
                                  f"{'s' if more != 1 else ''}; fix these first"))
        super().__init__("\n".join(lines))


class Terminated(KeyboardInterrupt):
    """A signal that stops the run (see stopping.py), so a session ends like Ctrl-C:
    the terminal is restored and the answers so far are kept."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.exit_code = 128 + signum
        self.reason = {
            # In a terminal in line mode (--plain), Ctrl-C is a SIGINT.
            "SIGINT": "interrupted (Ctrl-C)",
            "SIGHUP": "the terminal was closed (SIGHUP)",
        }.get(name, f"stopped by {name}")


class OutputError(IcloudFixError):
    """A report or answers file that cannot be written where the person asked: bad input
    (2) for a name that cannot be used, an I/O error (74) when writing itself failed (a
    full disk, a device that takes nothing)."""

    def __init__(self, target: str, reason: str, io_error: bool = False) -> None:
        super().__init__(one_line(f"{target}: {reason}"))
        self.target = target
        self.reason = reason
        if io_error:
            self.exit_code = EXIT_OUTPUT_ERROR


def is_io_error(exc: OSError) -> bool:
    """Whether writing failed for lack of room or a failing device, not for the name."""
    import errno

    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)
