"""WASI 0.2 against 0.3 in words: does each engine run a 0.3 build like its 0.2 twin?

Shared by the human-readable formats (table, markdown, html, findings); the JSON form is the
scenario's `twin` (model/report.py).
"""

from __future__ import annotations

from tabulate import tabulate

from portcheck.model.report import Report, ScenarioResult, TwinCell
from portcheck.reports.words import difference_lines

TITLE = "WASI 0.2 against 0.3: does each engine run the 0.3 build like its 0.2 twin?"
LEGEND = (
    "same / differs (N): the 0.3 scenario's observation against its 0.2 twin's on that engine, "
    "normalized and compared as engines are; n/a: not both ran there"
)
SIDES = ("0.2 twin", "0.3 build")


def with_twins(report: Report) -> list[ScenarioResult]:
    """The 0.3 scenarios that name a twin, in report order."""
    return [result for result in report.scenarios if result.twin is not None]


def twin_label(cell: TwinCell | None) -> str:
    if cell is None or cell.verdict == "unavailable":
        return "n/a"
    return f"differs ({len(cell.differences)})" if cell.verdict == "differs" else "same"


def rows(report: Report) -> list[list[str]]:
    """One row per 0.3 scenario: its name, its twin's, then each engine's label."""
    engines = [engine.name for engine in report.engines]
    return [
        [result.name, result.twin.name, *(twin_label(result.twin.cells.get(name)) for name in engines)]
        for result in with_twins(report)
        if result.twin is not None
    ]


def header(report: Report) -> list[str]:
    return ["0.3 scenario", "0.2 twin", *(engine.name for engine in report.engines)]


def detail_lines(result: ScenarioResult) -> list[str]:
    """What differs between the builds on each engine, then why a comparison was not made."""
    if result.twin is None:
        return []
    lines: list[str] = []
    for engine, cell in result.twin.cells.items():
        if cell.verdict == "differs":
            lines.append(f"{engine}: the 0.3 build differs from {result.twin.name}:")
            for difference in cell.differences:
                block = difference_lines(difference.field, difference.baseline, difference.engine, SIDES)
                lines += [f"  {line}" for line in block]
    missing = f"{result.twin.name} is not in this run"
    if any(cell.reason == missing for cell in result.twin.cells.values()):
        lines.append(f"not compared: {missing}")
    return lines


def text_lines(report: Report) -> list[str]:
    """The comparison as plain text: a table, its legend, then what differs (the table report)."""
    if not with_twins(report):
        return []
    lines = ["", TITLE, tabulate(rows(report), headers=header(report), tablefmt="simple"), LEGEND]
    for result in with_twins(report):
        if block := detail_lines(result):
            lines += ["", f"{result.name} against {result.twin.name if result.twin else ''}"]
            lines += [f"  {line}" for line in block]
    return lines


def counts(report: Report) -> str:
    """`N pairs: same on wasmtime A, jco B; ...` over the pairs each engine ran both of."""
    engines = [engine.name for engine in report.engines]
    paired = with_twins(report)
    parts = []
    for engine in engines:
        cells = [r.twin.cells.get(engine) for r in paired if r.twin is not None]
        ran = [cell for cell in cells if cell is not None and cell.verdict != "unavailable"]
        if ran:
            same = sum(1 for cell in ran if cell.verdict == "same")
            parts.append(f"{engine} {same} of {len(ran)}")
    return f"{len(paired)} pairs; the 0.3 build behaves like its 0.2 twin on " + ", ".join(parts)
