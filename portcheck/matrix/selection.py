"""Part of a matrix: chosen scenarios and engines (`--scenario`, `--engine`), or one shard of it."""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re

from portcheck import cache
from portcheck.errors import InputError
from portcheck.model.scenario import Matrix, Shard


def select(matrix: Matrix, scenario_patterns: list[str], engine_names: list[str]) -> Matrix:
    """Scenarios matching any of the globs, and the named engines (in matrix order)."""
    scenarios = matrix.scenarios
    for pattern in scenario_patterns:
        if not any(fnmatch.fnmatchcase(s.name, pattern) for s in scenarios):
            raise InputError("--scenario", pattern, f"matches no scenario of {matrix.path}")
    if scenario_patterns:
        scenarios = tuple(
            s for s in scenarios if any(fnmatch.fnmatchcase(s.name, p) for p in scenario_patterns)
        )
    engines = matrix.engines
    known = [engine.name for engine in engines]
    for name in engine_names:
        if name not in known:
            raise InputError(
                "--engine", name, f"is not an engine of {matrix.path} (engines: {', '.join(known)})"
            )
    if engine_names:
        engines = tuple(engine for engine in engines if engine.name in engine_names)
    baseline = matrix.baseline if matrix.baseline in {e.name for e in engines} else engines[0].name
    return dataclasses.replace(matrix, scenarios=scenarios, engines=engines, baseline=baseline)


def shard(matrix: Matrix, spec: str | None) -> Matrix:
    """`K/N`: the K-th of N deterministic, disjoint parts of the scenarios (every N-th, from the K-th)."""
    if spec is None:
        return matrix
    found = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not found or not 1 <= int(found[1]) <= int(found[2]):
        raise InputError("--shard", spec, "expected K/N with 1 <= K <= N, such as 2/4")
    part, parts = int(found[1]), int(found[2])
    chosen = tuple(s for index, s in enumerate(matrix.scenarios) if index % parts == part - 1)
    record = Shard(part, parts, matrix.digest, selection_digest(matrix), len(matrix.scenarios))
    return dataclasses.replace(matrix, scenarios=chosen, shard=record)


def selection_digest(matrix: Matrix) -> str:
    """What a whole run chose of its matrix: the engines (with their options), baseline and scenarios."""
    engines = json.dumps([engine.to_json() for engine in matrix.engines], sort_keys=True)
    return cache.digest(engines, matrix.baseline, *(scenario.name for scenario in matrix.scenarios))
