"""The one small interface every engine implements.

An engine prepares a component once (compiling or transpiling it into the cache), then says
how to run a prepared client and how to serve a prepared server. portcheck owns the processes:
an engine only describes the command lines and reads its own output.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from portcheck.config import EngineSpec
from portcheck.observations import FailureClass


class Invocation(NamedTuple):
    argv: list[str]
    env: dict[str, str]
    cwd: Path | None = None


class Failure(NamedTuple):
    """Why an engine run did not end normally, in the engine's own words."""

    failure: FailureClass
    message: str


class PrepareError(Exception):
    """The engine could not load the component (compile or instantiate), in its own words."""

    def __init__(self, failure: FailureClass, message: str) -> None:
        super().__init__(message)
        self.failure: FailureClass = failure
        self.message = message


class Engine(ABC):
    """One column of the matrix."""

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec
        self._version: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def version(self) -> str:
        """The exact version, as the engine itself reports it (asked once)."""
        if self._version is None:
            self._version = self.read_version()
        return self._version

    @abstractmethod
    def read_version(self) -> str:
        """Ask the engine for its exact version."""

    def provisioned(self) -> bool:
        """Whether everything this engine needs is in place already (asking installs nothing)."""
        return True

    def repro_files(self) -> list[Path]:
        """Files a repro folder needs beside the component for `cli_client`/`cli_server` to work."""
        return []

    def skip_reason(self, kind: str) -> str | None:
        """Why this engine cannot run scenarios of `kind` at all (None: it can)."""
        return None

    @abstractmethod
    def prepare(self, component: Path) -> Path:
        """Turn a component into what this engine runs, once, in the cache; may raise PrepareError."""

    @abstractmethod
    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        """The command that runs a prepared client component (wasi:cli/run) to completion."""

    @abstractmethod
    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        """The command that serves a prepared wasi:http/incoming-handler on 127.0.0.1, any free port."""

    @abstractmethod
    def listening_port(self, output: str) -> int | None:
        """The port a server started by `server` announced in its output, once it has."""

    @abstractmethod
    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        """How a person runs a client with the engine's own CLI, no portcheck: for repro folders."""

    @abstractmethod
    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        """How a person serves a component with the engine's own CLI on 127.0.0.1:port."""

    @abstractmethod
    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        """Why a run ended with this status: None when the guest itself chose the exit code."""
