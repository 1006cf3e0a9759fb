"""Run every scenario on every engine: build once, prepare once per engine, then run in parallel.

With `execute`, this is the only stage that touches processes and sockets: it turns a Matrix
into plain Observations, as they were seen (the judge normalizes them). Builds, preparations
and runs are tasks of one scheduler (scheduler.py), which starts a run as soon as its artifact
is ready, lets a run whose engine waits idle give its core to another, and starts the longest
ones first, by how long they took last time (durations.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from portcheck import cache
from portcheck.engines.interface import Engine, PrepareError
from portcheck.errors import BuildError
from portcheck.harness import durations
from portcheck.harness.execute import execute
from portcheck.harness.processes import Invocation
from portcheck.harness.scheduler import Task, run_all
from portcheck.model.observation import Failure, Observation
from portcheck.model.scenario import Kind, Matrix, Scenario
from portcheck.toolchains import component_for

Progress = Callable[[str], None]
BuildOutcome = Path | BuildError
PrepareOutcome = Path | BuildError | PrepareError
# Guesses for a task never measured on this machine: a build, a preparation, a run.
FIRST_GUESS = {"build": 10.0, "prepare": 3.0, "run": 2.0}
# Tasks alive at once per core. The longest cells start first, and most are probes waiting idle
# on a hung engine: with 4, twelve of them filled every place and the cores sat idle for 8 s of
# a 50 s run. Each idle engine holds about 75 MB.
LIVE_PER_SLOT = 8


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
    """Scenarios with the same identity share one component (kind and WASI version included)."""
    return (scenario.component, scenario.source, scenario.build, scenario.kind, scenario.wasi)


def outcome_of(work: Callable[[], Path]) -> Path | BuildError | PrepareError:
    try:
        return work()
    except (BuildError, PrepareError) as error:
        return error


def prepare_after(engine: Engine, kind: Kind, wasi: str, component: BuildOutcome) -> PrepareOutcome:
    if isinstance(component, BuildError):
        return component
    return outcome_of(lambda: engine.prepare(component, kind, wasi))


def run_after(scenario: Scenario, engine: Engine, artifact: PrepareOutcome | None) -> Observation:
    if reason := engine.skip_reason(scenario):
        return Observation(kind=scenario.kind, skipped=reason)
    assert artifact is not None
    if isinstance(artifact, BuildError):
        return Observation(kind=scenario.kind, failure="build", message=str(artifact))
    if isinstance(artifact, PrepareError):
        return Observation(kind=scenario.kind, failure=artifact.failure, message=artifact.message)
    return execute(scenario, Prepared(engine, artifact))


def task_key(*parts: object) -> str:
    """A task's name in the durations memory: what it does, to what, on which engine (as configured)."""
    return cache.digest(*(json.dumps(part, sort_keys=True, default=str) for part in parts))


def run_matrix(
    matrix: Matrix, engines: list[Engine], jobs: int, progress: Progress, tick: Progress | None = None
) -> dict[str, dict[str, Observation]]:
    """Observations per scenario name, then per engine name, in matrix order (whatever ran first).

    `jobs`: how many tasks may use CPU at once (the cores). `progress` hears the plan, `tick`
    about each finished engine run.
    """
    first = {build_identity(scenario): scenario for scenario in reversed(matrix.scenarios)}
    work = [(scenario, engine) for scenario in matrix.scenarios for engine in engines]
    needed = {(e.name, build_identity(s)): e for s, e in work if not e.skip_reason(s)}
    progress(
        f"building {len(first)} component(s), preparing {len(needed)} artifact(s), "
        f"running {len(matrix.scenarios)} scenario(s) x {len(engines)} engine(s) on {jobs} core(s)"
    )
    last = durations.recalled()

    def task(what: str, work: Callable[[], object], after: list[Task], *key: object) -> Task:
        name = task_key(what, *key)
        return Task(name, work, after, last.get(name, FIRST_GUESS[what]))

    builds = {
        identity: task("build", lambda s=s: outcome_of(lambda: component_for(s)), [], identity)
        for identity, s in first.items()
    }
    prepares = {
        (name, identity): task(
            "prepare",
            lambda e=engine, i=identity: prepare_after(e, i[3], i[4], builds[i].result),  # type: ignore[arg-type]
            [builds[identity]],
            engine.spec.to_json(),
            identity,
        )
        for (name, identity), engine in needed.items()
    }

    def cell(scenario: Scenario, engine: Engine) -> Task:
        prepared = prepares.get((engine.name, build_identity(scenario)))

        def run() -> Observation:
            observation = run_after(scenario, engine, prepared.result if prepared else None)  # type: ignore[arg-type]
            if tick is not None:
                tick(f"{scenario.name} on {engine.name}")
            return observation

        return task("run", run, [prepared] if prepared else [], scenario.to_json(), engine.spec.to_json())

    runs = [cell(scenario, engine) for scenario, engine in work]
    tasks = [*builds.values(), *prepares.values(), *runs]
    run_all(tasks, slots=jobs, limit=LIVE_PER_SLOT * jobs)
    durations.remember({task.name: task.seconds for task in tasks})
    observed: dict[str, dict[str, Observation]] = {}
    for (scenario, engine), run in zip(work, runs, strict=True):
        observed.setdefault(scenario.name, {})[engine.name] = run.result  # type: ignore[assignment]
    return observed
