"""The one exception tree of dgbot; the CLI maps it to messages and exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class DgbotError(Exception):
    """Root of every error dgbot raises on purpose."""

    exit_code = EXIT_INTERNAL


class UsageError(DgbotError):
    """The command line or a named path is wrong: the user must change the call."""

    exit_code = EXIT_USAGE


class PlanError(DgbotError):
    """A plan cannot be turned into what was asked (e.g. exported) for a located reason."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, path: str | None = None, json_path: str | None = None):
        super().__init__(message)
        self.path = path
        self.json_path = json_path


class ResourceError(DgbotError):
    """A file shipped with dgbot (schema, template) is missing or broken: a packaging bug."""


class UnsafePathError(DgbotError):
    """Repository content tried to make dgbot write or read outside it (a symlink, a device, `..`).

    A governance failure located at the offending path, never followed.
    """

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.path = path
