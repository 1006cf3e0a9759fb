"""Run every scenario on every engine: build once, prepare once per engine, then run in parallel.

This stage and the fixtures are the only ones that touch processes and sockets; they turn a
Matrix into plain Observations.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from portcheck import procs
from portcheck.config import Matrix, Scenario, ScriptedRequest
from portcheck.engines.interface import Engine, PrepareError
from portcheck.errors import BuildError
from portcheck.fixtures import driver
from portcheck.fixtures.origin import HOST, OriginServer
from portcheck.observations import Exchange, Observation
from portcheck.toolchains import component_for

ALIVE_GRACE = 2.0  # after a failed exchange, how long a dying server gets to exit
Progress = Callable[[str], None]


def build_identity(scenario: Scenario) -> tuple[object, ...]:
    """Scenarios with the same identity share one component."""
    return (scenario.component, scenario.source, scenario.build, scenario.kind)


BuildOutcome = Path | BuildError
PrepareOutcome = Path | BuildError | PrepareError


def outcome_of(work: Callable[[], Path]) -> Path | BuildError | PrepareError:
    try:
        return work()
    except (BuildError, PrepareError) as error:
        return error


def prepare_after(engine: Engine, build: Future[BuildOutcome]) -> PrepareOutcome:
    component = build.result()
    return component if isinstance(component, BuildError) else outcome_of(lambda: engine.prepare(component))


def run_after(scenario: Scenario, engine: Engine, prepared: Future[PrepareOutcome] | None) -> Observation:
    if reason := engine.skip_reason(scenario.kind):
        return Observation(kind=scenario.kind, skipped=reason)
    assert prepared is not None
    artifact = prepared.result()
    if isinstance(artifact, BuildError):
        return Observation(kind=scenario.kind, failure="build", message=str(artifact))
    if isinstance(artifact, PrepareError):
        return Observation(kind=scenario.kind, failure=artifact.failure, message=artifact.message)
    return observe(scenario, engine, artifact)


def run_matrix(
    matrix: Matrix, engines: list[Engine], jobs: int, progress: Progress, tick: Progress | None = None
) -> dict[str, dict[str, Observation]]:
    """Observations per scenario name, then per engine name, in matrix order.

    Builds, preparations and runs share one pool, submitted in that order: a run starts as soon
    as its engine's artifact is ready, not when every artifact is. A task only ever waits for
    tasks submitted before it, which the FIFO pool has already started, so waiting cannot
    deadlock. `progress` hears the plan, `tick` about each finished engine run.
    """
    first = {build_identity(scenario): scenario for scenario in reversed(matrix.scenarios)}
    work = [(scenario, engine) for scenario in matrix.scenarios for engine in engines]
    needed = {(e.name, build_identity(s)): e for s, e in work if not e.skip_reason(s.kind)}
    progress(
        f"building {len(first)} component(s), preparing {len(needed)} artifact(s), "
        f"running {len(matrix.scenarios)} scenario(s) x {len(engines)} engine(s), {jobs} at a time"
    )

    def job(scenario: Scenario, engine: Engine) -> Observation:
        observation = run_after(scenario, engine, prepares.get((engine.name, build_identity(scenario))))
        if tick is not None:
            tick(f"{scenario.name} on {engine.name}")
        return observation

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        builds = {key: pool.submit(outcome_of, lambda s=s: component_for(s)) for key, s in first.items()}
        prepares = {
            pair: pool.submit(prepare_after, engine, builds[pair[1]]) for pair, engine in needed.items()
        }
        runs = [pool.submit(job, scenario, engine) for scenario, engine in work]
        observations = [run.result() for run in runs]
    except BaseException:
        procs.kill_all()  # Ctrl-C or a failure: free the workers waiting on engines before joining them
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    observed: dict[str, dict[str, Observation]] = {}
    for (scenario, engine), observation in zip(work, observations, strict=True):
        observed.setdefault(scenario.name, {})[engine.name] = observation
    return observed


def observe(scenario: Scenario, engine: Engine, prepared: Path) -> Observation:
    started = time.monotonic()
    with origin_for(scenario) as origin:
        env = dict(scenario.env)
        if origin is not None:
            env["PORTCHECK_ORIGIN"] = origin.url
        if scenario.kind == "client":
            observation = run_client(scenario, engine, prepared, env)
        else:
            observation = run_server(scenario, engine, prepared, env, origin.url if origin else "")
        if origin is not None:
            observation.origin_requests = origin.recorded()
            # Each run has its own origin port; the placeholders make runs comparable.
            observation.replace_text(origin.url, "{origin}")
            observation.replace_text(origin.authority, "{origin-authority}")
    observation.seconds = time.monotonic() - started
    return observation


@contextlib.contextmanager
def origin_for(scenario: Scenario) -> Iterator[OriginServer | None]:
    if scenario.origin is None:
        yield None
        return
    with OriginServer(scenario.origin) as origin:
        yield origin


def run_client(scenario: Scenario, engine: Engine, prepared: Path, env: dict[str, str]) -> Observation:
    invocation = engine.client(prepared, env)
    finished = procs.run(invocation.argv, invocation.env, scenario.timeout, invocation.cwd)
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
    scenario: Scenario, engine: Engine, prepared: Path, env: dict[str, str], origin_url: str
) -> Observation:
    invocation = engine.server(prepared, env)
    observation = Observation(kind="server")
    with procs.Server(invocation.argv, invocation.env, invocation.cwd) as server:
        port = server.wait_for(engine.listening_port, timeout=scenario.timeout)
        if port is None or not procs.wait_accepting(HOST, port, scenario.timeout, server.alive):
            observation.failure, observation.message = startup_failure(engine, server, scenario.timeout)
        else:
            observation.exchanges = drive(scenario, server, port, origin_url)
        server.stop()
        observation.stdout, observation.stderr = server.output("stdout"), server.output("stderr")
    if port is not None:
        observation.replace_text(f"{HOST}:{port}", "{server-authority}")
    return observation


def drive(scenario: Scenario, server: procs.Server, port: int, origin_url: str) -> list[Exchange]:
    """Send the scripted requests one after another (or all at once), noting if the server survived each."""
    requests = [with_origin(request, origin_url) for request in scenario.requests]
    if not scenario.concurrent:
        exchanges = []
        for request in requests:
            exchange = driver.send(request, HOST, port, timeout=scenario.timeout)
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


def startup_failure(engine: Engine, server: procs.Server, timeout: float) -> tuple[str, str]:
    stderr = server.output("stderr") + server.output("stdout")
    if server.alive():
        return "timeout", f"the server did not accept connections within {timeout:g} s"
    returncode = server.process.returncode if server.process else -1
    failure = engine.diagnose(returncode, stderr)
    if failure is not None:
        return failure
    return "crash", procs.tail(stderr, 6) or f"the server exited with status {returncode} before listening"


def still_alive(server: procs.Server, exchange: Exchange) -> bool:
    """Whether the server survived the exchange; a failed one gives a dying server time to exit."""
    if exchange.failure is None:
        return server.alive()
    return not server.wait_exit(ALIVE_GRACE)


def with_origin(request: ScriptedRequest, origin_url: str) -> ScriptedRequest:
    """Replace {origin} in the path, header values and body with the origin's URL."""
    return dataclasses.replace(
        request,
        path=request.path.replace("{origin}", origin_url),
        headers=tuple((name, value.replace("{origin}", origin_url)) for name, value in request.headers),
        body=request.body.replace(b"{origin}", origin_url.encode()),
    )
