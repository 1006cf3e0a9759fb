"""Run every scenario on every engine: build once, prepare once per engine, then run in parallel.

With `execute`, this is the only stage that touches processes and sockets: it turns a Matrix
into plain Observations, as they were seen (the judge normalizes them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from portcheck.engines.interface import Engine, PrepareError
from portcheck.errors import BuildError
from portcheck.harness import processes
from portcheck.harness.execute import execute
from portcheck.harness.processes import Invocation
from portcheck.model.observation import Failure, Observation
from portcheck.model.scenario import Matrix, Scenario
from portcheck.toolchains import component_for

Progress = Callable[[str], None]
BuildOutcome = Path | BuildError
PrepareOutcome = Path | BuildError | PrepareError


class Prepared:
    """An engine bound to one prepared artifact: the `Runnable` that `execute` runs."""

    def __init__(self, engine: Engine, artifact: Path) -> None:
        self.engine, self.artifact = engine, artifact

    def client(self, env: Mapping[str, str]) -> Invocation:
        return self.engine.client(self.artifact, env)

    def server(self, env: Mapping[str, str]) -> Invocation:
        return self.engine.server(self.artifact, env)

    def listening_port(self, output: str) -> int | None:
        return self.engine.listening_port(output)

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return self.engine.diagnose(returncode, stderr)


def build_identity(scenario: Scenario) -> tuple[object, ...]:
    """Scenarios with the same identity share one component."""
    return (scenario.component, scenario.source, scenario.build, scenario.kind, scenario.wasi)


def outcome_of(work: Callable[[], Path]) -> Path | BuildError | PrepareError:
    try:
        return work()
    except (BuildError, PrepareError) as error:
        return error


def prepare_after(engine: Engine, build: Future[BuildOutcome], wasi: str) -> PrepareOutcome:
    component = build.result()
    if isinstance(component, BuildError):
        return component
    return outcome_of(lambda: engine.prepare_for(component, wasi))


def run_after(scenario: Scenario, engine: Engine, prepared: Future[PrepareOutcome] | None) -> Observation:
    if reason := engine.skip_reason(scenario):
        return Observation(kind=scenario.kind, skipped=reason)
    assert prepared is not None
    artifact = prepared.result()
    if isinstance(artifact, BuildError):
        return Observation(kind=scenario.kind, failure="build", message=str(artifact))
    if isinstance(artifact, PrepareError):
        return Observation(kind=scenario.kind, failure=artifact.failure, message=artifact.message)
    return execute(scenario, Prepared(engine, artifact))


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
    needed = {(e.name, build_identity(s)): (e, s.wasi) for s, e in work if not e.skip_reason(s)}
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
            pair: pool.submit(prepare_after, engine, builds[pair[1]], wasi)
            for pair, (engine, wasi) in needed.items()
        }
        runs = [pool.submit(job, scenario, engine) for scenario, engine in work]
        observations = [run.result() for run in runs]
    except BaseException:
        processes.current().kill_all()  # Ctrl-C or a failure: free the workers waiting on engines
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    observed: dict[str, dict[str, Observation]] = {}
    for (scenario, engine), observation in zip(work, observations, strict=True):
        observed.setdefault(scenario.name, {})[engine.name] = observation
    return observed
