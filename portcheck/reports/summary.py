"""The job-summary report: the Markdown report cut to fit GitHub's step-summary limit.

GitHub refuses a step summary over 1 MiB, and a nine-column matrix with long differences
passes that. This keeps the whole matrix table, then as many scenario details as fit within
`LIMIT` bytes of UTF-8 (diverging scenarios first, then errors, then the rest), and closes with
one line saying what was left out and where the full report is.
"""

from __future__ import annotations

from portcheck.model.report import Report, ScenarioResult
from portcheck.reports.interface import ReportFormat
from portcheck.reports.markdown import (
    LEGEND,
    code,
    heading,
    matrix_table,
    needs_details,
    scenario_section,
    stale_section,
    text,
)
from portcheck.reports.words import clean, summary

# GitHub's limit is 1 MiB per step; stay well under it, with room for what a workflow appends.
LIMIT = 900 * 1024
CLOSING_ROOM = 8 * 1024  # the closing line, with the names of what was left out
NAMES_SHOWN = 20
ORDER = {"diverges": 0, "error": 1, "known": 2, "portable": 3}


def size(lines: list[str]) -> int:
    """Bytes of these lines as the summary file holds them (UTF-8, a newline after each)."""
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


class Summary(ReportFormat):
    name = "summary"
    suffix = "summary.md"

    def render(self, report: Report) -> str:
        end = [*stale_section(report), "", f"**{text(summary(report))}**"]
        budget = LIMIT - CLOSING_ROOM - size(end)
        lines, rows_left_out = fitted_table(report, budget)
        budget -= size(lines)
        left_out: list[ScenarioResult] = []
        for result in sorted(
            (r for r in report.scenarios if needs_details(r)), key=lambda r: ORDER[r.verdict]
        ):
            section = ["", *scenario_section(result, report.baseline)]
            if size(section) <= budget:
                lines += section
                budget -= size(section)
            else:
                left_out.append(result)
        lines += end
        if left_out or rows_left_out:
            lines += ["", closing_line(left_out, rows_left_out)]
        return clean("\n".join(lines)) + "\n"


def fitted_table(report: Report, budget: int) -> tuple[list[str], int]:
    """The heading, the matrix table and the legend; rows cut only if the table alone is too big."""
    lines = [*heading(report), *matrix_table(report), "", LEGEND]
    if size(lines) <= budget:
        return lines, 0
    head, table = heading(report), matrix_table(report)
    kept = table[:2]
    room = budget - size([*head, *kept, "", LEGEND])
    for row in table[2:]:
        room -= size([row])
        if room < 0:
            break
        kept.append(row)
    return [*head, *kept, "", LEGEND], len(table) - len(kept)


def closing_line(left_out: list[ScenarioResult], rows_left_out: int) -> str:
    parts = []
    if rows_left_out:
        parts.append(f"{rows_left_out} rows of the matrix table")
    if left_out:
        names = ", ".join(code(result.name) for result in left_out[:NAMES_SHOWN])
        more = f" and {len(left_out) - NAMES_SHOWN} more" if len(left_out) > NAMES_SHOWN else ""
        parts.append(f"the details of {len(left_out)} scenarios ({names}{more})")
    return (
        f"**Left out to stay under GitHub's 1 MiB job-summary limit:** {' and '.join(parts)}. "
        "The full report has every detail: `--format markdown`, `html` or `json` "
        "(the portcheck GitHub Action uploads them as an artifact of the workflow run)."
    )
