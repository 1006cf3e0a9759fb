"""`[[known]]` entries: cells whose every difference (or error) they accept, and those gone stale."""

from __future__ import annotations

from portcheck.judge.verdict import scenario_verdict
from portcheck.model.report import Cell, ScenarioResult
from portcheck.model.scenario import Known


def covering(cell: Cell, entries: list[Known]) -> list[Known] | None:
    """The entries that accept this cell, or None if some difference (or its error) is not accepted."""
    if cell.verdict == "error":
        found = [entry for entry in entries if entry.field in (None, "error")]
        return found or None
    if not all(any(entry.covers(d.field) for entry in entries) for d in cell.differences):
        return None
    return [entry for entry in entries if any(entry.covers(d.field) for d in cell.differences)]


def apply_known(result: ScenarioResult, known: tuple[Known, ...]) -> list[Known]:
    """Mark cells whose every difference (or error) is a [[known]] divergence; return the entries used."""
    used: list[Known] = []
    for engine, cell in result.cells.items():
        entries = [entry for entry in known if entry.scenario == result.name and entry.engine == engine]
        if not entries or cell.verdict not in ("differs", "error"):
            continue
        accepted = covering(cell, entries)
        if accepted is None:
            continue
        cell.verdict, cell.known = "known", accepted
        used += accepted
    result.verdict = scenario_verdict(result.cells)
    return used


def stale_entries(
    known: tuple[Known, ...], used: list[Known], scenarios: set[str], engines: set[str]
) -> list[Known]:
    """Entries for a scenario and engine that ran, which accepted nothing: the divergence is gone."""
    return [
        entry
        for entry in known
        if entry not in used and entry.scenario in scenarios and entry.engine in engines
    ]
