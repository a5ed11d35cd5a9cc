"""The one error type fastgen reports to users."""

from __future__ import annotations


class FastgenError(Exception):
    """A problem with the user's input or environment.

    The CLI prints ``message`` on one line and exits with ``exit_code``; nothing has
    been written when it is raised.
    """

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __reduce__(self) -> tuple[type[FastgenError], tuple[str], dict[str, int]]:
        # Errors cross process boundaries (fastgen.parallel) with their exit code.
        return (type(self), (self.message,), {"exit_code": self.exit_code})
