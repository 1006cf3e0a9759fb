"""Read and validate `matrix.toml` into a Matrix.

Every problem becomes one `InputError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from portcheck import cache
from portcheck.errors import InputError
from portcheck.matrix.builtins import select_builtins
from portcheck.matrix.engines import parse_engines
from portcheck.matrix.scenarios import parse_scenario
from portcheck.matrix.toml import TIMEOUT_LIMIT, Table, read_toml
from portcheck.model import fields
from portcheck.model.scenario import DEFAULT_TIMEOUT, EngineSpec, Known, Matrix, Scenario

MATRIX_KEYS = ("engines", "baseline", "builtins", "strict_headers", "timeout")
KNOWN_KEYS = ("scenario", "engine", "field", "reason", "link")


def load_matrix(path: Path, scenarios_needed: bool = True) -> Matrix:
    """`scenarios_needed`: False for `portcheck fuzz`, whose matrix may give only engines."""
    return parse_matrix(read_toml(path), path, scenarios_needed)


def parse_matrix(data: dict[str, Any], path: Path, scenarios_needed: bool = True) -> Matrix:
    """A matrix from its TOML data; `path` names it in messages and anchors its relative paths."""
    top = Table(data, path, "", ("matrix", "scenario", "known", "engines"))
    section = top.get("matrix", dict, "a [matrix] table", None)
    if section is None:
        top.fail("matrix", "missing (expected a [matrix] table with engines = [...])")
    matrix = Table(section, path, "matrix", MATRIX_KEYS)
    raw_tables = top.get("engines", dict, "[engines.NAME] tables", {})
    engine_tables = Table(raw_tables, path, "engines", tuple(raw_tables))
    engines = parse_engines(matrix, engine_tables)
    baseline = matrix.string("baseline", engines[0].name)
    if baseline not in {engine.name for engine in engines}:
        matrix.fail(
            "baseline",
            f"expected one of the engines ({', '.join(e.name for e in engines)}), got {baseline!r}",
        )
    timeout = matrix.number("timeout", DEFAULT_TIMEOUT, TIMEOUT_LIMIT)
    scenarios = select_builtins(matrix, timeout)
    for index, table in enumerate(top.tables("scenario")):
        scenarios.append(parse_scenario(table, path, f"scenario[{index}]", timeout))
    check_unique(scenarios, path)
    check_twins(scenarios, path)
    scenarios = [dataclasses.replace(scenario, position=index) for index, scenario in enumerate(scenarios)]
    if not scenarios and scenarios_needed:
        top.fail("scenario", 'no scenarios: add [[scenario]] tables or builtins = ["*"] under [matrix]')
    return Matrix(
        path=path,
        engines=tuple(engines),
        baseline=baseline,
        scenarios=tuple(scenarios),
        strict_headers=matrix.flag("strict_headers"),
        timeout=timeout,
        known=parse_known(top, scenarios, engines),
        digest=matrix_digest(data, scenarios),
    )


def matrix_digest(data: dict[str, Any], scenarios: list[Scenario]) -> str:
    """What the matrix says, wherever its file lies: its TOML data, and the scenarios (built-ins too)."""
    text = json.dumps(data, sort_keys=True, default=str)
    return cache.digest(text, *(scenario.name for scenario in scenarios))


def parse_known(top: Table, scenarios: list[Scenario], engines: list[EngineSpec]) -> tuple[Known, ...]:
    names, columns = {s.name for s in scenarios}, {e.name for e in engines}
    found = []
    for index, item in enumerate(top.tables("known")):
        entry = Table(item, top.file, f"known[{index}]", KNOWN_KEYS)
        scenario = entry.require("scenario", str, "the name of a scenario of this matrix")
        if scenario not in names:
            entry.fail("scenario", f"no scenario named {scenario!r} in this matrix")
        engine = entry.require("engine", str, "the name of an engine of this matrix")
        if engine not in columns:
            entry.fail(
                "engine", f"expected one of the engines ({', '.join(sorted(columns))}), got {engine!r}"
            )
        field = entry.string("field")
        if field not in (None, "error") and (problem := fields.problem_with(field, whole_items=True)):
            entry.fail("field", f"{problem}, got {field!r}")
        reason = entry.require("reason", str, "why this divergence is accepted (one line)")
        found.append(Known(scenario, engine, field, reason, entry.string("link", "") or ""))
    return tuple(found)


def check_twins(scenarios: list[Scenario], file: Path) -> None:
    """A 0.3 scenario's twin is a WASI 0.2 scenario of the same kind in this matrix."""
    by_name = {scenario.name: scenario for scenario in scenarios}
    for scenario in scenarios:
        if scenario.twin is None:
            continue
        twin = by_name.get(scenario.twin)
        where = f"{scenario.defined_in}" if scenario.builtin else file
        expected = f'the name of a wasi = "0.2" {scenario.kind} scenario of this matrix'
        if twin is None or twin.wasi != "0.2" or twin.kind != scenario.kind:
            found = "no such scenario" if twin is None else f"a WASI {twin.wasi} {twin.kind} scenario"
            raise InputError(
                where,
                f'scenario "{scenario.name}".twin',
                f"expected {expected}, got {scenario.twin!r} ({found})",
            )


def check_unique(scenarios: list[Scenario], file: Path) -> None:
    seen: set[str] = set()
    for scenario in scenarios:
        if scenario.name in seen:
            raise InputError(
                file, f'scenario "{scenario.name}"', "name used twice (scenario names must be unique)"
            )
        seen.add(scenario.name)
