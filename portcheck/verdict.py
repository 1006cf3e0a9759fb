"""From observations to verdicts: one cell per scenario and engine, one verdict per scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from portcheck.config import Known, Matrix, Scenario
from portcheck.diff import Comparison, Difference, Options, compare
from portcheck.expectations import Checked, Outcome, evaluate
from portcheck.observations import Observation

CellVerdict = Literal["baseline", "same", "differs", "known", "error", "skipped"]
ScenarioVerdict = Literal["portable", "known", "diverges", "error"]


@dataclass
class Cell:
    verdict: CellVerdict
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    error_class: str | None = None
    known: list[Known] = field(default_factory=list)  # the [[known]] entries that cover this cell
    reason: str | None = None  # why the engine skipped this scenario
    expected: Outcome = None  # does the spec's expected answer hold on this engine?
    expectations: list[Checked] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "differences": [difference.to_json() for difference in self.differences],
            "notes": self.notes,
            "error": self.error,
            "error_class": self.error_class,
            "known": [entry.to_json() for entry in self.known],
            "reason": self.reason,
            "expected": self.expected,
            "expectations": [checked.to_json() for checked in self.expectations],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        return cls(
            verdict=data["verdict"],
            differences=[Difference(**item) for item in data["differences"]],
            notes=list(data["notes"]),
            error=data["error"],
            error_class=data["error_class"],
            known=[Known(**item) for item in data.get("known", [])],
            reason=data.get("reason"),
            expected=data.get("expected"),
            expectations=[Checked(**item) for item in data.get("expectations", [])],
        )


@dataclass
class ScenarioResult:
    name: str
    kind: str
    description: str
    verdict: ScenarioVerdict
    cells: dict[str, Cell]
    observations: dict[str, Observation]
    groups: list[list[str]] = field(default_factory=list)  # engines whose observations are identical
    position: int = 0  # the scenario's place in the whole matrix (shards merge back by it)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "verdict": self.verdict,
            "position": self.position,
            "groups": self.groups,
            "cells": {engine: cell.to_json() for engine, cell in self.cells.items()},
            "observations": {engine: obs.to_json() for engine, obs in self.observations.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioResult:
        return cls(
            name=data["name"],
            kind=data["kind"],
            description=data.get("description", ""),
            verdict=data["verdict"],
            cells={engine: Cell.from_json(cell) for engine, cell in data["cells"].items()},
            observations={engine: Observation.from_json(obs) for engine, obs in data["observations"].items()},
            groups=[list(group) for group in data.get("groups", [])],
            position=data.get("position", 0),
        )


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
    stale: list[Known] = field(default_factory=list)  # [[known]] entries that no longer diverge

    @property
    def portable(self) -> bool:
        """True when the run passes: every scenario portable or only known to diverge, nothing stale."""
        return not self.stale and all(result.verdict in ("portable", "known") for result in self.scenarios)

    def to_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "engines": [engine.to_json() for engine in self.engines],
            "scenarios": [result.to_json() for result in self.scenarios],
            "stale_known": [entry.to_json() for entry in self.stale],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """A report read back from `--format json` output."""
        return cls(
            baseline=data["baseline"],
            engines=[
                EngineInfo(item["name"], item.get("type", item["name"]), item["version"])
                for item in data["engines"]
            ],
            scenarios=[ScenarioResult.from_json(item) for item in data["scenarios"]],
            stale=[Known(**item) for item in data.get("stale_known", [])],
        )


def error_text(observation: Observation) -> str:
    message = (observation.message or "").strip()
    return f"{observation.failure}: {message}" if message else str(observation.failure)


def judge_cell(observation: Observation, comparison: Comparison | None) -> Cell:
    if observation.skipped is not None:
        return Cell("skipped", reason=observation.skipped)
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
        skipped = engine == baseline or observation.skipped is not None
        comparison = None if skipped else compare(base, observation, options)
        cells[engine] = cell = judge_cell(observation, comparison)
        cell.expected, cell.expectations = evaluate(observation, scenario.expected)
    verdict = scenario_verdict(cells)
    groups = group_identical(observations, options)
    return ScenarioResult(
        scenario.name,
        scenario.kind,
        scenario.description,
        verdict,
        cells,
        observations,
        groups,
        scenario.position,
    )


def group_identical(observations: dict[str, Observation], options: Options) -> list[list[str]]:
    """Engines in groups that observed the same thing (under the same normalization), in column order."""
    groups: list[list[str]] = []
    for engine, observation in observations.items():
        if observation.skipped is not None:
            continue
        for group in groups:
            if not compare(observations[group[0]], observation, options).differences:
                group.append(engine)
                break
        else:
            groups.append([engine])
    return groups


def scenario_verdict(cells: dict[str, Cell]) -> ScenarioVerdict:
    verdicts = {cell.verdict for cell in cells.values()}
    for verdict, when in (("error", "error"), ("diverges", "differs"), ("known", "known")):
        if when in verdicts:
            return verdict  # type: ignore[return-value]
    return "portable"


def apply_known(result: ScenarioResult, known: tuple[Known, ...]) -> list[Known]:
    """Mark cells whose every difference (or error) is a [[known]] divergence; return the entries used."""
    used: list[Known] = []
    for engine, cell in result.cells.items():
        entries = [entry for entry in known if entry.scenario == result.name and entry.engine == engine]
        if not entries or cell.verdict not in ("differs", "error"):
            continue
        if cell.verdict == "error":
            covering = [entry for entry in entries if entry.field in (None, "error")]
            if not covering:
                continue
        else:
            covering = [e for e in entries if any(e.covers(d.field) for d in cell.differences)]
            if not all(any(e.covers(d.field) for e in entries) for d in cell.differences):
                continue
        cell.verdict, cell.known = "known", covering
        used += covering
    result.verdict = scenario_verdict(result.cells)
    return used


def judge(matrix: Matrix, engines: list[EngineInfo], observed: dict[str, dict[str, Observation]]) -> Report:
    results = []
    for scenario in matrix.scenarios:
        options = Options(strict_headers=matrix.strict_headers, normalize=scenario.normalize)
        results.append(judge_scenario(scenario, observed[scenario.name], matrix.baseline, options))
    used = [entry for result in results for entry in apply_known(result, matrix.known)]
    engines_run = {engine.name for engine in engines}
    ran = {result.name for result in results}
    stale = [
        entry
        for entry in matrix.known
        if entry not in used and entry.scenario in ran and entry.engine in engines_run
    ]
    return Report(baseline=matrix.baseline, engines=engines, scenarios=results, stale=stale)


def merge(reports: list[Report]) -> Report:
    """One report from the reports of a run's shards (same baseline and engines, disjoint scenarios)."""
    first = reports[0]
    names = [engine.name for engine in first.engines]
    seen: set[str] = set()
    for report in reports:
        if report.baseline != first.baseline or [engine.name for engine in report.engines] != names:
            raise ValueError(f"the reports do not have the same engines and baseline ({', '.join(names)})")
        duplicates = seen & {result.name for result in report.scenarios}
        if duplicates:
            raise ValueError(f"scenario {sorted(duplicates)[0]!r} is in more than one report")
        seen |= {result.name for result in report.scenarios}
    scenarios = sorted(
        (r for report in reports for r in report.scenarios), key=lambda r: (r.position, r.name)
    )
    stale = [entry for report in reports for entry in report.stale]
    return Report(baseline=first.baseline, engines=first.engines, scenarios=scenarios, stale=stale)
