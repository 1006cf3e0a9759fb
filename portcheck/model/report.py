"""What a run concluded: one cell per scenario and engine, one verdict per scenario, and its JSON form.

The JSON form is the contract users' CI reads (see the README); `from_json` reads it back for
`portcheck show --report` and `portcheck merge`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from portcheck.model.observation import Observation
from portcheck.model.scenario import LEVELS, Known, Shard

CellVerdict = Literal["baseline", "same", "differs", "known", "error", "skipped"]
ScenarioVerdict = Literal["portable", "known", "diverges", "error"]
# Does the spec's expected answer hold? "fail" when a MUST or a SHOULD does not (an unmet MAY is an
# option the engine did not take); None: nothing to check.
Outcome = Literal["pass", "fail"] | None


@dataclass
class Difference:
    field: str
    baseline: Any
    engine: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "baseline": self.baseline, "engine": self.engine}


@dataclass
class Checked:
    """One expectation checked on one engine's observation."""

    field: str
    check: str
    expected: Any
    observed: Any
    spec: str
    holds: bool
    level: str = "must"  # must, should or may (model/scenario.py LEVELS)

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "check": self.check,
            "expected": self.expected,
            "observed": self.observed,
            "spec": self.spec,
            "level": self.level,
            "holds": self.holds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checked:
        """Reports written before levels existed held only MUSTs."""
        return cls(**{"level": "must", **data})


def strongest_failure(checked: list[Checked]) -> str | None:
    """The strongest level (must, then should, then may) among the expectations that do not hold."""
    failing = {entry.level for entry in checked if not entry.holds}
    return next((level for level in LEVELS if level in failing), None)


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
    failed_level: str | None = None  # the strongest level among the expectations that do not hold

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
            "failed_level": self.failed_level,
            "expectations": [checked.to_json() for checked in self.expectations],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        expectations = [Checked.from_json(item) for item in data.get("expectations", [])]
        return cls(
            verdict=data["verdict"],
            differences=[Difference(**item) for item in data["differences"]],
            notes=list(data["notes"]),
            error=data["error"],
            error_class=data["error_class"],
            known=[Known(**item) for item in data.get("known", [])],
            reason=data.get("reason"),
            expected=data.get("expected"),
            expectations=expectations,
            failed_level=data.get("failed_level", strongest_failure(expectations)),
        )


TwinVerdict = Literal["same", "differs", "unavailable"]


@dataclass
class TwinCell:
    """One engine: does a 0.3 build behave like its 0.2 twin? Differences hold the 0.2 build's value
    as `baseline` and the 0.3 build's as `engine`."""

    verdict: TwinVerdict
    differences: list[Difference] = field(default_factory=list)
    reason: str | None = None  # unavailable: why (a side skipped, or the twin not in the run)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "differences": [difference.to_json() for difference in self.differences],
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TwinCell:
        differences = [Difference(**item) for item in data.get("differences", [])]
        return cls(data["verdict"], differences, data.get("reason"))


@dataclass
class TwinComparison:
    """A 0.3 scenario against the WASI 0.2 scenario it names as its twin, engine by engine."""

    name: str  # the twin's scenario name
    cells: dict[str, TwinCell] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "cells": {engine: cell.to_json() for engine, cell in self.cells.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> TwinComparison | None:
        if data is None:
            return None
        return cls(data["name"], {engine: TwinCell.from_json(cell) for engine, cell in data["cells"].items()})


@dataclass
class ScenarioResult:
    name: str
    kind: str
    description: str
    verdict: ScenarioVerdict
    cells: dict[str, Cell]
    observations: dict[str, Observation]  # as observed: the judge normalizes copies of them
    groups: list[list[str]] = field(default_factory=list)  # engines whose observations are identical
    position: int = 0  # the scenario's place in the whole matrix (shards merge back by it)
    wasi: str = "0.2"  # the WASI version its component targets
    twin: TwinComparison | None = None  # a 0.3 scenario against its 0.2 twin

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "verdict": self.verdict,
            "position": self.position,
            "wasi": self.wasi,
            "twin": self.twin.to_json() if self.twin else None,
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
            wasi=data.get("wasi", "0.2"),
            twin=TwinComparison.from_json(data.get("twin")),
        )


@dataclass
class EngineInfo:
    name: str
    type: str
    version: str
    variant: str = ""  # the options that differ from the type's defaults (flags, a runtime version)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "version": self.version, "variant": self.variant}


@dataclass
class Report:
    baseline: str
    engines: list[EngineInfo]
    scenarios: list[ScenarioResult]
    stale: list[Known] = field(default_factory=list)  # [[known]] entries that no longer diverge
    shard: Shard | None = None  # the part of a run this report holds (`run --shard K/N`)
    partial: list[str] = field(default_factory=list)  # a merge that lacks shards: what is wrong

    @property
    def portable(self) -> bool:
        """True when the run passes: complete, each scenario portable or known to diverge, none stale."""
        return (
            not self.stale
            and not self.partial
            and all(result.verdict in ("portable", "known") for result in self.scenarios)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "engines": [engine.to_json() for engine in self.engines],
            "scenarios": [result.to_json() for result in self.scenarios],
            "stale_known": [entry.to_json() for entry in self.stale],
            "shard": self.shard.to_json() if self.shard else None,
            "partial": self.partial or None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """A report read back from `--format json` output."""
        return cls(
            baseline=data["baseline"],
            engines=[
                EngineInfo(
                    item["name"], item.get("type", item["name"]), item["version"], item.get("variant", "")
                )
                for item in data["engines"]
            ],
            scenarios=[ScenarioResult.from_json(item) for item in data["scenarios"]],
            stale=[Known(**item) for item in data.get("stale_known", [])],
            shard=Shard.from_json(data.get("shard")),
            partial=list(data.get("partial") or []),
        )
