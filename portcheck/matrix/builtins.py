"""The built-in scenarios: one TOML file each in portcheck/scenarios/."""

from __future__ import annotations

import fnmatch

from portcheck.errors import InputError
from portcheck.matrix.scenarios import SCENARIOS_DIR, parse_scenario
from portcheck.matrix.toml import Table, read_toml
from portcheck.model.scenario import DEFAULT_TIMEOUT, Scenario

BUILTIN_DIR = SCENARIOS_DIR


def builtin_scenarios(timeout: float = DEFAULT_TIMEOUT) -> list[Scenario]:
    """Every built-in scenario, sorted by name."""
    found = [
        parse_scenario(read_toml(path), path, "", timeout, builtin=True)
        for path in BUILTIN_DIR.glob("*.toml")
    ]
    return sorted(found, key=lambda scenario: scenario.name)


def select_builtins(matrix: Table, timeout: float) -> list[Scenario]:
    """The built-ins `builtins = [...]` under [matrix] names, by name or glob."""
    patterns = matrix.strings("builtins")
    if not patterns:
        return []
    available = builtin_scenarios(timeout)
    for index, pattern in enumerate(patterns):
        if not any(fnmatch.fnmatchcase(s.name, pattern) for s in available):
            raise InputError(
                matrix.file,
                f"matrix.builtins[{index}]",
                f"no built-in scenario matches {pattern!r} (see `portcheck builtins`)",
            )
    return [s for s in available if any(fnmatch.fnmatchcase(s.name, p) for p in patterns)]
