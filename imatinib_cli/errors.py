"""The one exception family the library raises; the CLI turns it into a one-line message."""

from __future__ import annotations


class ImxError(Exception):
    """A problem a user can act on; the message names the file and the reason."""

    exit_code = 1


class UsageError(ImxError):
    """Bad command-line input (missing path, unknown option value)."""

    exit_code = 2


class InputError(ImxError):
    """A file that could not be read or parsed."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
