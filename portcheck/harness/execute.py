"""One scenario on one engine: start the origin, run the client or serve and drive the server, record.

The runner calls `execute` for every cell; a repro folder carries a copy of this file and calls
it with the engines' own command lines. Standard library only (and portcheck's model and
harness), so that the copy runs without portcheck installed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from portcheck.harness import driver, processes, procfs
from portcheck.harness.origin import HOST, OriginServer
from portcheck.harness.processes import Invocation
from portcheck.model.observation import Exchange, Failure, Observation, sorted_requests
from portcheck.model.scenario import Scenario, ScriptedRequest

ALIVE_GRACE = 2.0  # after a failed exchange, how long a dying server gets to exit
# Before the next request, a server gets this long to finish with the last one (to go quiet):
# whether an engine hands the next request to the same instance must not depend on a race.
QUIET_LIMIT = 2.0
ORIGIN, ORIGIN_AUTHORITY, SERVER_AUTHORITY = "{origin}", "{origin-authority}", "{server-authority}"


class Runnable(Protocol):
    """An engine ready to run one component: what `execute` needs of it."""

    def client(self, env: Mapping[str, str]) -> Invocation: ...

    def server(self, env: Mapping[str, str]) -> Invocation: ...

    def listening_port(self, output: str) -> int | None: ...

    def diagnose(self, returncode: int, stderr: str) -> Failure | None: ...


def execute(scenario: Scenario, engine: Runnable) -> Observation:
    """Everything observable while `engine` runs `scenario`, as it was (the judge normalizes)."""
    started = time.monotonic()
    with origin_for(scenario) as origin:
        env = dict(scenario.env)
        if origin is not None:
            env["PORTCHECK_ORIGIN"] = origin.url
        if scenario.kind == "client":
            observation = run_client(scenario, engine, env)
        else:
            observation = run_server(scenario, engine, env, origin)
        if origin is not None:
            recorded = origin.recorded()
            in_any_order = scenario.origin is not None and scenario.origin.sorted_requests
            observation.origin_requests = sorted_requests(recorded) if in_any_order else recorded
            # Each run has its own origin port: the judge replaces these to compare runs.
            observation.endpoints[:0] = [(ORIGIN, origin.url), (ORIGIN_AUTHORITY, origin.authority)]
    observation.seconds = time.monotonic() - started
    return observation


@contextlib.contextmanager
def origin_for(scenario: Scenario) -> Iterator[OriginServer | None]:
    if scenario.origin is None:
        yield None
        return
    with OriginServer(scenario.origin) as origin:
        yield origin


def run_client(scenario: Scenario, engine: Runnable, env: dict[str, str]) -> Observation:
    invocation = engine.client(env)
    finished = processes.run(invocation.argv, invocation.env, scenario.timeout, invocation.cwd)
    stderr = finished.stderr.decode("utf-8", "replace")
    observation = Observation(
        kind="client",
        exit_code=finished.returncode,
        stdout=finished.stdout.decode("utf-8", "replace"),
        stderr=stderr,
    )
    if finished.timed_out:
        observation.failure = "timeout"
        observation.message = f"no exit after {scenario.timeout:g} s"
    elif finished.returncode != 0 and (failure := engine.diagnose(finished.returncode or 0, stderr)):
        observation.failure, observation.message = failure
    return observation


def run_server(
    scenario: Scenario, engine: Runnable, env: dict[str, str], origin: OriginServer | None
) -> Observation:
    invocation = engine.server(env)
    observation = Observation(kind="server")
    with processes.Server(invocation.argv, invocation.env, invocation.cwd) as server:
        port = server.wait_for(engine.listening_port, timeout=scenario.timeout)
        if port is None or not processes.wait_accepting(HOST, port, scenario.timeout, server.alive):
            observation.failure, observation.message = startup_failure(engine, server, scenario.timeout)
        else:
            observation.exchanges = drive(scenario, server, port, origin)
        server.stop()
        observation.stdout, observation.stderr = server.output("stdout"), server.output("stderr")
    if port is not None:
        observation.endpoints.append((SERVER_AUTHORITY, f"{HOST}:{port}"))
    return observation


def drive(
    scenario: Scenario, server: processes.Server, port: int, origin: OriginServer | None
) -> list[Exchange]:
    """Send the scripted requests one after another (or all at once), noting if the server survived each.

    A request with a `handshake` confirms to the origin when the driver has what it waits for.
    Each request after the first waits until the server has gone quiet, as a person's client
    would: an engine that reuses instances then reuses one whenever it can.
    """
    requests = [with_origin(request, origin.url if origin else "") for request in scenario.requests]
    if not scenario.concurrent:
        exchanges = []
        for index, request in enumerate(requests):
            if index and server.process is not None:
                procfs.wait_quiet(server.process.pid, QUIET_LIMIT)
            confirm = origin.confirm if origin is not None and request.handshake else None
            exchange = driver.send(request, HOST, port, scenario.timeout, confirm)
            exchange.alive_after = still_alive(server, exchange)
            exchanges.append(exchange)
        return exchanges
    with ThreadPoolExecutor(max_workers=len(requests)) as senders:
        exchanges = list(
            senders.map(lambda request: driver.send(request, HOST, port, scenario.timeout), requests)
        )
    alive = all(still_alive(server, exchange) for exchange in exchanges)
    for exchange in exchanges:
        exchange.alive_after = alive
    return exchanges


def startup_failure(engine: Runnable, server: processes.Server, timeout: float) -> Failure:
    if server.alive():
        return Failure("timeout", f"the server did not accept connections within {timeout:g} s")
    server.stop()  # it exited: let the readers take in the last of what it wrote
    stderr = server.output("stderr") + server.output("stdout")
    returncode = server.process.returncode if server.process else -1
    failure = engine.diagnose(returncode, stderr)
    if failure is not None:
        return failure
    return Failure(
        "crash", processes.tail(stderr, 6) or f"the server exited with status {returncode} before listening"
    )


def still_alive(server: processes.Server, exchange: Exchange) -> bool:
    """Whether the server survived the exchange; a failed one gives a dying server time to exit."""
    if exchange.failure is None:
        return server.alive()
    return not server.wait_exit(ALIVE_GRACE)


def with_origin(request: ScriptedRequest, origin_url: str) -> ScriptedRequest:
    """Replace {origin} in the path, header values and body with the origin's URL."""
    return dataclasses.replace(
        request,
        path=request.path.replace(ORIGIN, origin_url),
        headers=tuple((name, value.replace(ORIGIN, origin_url)) for name, value in request.headers),
        body=request.body.replace(ORIGIN.encode(), origin_url.encode()),
    )
