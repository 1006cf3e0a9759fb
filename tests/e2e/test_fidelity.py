"""portcheck prepares once (wasmtime compile, jco's own run/serve output) and runs the prepared artifact.

Its verdicts are only as true as the claim that this equals the engines' own commands run the
naive way. These tests run 12 built-ins of both kinds both ways, on `wasmtime run`, `wasmtime
serve`, `jco run` and `jco serve`, each with and without flags, and compare every observed
field: exit code and stdout of a client; status, every header with its order and case, body,
trailers, framing, transport failure and alive-after of each exchange; what the origin saw.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from portcheck import engines
from portcheck.engines.interface import Engine
from portcheck.engines.jco.package import jco_script
from portcheck.harness.execute import execute
from portcheck.harness.processes import Invocation
from portcheck.harness.runner import Prepared
from portcheck.judge.diff import Options, compare
from portcheck.matrix import builtin_scenarios
from portcheck.model.observation import Failure, Observation
from portcheck.model.scenario import EngineSpec, Scenario
from portcheck.provision.node import node_binary
from portcheck.toolchains import component_for
from tests.conftest import without_clock

pytestmark = pytest.mark.e2e

CLIENTS = (
    "client-get-basic",
    "client-repeated-response-headers",
    "client-bodies-response-trailers",
    "client-errors-reset",
    "client-connection-refused",
    "client-fields-odd-values",
)
SERVERS = (
    "server-echo",
    "server-repeated-headers",
    "server-handler-fails",
    "server-life-instance-reuse",
    "server-bodies-trailers",
    "server-fields-order",
)
# Each engine type plain, and with flags a user deploys: they must reach the engine's own
# commands exactly as they reach portcheck's prepared runs.
VARIANTS = {
    "wasmtime": (),
    "wasmtime-flags": (("flags", ("-O", "opt-level=0", "--max-instance-reuse-count", "4")),),
    "jco": (),
    "jco-flags": (("flags", ("--isolate-requests", "instance", "--jco-import-bindings", "hybrid")),),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EngineCommand:
    """The engine's own command line on the raw component, as a person types it: a `Runnable`."""

    def __init__(self, engine: Engine, component: Path) -> None:
        self.engine, self.component = engine, str(component)
        self.port = free_port()  # jco serve takes a port number; wasmtime serve is told it too

    def program(self, argv: list[str]) -> list[str]:
        tools = {"wasmtime": [str(getattr(self.engine, "binary", "wasmtime"))]}
        tools["jco"] = [str(node_binary()), str(jco_script())]
        return tools.get(argv[0], argv[:1]) + argv[1:]

    def client(self, env: Mapping[str, str]) -> Invocation:
        command = self.engine.cli_client(self.component, env)
        return Invocation(self.program(command.argv), command.env)

    def server(self, env: Mapping[str, str]) -> Invocation:
        command = self.engine.cli_server(self.component, self.port, env)
        return Invocation(self.program(command.argv), command.env)

    def listening_port(self, output: str) -> int | None:
        return self.port if self.engine.listening_port(output) is not None else None

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return self.engine.diagnose(returncode, stderr)


def both_ways(scenario: Scenario, engine: Engine) -> tuple[Observation, Observation]:
    component = component_for(scenario)
    prepared = execute(scenario, Prepared(engine, engine.prepare(component, scenario.kind, scenario.wasi)))
    return without_clock(prepared), without_clock(execute(scenario, EngineCommand(engine, component)))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_prepared_runs_see_what_the_engines_own_commands_see(variant: str) -> None:
    engine = engines.create(EngineSpec(variant, variant.split("-")[0], VARIANTS[variant]))
    engine.provision()
    # None of these waits out its timeout; a long one keeps the naive side's compile of every
    # run (seconds for a Python guest, more on a loaded machine) from turning into a timeout.
    chosen = [replace(s, timeout=180.0) for s in builtin_scenarios() if s.name in (*CLIENTS, *SERVERS)]
    assert len(chosen) == 12
    with ThreadPoolExecutor(max_workers=2) as pool:
        pairs = list(pool.map(lambda s: both_ways(s, engine), chosen))
    mismatched = {}
    for scenario, (prepared, own) in zip(chosen, pairs, strict=True):
        assert prepared.failure is None, (scenario.name, prepared.message)  # real runs, not two failures
        comparison = compare(own, prepared, Options(strict_headers=True, normalize=scenario.normalize))
        if comparison.differences:
            mismatched[scenario.name] = comparison.differences
    assert mismatched == {}
