"""The terminal report: the matrix as a table, then the differences in words."""

from __future__ import annotations

from tabulate import tabulate

from portcheck.model.report import Report
from portcheck.reports import twins
from portcheck.reports.interface import ReportFormat
from portcheck.reports.words import (
    SPEC_LEGEND,
    cell_label,
    engines_line,
    partial_line,
    scenario_details,
    stale_lines,
    summary,
)


class Table(ReportFormat):
    name = "table"
    suffix = "txt"

    def render(self, report: Report) -> str:
        engines = [engine.name for engine in report.engines]
        rows = [
            [result.name, result.kind, *(cell_label(result.cells[name]) for name in engines), result.verdict]
            for result in report.scenarios
        ]
        lines = [partial_line(report)] if report.partial else []
        lines += [tabulate(rows, headers=["scenario", "kind", *engines, "verdict"], tablefmt="simple"), ""]
        lines.append(f"engines: {engines_line(report)} (baseline: {report.baseline})")
        if any(cell.expected for result in report.scenarios for cell in result.cells.values()):
            lines.append(SPEC_LEGEND)
        details = [(result, scenario_details(result, report.baseline)) for result in report.scenarios]
        if any(block for _, block in details):
            lines += ["", "details:"]
        for result, block in details:
            if block:
                lines += ["", f"{result.name} ({result.verdict})", *(f"  {line}" for line in block)]
        lines += twins.text_lines(report)
        if report.stale:
            lines += ["", "stale [[known]] entries:", *(f"  {line}" for line in stale_lines(report))]
        lines += ["", summary(report)]
        return "\n".join(lines) + "\n"
