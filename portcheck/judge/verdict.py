"""From observations to verdicts: one cell per scenario and engine, one verdict per scenario."""

from __future__ import annotations

from portcheck.judge.diff import Comparison, Options, compare
from portcheck.judge.expectations import evaluate
from portcheck.judge.normalize import with_placeholders
from portcheck.model.observation import Observation
from portcheck.model.report import (
    Cell,
    CellVerdict,
    ScenarioResult,
    ScenarioVerdict,
    TwinComparison,
    strongest_failure,
)
from portcheck.model.scenario import Scenario


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
    """Cells, verdict and groups of one scenario; `observations` are kept as they were seen."""
    normalized = {engine: with_placeholders(observation) for engine, observation in observations.items()}
    cells: dict[str, Cell] = {}
    base = normalized[baseline]
    for engine, observation in normalized.items():
        skipped = engine == baseline or observation.skipped is not None
        comparison = None if skipped else compare(base, observation, options)
        cells[engine] = cell = judge_cell(observation, comparison)
        cell.expected, cell.expectations = evaluate(observation, scenario.expected)
        cell.failed_level = strongest_failure(cell.expectations)
    return ScenarioResult(
        scenario.name,
        scenario.kind,
        scenario.description,
        scenario_verdict(cells),
        cells,
        observations,
        group_identical(normalized, options),
        scenario.position,
        scenario.wasi,
        TwinComparison(scenario.twin) if scenario.twin else None,  # judge/twins.py fills it in
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


# A scenario's verdict is the first of these whose cell verdict some engine has, else portable.
SCENARIO_VERDICTS: tuple[tuple[ScenarioVerdict, CellVerdict], ...] = (
    ("error", "error"),
    ("diverges", "differs"),
    ("known", "known"),
)


def scenario_verdict(cells: dict[str, Cell]) -> ScenarioVerdict:
    verdicts = {cell.verdict for cell in cells.values()}
    return next((verdict for verdict, when in SCENARIO_VERDICTS if when in verdicts), "portable")
