"""The one small interface every engine type implements.

An engine type is one folder in portcheck/engines/ and one line in its registry (__init__.py).
It declares its type name, the options of its `[engines.NAME]` table, and which kinds of
scenario it cannot run; it provisions its own tools, prepares a component once (compiling or
transpiling it into the cache), and says how to run a prepared client and serve a prepared
server. portcheck owns the processes: an engine only describes command lines and reads its
own output.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from portcheck.errors import EnvironmentProblem
from portcheck.harness.processes import Invocation
from portcheck.model.observation import Failure, FailureClass
from portcheck.model.scenario import EngineSpec, Kind, OptionValue, Scenario

__all__ = ["Engine", "Failure", "Invocation", "Option", "PrepareError"]


@dataclass(frozen=True)
class Option:
    """One key of an engine type's `[engines.NAME]` table (`type` is everyone's)."""

    name: str
    help: str  # one line: the README's engine reference and `portcheck engines types` show it
    default: OptionValue | None = None  # None: no value (the engine decides, and says so in `help`)
    choices: tuple[str, ...] = ()
    many: bool = False  # a list of strings, such as command-line flags
    pattern: str | None = None  # a regex the whole value must match
    expected: str = ""  # how to describe a valid value when it does not match `pattern`
    reserved: tuple[str, ...] = ()  # flags portcheck sets itself, refused in a `many` option


class PrepareError(Exception):
    """The engine could not load the component (compile or instantiate), in its own words."""

    def __init__(self, failure: FailureClass, message: str) -> None:
        super().__init__(message)
        self.failure: FailureClass = failure
        self.message = message


class Engine(ABC):
    """One column of the matrix."""

    type_name: ClassVar[str]  # what `type = "..."` says in matrix.toml
    summary: ClassVar[str]  # one line for the engine reference
    client_command: ClassVar[str]  # how clients run, for the engine reference
    server_command: ClassVar[str]  # how servers are served, for the engine reference
    OPTIONS: ClassVar[tuple[Option, ...]] = ()
    unsupported: ClassVar[Mapping[str, str]] = {}  # kind -> why this type cannot run it at all

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec
        self._version: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def option(self, name: str) -> OptionValue | None:
        """The option's value in the matrix, or its default."""
        default = next(option.default for option in self.OPTIONS if option.name == name)
        return self.spec.option(name, default)

    def variant(self) -> str:
        """The options that differ from the defaults, for `portcheck engines`."""
        parts = []
        for option in self.OPTIONS:
            value = self.option(option.name)
            if value not in (None, (), option.default):
                parts.append(" ".join(value) if isinstance(value, tuple) else f"{option.name} {value}")
        return ", ".join(parts)

    def version(self) -> str:
        """The exact version, as the engine itself reports it (asked once; needs `provision` first)."""
        if self._version is None:
            if not self.provisioned():
                raise EnvironmentProblem(f"{self.name} is not installed (portcheck engines install does it)")
            self._version = self.read_version()
        return self._version

    def skip_reason(self, scenario: Scenario) -> str | None:
        """Why this engine does not run `scenario` (None: it does). The one place that says so."""
        return self.unsupported.get(scenario.kind)

    def cached_tools(self) -> list[Path]:
        """What `provision` installs into the cache for this engine: `cache prune` keeps these."""
        return []

    def repro_files(self) -> list[tuple[Path, str]]:
        """Files a repro folder needs beside the component for `cli_client`/`cli_server` to work,
        as (the file, its name in the folder)."""
        return []

    def diagnosis(self) -> tuple[str, dict[str, str]]:
        """The standard-library-only module whose `diagnose(returncode, stderr, **arguments)` this
        engine's runs need, and those arguments: a repro folder carries a copy of the module."""
        package = type(self).__module__.rsplit(".", 1)[0]
        return f"{package}.diagnosis", {}

    @abstractmethod
    def provision(self) -> None:
        """Install everything this engine needs into portcheck's cache (quick when already there)."""

    @abstractmethod
    def provisioned(self) -> bool:
        """Whether everything this engine needs is in place already (asking installs nothing)."""

    @abstractmethod
    def read_version(self) -> str:
        """Ask the engine for its exact version."""

    @abstractmethod
    def prepare(self, component: Path, kind: Kind, wasi: str) -> Path:
        """Turn a component into what this engine runs, once, in the cache; may raise PrepareError.

        `kind` and `wasi` are the scenario's (client or server; "0.2" or "0.3"): an engine may
        prepare them differently (jco: its own run or serve output; JSPI async mode for 0.3).
        `skip_reason` has already said that it can run them.
        """

    @abstractmethod
    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        """The command that runs a prepared client component (wasi:cli/run) to completion."""

    @abstractmethod
    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        """How a person runs a client with the engine's own CLI, no portcheck: for repro folders."""

    @abstractmethod
    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        """Why a run ended with this status: None when the guest itself chose the exit code."""

    # Servers: an engine type that lists "server" in `unsupported` need not implement these.

    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        """The command that serves a prepared wasi:http/incoming-handler on 127.0.0.1, any free port."""
        raise AssertionError(f"{self.type_name} serves nothing: {self.unsupported.get('server')}")

    def listening_port(self, output: str) -> int | None:
        """The port a server started by `server` announced in its output, once it has."""
        return None

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        """How a person serves a component with the engine's own CLI on 127.0.0.1:port."""
        raise AssertionError(f"{self.type_name} serves nothing: {self.unsupported.get('server')}")
