"""From observations to verdicts: one cell per scenario and engine, one verdict per scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from portcheck.config import Matrix, Scenario
from portcheck.diff import Comparison, Difference, Options, compare
from portcheck.expectations import Checked, Outcome, evaluate
from portcheck.observations import Observation

CellVerdict = Literal["baseline", "same", "differs", "error", "skipped"]
ScenarioVerdict = Literal["portable", "diverges", "error"]


@dataclass
class Cell:
    verdict: CellVerdict
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    error_class: str | None = None
    expected: Outcome = None  # does the spec's expected answer hold on this engine?
    expectations: list[Checked] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "differences": [difference.to_json() for difference in self.differences],
            "notes": self.notes,
            "error": self.error,
            "error_class": self.error_class,
            "expected": self.expected,
            "expectations": [checked.to_json() for checked in self.expectations],
        }


@dataclass
class ScenarioResult:
    name: str
    kind: str
    description: str
    verdict: ScenarioVerdict
    cells: dict[str, Cell]
    observations: dict[str, Observation]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "verdict": self.verdict,
            "cells": {engine: cell.to_json() for engine, cell in self.cells.items()},
            "observations": {engine: obs.to_json() for engine, obs in self.observations.items()},
        }


@dataclass
class EngineInfo:
    name: str
    type: str
    version: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "version": self.version}


@dataclass
class Report:
    baseline: str
    engines: list[EngineInfo]
    scenarios: list[ScenarioResult]

    @property
    def portable(self) -> bool:
        return all(result.verdict == "portable" for result in self.scenarios)

    def to_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "engines": [engine.to_json() for engine in self.engines],
            "scenarios": [result.to_json() for result in self.scenarios],
        }


def error_text(observation: Observation) -> str:
    message = (observation.message or "").strip()
    return f"{observation.failure}: {message}" if message else str(observation.failure)


def judge_cell(observation: Observation, comparison: Comparison | None) -> Cell:
    notes = comparison.notes if comparison else []
    differences = comparison.differences if comparison else []
    if observation.failure is not None:
        return Cell("error", differences, notes, error_text(observation), observation.failure)
    if comparison is None:
        return Cell("baseline", notes=notes)
    return Cell("differs" if differences else "same", differences, notes)


def judge_scenario(
    scenario: Scenario, observations: dict[str, Observation], baseline: str, options: Options
) -> ScenarioResult:
    cells: dict[str, Cell] = {}
    base = observations[baseline]
    for engine, observation in observations.items():
        comparison = None if engine == baseline else compare(base, observation, options)
        cells[engine] = cell = judge_cell(observation, comparison)
        cell.expected, cell.expectations = evaluate(observation, scenario.expected)
    verdicts = {cell.verdict for cell in cells.values()}
    verdict: ScenarioVerdict = (
        "error" if "error" in verdicts else "diverges" if "differs" in verdicts else "portable"
    )
    return ScenarioResult(scenario.name, scenario.kind, scenario.description, verdict, cells, observations)


def judge(matrix: Matrix, engines: list[EngineInfo], observed: dict[str, dict[str, Observation]]) -> Report:
    results = []
    for scenario in matrix.scenarios:
        options = Options(strict_headers=matrix.strict_headers, normalize=scenario.normalize)
        results.append(judge_scenario(scenario, observed[scenario.name], matrix.baseline, options))
    return Report(baseline=matrix.baseline, engines=engines, scenarios=results)
