"""One error hierarchy for the whole product.

Core code raises these; the CLI turns them into one red line on stderr and an exit code.
The message says what is wrong and, where it can, what to run next. Messages never carry
transcript text beyond what the user typed.
"""

from __future__ import annotations


class QcodeError(Exception):
    """A problem the user can fix. Exit code 1."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class UsageError(QcodeError):
    """Bad arguments or options. Exit code 2."""

    exit_code = 2


class NotFoundError(QcodeError):
    """A named thing (document, code, coder, coding) does not exist."""


class InputError(QcodeError):
    """A file given by the user cannot be read or is malformed."""


class CodebookError(InputError):
    """A codebook file has problems; `problems` lists every one as `FILE:LINE:COL: message`."""

    def __init__(self, message: str, problems: list[str] | None = None, **kw: str | None) -> None:
        super().__init__(message, hint=kw.get("hint"))
        self.problems = problems or []


class BusyError(QcodeError):
    """Another command holds the project's write lock for longer than we wait. Exit code 1:
    nothing was changed, and the same command can simply be run again."""


class ProjectError(QcodeError):
    """The project database needs attention (missing, too new, failed migration). Exit code 3."""

    exit_code = 3
