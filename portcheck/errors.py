"""The failures portcheck reports as one line and an exit code, never as a traceback."""

from __future__ import annotations

from pathlib import Path

EXIT_PORTABLE = 0
EXIT_DIVERGES = 1
EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


class PortcheckError(Exception):
    """An error that ends the run with one line and a documented exit code."""

    exit_code = EXIT_BAD_INPUT


class InputError(PortcheckError):
    """The user's input is wrong: names the file, the key and what was expected."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        where = f"{self.file}: {key}" if key else self.file
        super().__init__(f"{where}: {problem}")


class EnvironmentProblem(PortcheckError):
    """An engine or toolchain could not be provisioned or started on this machine."""

    exit_code = EXIT_ENVIRONMENT


class BuildError(Exception):
    """A toolchain failed to turn a source into a component; becomes a per-cell `error`."""
