"""One case on every engine, judged as `portcheck run` judges a scenario, and its signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portcheck.fuzz.interface import ClientInput
from portcheck.fuzz.signature import Element
from portcheck.fuzz.targets import Target
from portcheck.harness.case_origin import MARK
from portcheck.harness.pool import EnginePool
from portcheck.judge.diff import Options
from portcheck.judge.normalize import with_placeholders
from portcheck.judge.verdict import judge_scenario
from portcheck.model.observation import Observation, sorted_requests
from portcheck.model.scenario import Origin, Scenario

SEEN_LIMIT = 20000  # cases remembered, so that a repeated one is not run again
# Seconds one case may take on one engine. The slowest that end by themselves take 0.6 s (the
# guests' own waits are 0.5 s at most); cases that hang (a body that never ends) are common, and
# every second of a hang is a lane standing still. Over jco serve's 5 s keep-alive, a response
# read until close would end by a race between the two.
CASE_TIMEOUT = 3.0


def judged(kind: str, observations: dict[str, Observation], baseline: str, options: Options) -> Any:
    scenario = Scenario(name="case", kind=kind, defined_in=Path("fuzz"))  # type: ignore[arg-type]
    return judge_scenario(scenario, observations, baseline, options)


def case_elements(
    target: Target, observations: dict[str, Observation], baseline: str, options: Options
) -> dict[str, list[Element]]:
    """Per engine, what its observation shows that the baseline's does not."""
    result = judged(target.generator.kind, observations, baseline, options)
    normalized = {engine: with_placeholders(observation) for engine, observation in observations.items()}
    found = {}
    for engine, cell in result.cells.items():
        if engine != baseline and cell.verdict in ("differs", "error") and cell.differences:
            found[engine] = target.generator.elements(
                cell.differences, normalized[baseline], normalized[engine]
            )
    return found


class CaseRunner:
    def __init__(
        self, target: Target, baseline: str, options: Options, timeout: float = CASE_TIMEOUT
    ) -> None:
        self.target, self.baseline, self.options, self.timeout = target, baseline, options, timeout
        if target.looping:
            fresh = target.guest in target.generator.single_request
            kind = target.generator.kind
            self.pool = EnginePool.loops(kind, target.runnables, target.skipped, timeout, MARK, fresh)
        else:
            self.pool = EnginePool.one_shot(target.runnables, target.skipped)
        self.runs = 0
        self.seen: dict[str, dict[str, list[Element]]] = {}  # a repeated case is not run again

    def observe(self, case: Any) -> dict[str, Observation]:
        self.runs += 1
        generator = self.target.generator
        if not self.target.looping:
            return self.pool.scenario(self.scenario(case))
        given = generator.session_input(case)
        if isinstance(given, ClientInput):
            observations = self.pool.client(given.instruction, given.responses)
        else:
            observations = self.pool.server(given)
        if generator.sorted_requests:
            for observation in observations.values():
                observation.origin_requests = sorted_requests(observation.origin_requests)
        return observations

    def scenario(self, case: Any) -> Scenario:
        """A user's client runs one case per process: the case as a scenario of its component."""
        inputs = self.target.generator.session_input(case)
        assert isinstance(inputs, ClientInput)
        return Scenario(
            name="case",
            kind="client",
            defined_in=self.target.component,
            component=self.target.component,
            origin=Origin(responses=inputs.responses),
            timeout=self.timeout,
        )

    def run(self, case: Any) -> dict[str, list[Element]]:
        """What the case shows; a case seen before (Hypothesis draws some values more than once) is
        not run again."""
        key = repr(case)
        if key not in self.seen:
            if len(self.seen) > SEEN_LIMIT:
                self.seen.clear()
            self.seen[key] = case_elements(self.target, self.observe(case), self.baseline, self.options)
        return self.seen[key]

    def close(self) -> None:
        self.pool.close()
