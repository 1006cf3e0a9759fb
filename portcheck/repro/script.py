#!/usr/bin/env python3
"""Reproduce one portcheck scenario with the engines' own command lines, no portcheck needed.

    python3 repro.py                 # every engine in scenario.json, one after another
    python3 repro.py jco             # just one
    WASMTIME=/path/to/wasmtime JCO="npx jco" python3 repro.py

Needs Python 3.11+ and the engines. The program a command starts can be named by an environment
variable: its name in capitals (WASMTIME, JCO, PYTHON3), possibly several words. The scenario
runs through portcheck's own `execute`, origin and request driver, copied into vendor/, so it
behaves exactly as in the run that found the divergence.
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "vendor"))

from portcheck.harness import processes  # noqa: E402
from portcheck.harness.execute import ORIGIN, execute  # noqa: E402
from portcheck.harness.processes import Invocation  # noqa: E402
from portcheck.model.observation import Failure  # noqa: E402
from portcheck.model.projection import project  # noqa: E402
from portcheck.model.scenario import Scenario  # noqa: E402

DATA = json.loads((HERE / "scenario.json").read_text())
SCENARIO = Scenario.from_json(DATA["scenario"])


def program(name: str) -> list[str]:
    """The command for a program: $NAME if set (may be several words), else the name itself."""
    return shlex.split(os.environ.get(name.upper().replace("-", "_"), name))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EngineCommand:
    """An engine's own command line, as scenario.json has it: the `Runnable` execute runs."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.command = spec["command"]
        self.diagnosis = importlib.import_module(spec["diagnosis"])
        self.arguments = spec["diagnosis_arguments"]
        self.port = free_port()

    def invocation(self, env: Mapping[str, str]) -> Invocation:
        values = {ORIGIN: env.get("PORTCHECK_ORIGIN", ""), "{port}": str(self.port)}

        def fill(text: str) -> str:
            for key, value in values.items():
                text = text.replace(key, value)
            return text

        argv = [fill(word) for word in self.command["argv"]]
        argv = program(argv[0]) + argv[1:]
        print("$ " + shlex.join(argv))
        extra = {name: fill(value) for name, value in self.command["env"].items()}
        return Invocation(argv, dict(os.environ, **extra), HERE)

    client = server = invocation

    def listening_port(self, output: str) -> int | None:
        return self.port  # the command was given this port: execute waits until it accepts

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return self.diagnosis.diagnose(returncode, stderr, **self.arguments)


def reproduce(engine: str) -> None:
    observation = execute(SCENARIO, EngineCommand(DATA["engines"][engine]))
    print(f"({observation.seconds:.2f} s)")
    for field, value in project(observation).items():
        print(f"  {field}: {value}".replace("\n", "\n      "))
    if observation.stderr.strip():
        print("  stderr: " + observation.stderr.strip().replace("\n", "\n      "))


def main() -> None:
    processes.install_handlers()
    chosen = sys.argv[1:] or list(DATA["engines"])
    for engine in chosen:
        if engine not in DATA["engines"]:
            sys.exit(f"repro.py: no engine {engine!r} here (one of: {', '.join(DATA['engines'])})")
    print(f"scenario {SCENARIO.name} ({SCENARIO.kind})")
    for engine in chosen:
        print(f"\n=== {engine}")
        reproduce(engine)


if __name__ == "__main__":
    main()
