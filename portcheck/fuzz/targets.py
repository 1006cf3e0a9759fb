"""What a generator drives on each engine: the generic guest (or the user's component), prepared.

Building the guest and preparing it are the engines' and toolchains' work; this only decides
what to build and how cases will reach it: a looping guest or server (one process, many cases),
or, for a user's own client, one `execute` per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portcheck.engines.interface import Engine, PrepareError
from portcheck.errors import BuildError, EnvironmentProblem
from portcheck.fuzz.interface import Generator
from portcheck.harness.runner import Prepared
from portcheck.matrix.scenarios import BUILTIN_SOURCE, SCENARIOS_DIR
from portcheck.model.observation import Observation
from portcheck.model.scenario import DEFAULT_WASI, Scenario
from portcheck.toolchains import component_for


@dataclass
class Target:
    generator: Generator
    component: Path
    source: str | None  # `builtin:...` for a generic guest; None for the user's component
    guest: str  # the guest's language, or "own" for the user's component
    runnables: dict[str, Prepared]
    skipped: dict[str, Observation]  # engines that cannot run this kind, or this component

    @property
    def generic(self) -> bool:
        return self.source is not None

    @property
    def looping(self) -> bool:
        """Whether one process serves many cases (a generic guest, or any server)."""
        return self.generic or self.generator.kind == "server"


def guest_component(generator: Generator, guest: str) -> tuple[Path, str]:
    source = generator.guests.get(guest)
    if source is None:
        raise EnvironmentProblem(f"{generator.name} has no {guest} guest")
    path = SCENARIOS_DIR / source
    scenario = Scenario(name=f"fuzz-{generator.name}", kind=generator.kind, defined_in=path, source=path)
    try:
        return component_for(scenario), BUILTIN_SOURCE + source
    except BuildError as error:
        raise EnvironmentProblem(f"the {guest} guest of {generator.name} did not build: {error}") from None


def prepared_target(
    generator: Generator, engines: list[Engine], guest: str, component: Path | None = None
) -> Target:
    """The generic guest (or `component`) prepared on every engine that can run its kind."""
    source: str | None = None
    if component is None:
        component, source = guest_component(generator, guest)
    runnables: dict[str, Prepared] = {}
    skipped: dict[str, Observation] = {}
    probe = Scenario(name="fuzz", kind=generator.kind, defined_in=component, component=component)
    for engine in engines:
        if reason := engine.skip_reason(probe):
            skipped[engine.name] = Observation(kind=generator.kind, skipped=reason)
            continue
        try:
            runnables[engine.name] = Prepared(engine, engine.prepare(component, generator.kind, DEFAULT_WASI))
        except PrepareError as error:
            skipped[engine.name] = Observation(
                kind=generator.kind, failure=error.failure, message=error.message
            )
    return Target(generator, component, source, guest if source else "own", runnables, skipped)
