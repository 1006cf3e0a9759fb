"""A WASI 0.3 scenario against its 0.2 twin: does the 0.3 build behave like the 0.2 build, per engine?

The same normalization and diff as between engines (normalize.with_placeholders, diff.compare),
with the 0.2 build's observation as the baseline and the 0.3 build's as the engine: what a
compiler author moving a backend from 0.2 to 0.3 wants to see is whatever the move changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from portcheck.judge.diff import Options, compare
from portcheck.judge.normalize import with_placeholders
from portcheck.model.observation import Observation
from portcheck.model.report import ScenarioResult, TwinCell


def twin_cell(ours: Observation | None, theirs: Observation | None, options: Options) -> TwinCell:
    """One engine: `ours` the 0.2 twin's observation, `theirs` the 0.3 scenario's."""
    if ours is None or theirs is None:
        return TwinCell("unavailable", reason="the engine did not run both")
    for build, observation in (("0.2", ours), ("0.3", theirs)):
        if observation.skipped is not None:
            return TwinCell("unavailable", reason=f"the {build} build was skipped: {observation.skipped}")
    differences = compare(with_placeholders(ours), with_placeholders(theirs), options).differences
    return TwinCell("differs" if differences else "same", differences)


def compare_twins(results: list[ScenarioResult], options: Mapping[str, Options]) -> None:
    """Fill in the cells of every result's `twin` (the 0.2 scenario it names), engine by engine.

    `options` holds each 0.3 scenario's normalization by name (the default where absent: a
    merged report no longer has the matrix).
    """
    by_name = {result.name: result for result in results}
    for result in results:
        if result.twin is None:
            continue
        twin = by_name.get(result.twin.name)
        if twin is None:
            result.twin.cells = {
                engine: TwinCell("unavailable", reason=f"{result.twin.name} is not in this run")
                for engine in result.observations
            }
            continue
        chosen = options.get(result.name, Options())
        result.twin.cells = {
            engine: twin_cell(twin.observations.get(engine), observation, chosen)
            for engine, observation in result.observations.items()
        }
