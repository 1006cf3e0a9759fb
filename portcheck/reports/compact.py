"""The compact view: per scenario, engines grouped by identical observations (like eshost's table)."""

from __future__ import annotations

from tabulate import tabulate

from portcheck.model.report import Report, ScenarioResult
from portcheck.reports.interface import ReportFormat
from portcheck.reports.words import engines_line, partial_line, summary


def grouping(result: ScenarioResult) -> str:
    """`a = b | c`: `=` joins engines that saw the same thing, `|` separates groups."""
    errored = {engine for engine, cell in result.cells.items() if cell.verdict == "error"}
    parts = []
    for group in result.groups or [[engine] for engine in result.cells]:
        names = " = ".join(group)
        parts.append(f"{names} (error)" if errored.issuperset(group) else names)
    return " | ".join(parts)


class Compact(ReportFormat):
    name = "compact"
    suffix = "compact.txt"

    def render(self, report: Report) -> str:
        rows = [[result.name, grouping(result), result.verdict] for result in report.scenarios]
        lines = [partial_line(report)] if report.partial else []
        headers = ["scenario", "engines (= same observations, | different)", "verdict"]
        lines += [tabulate(rows, headers=headers)]
        lines += ["", f"engines: {engines_line(report)} (baseline: {report.baseline})", summary(report)]
        return "\n".join(lines) + "\n"
