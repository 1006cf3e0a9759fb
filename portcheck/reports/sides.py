"""One scenario's observations for every engine side by side (`portcheck show`)."""

from __future__ import annotations

import shutil
import textwrap

from tabulate import tabulate

from portcheck.model import fields
from portcheck.model.projection import rows
from portcheck.model.report import Report, ScenarioResult
from portcheck.reports.words import as_compared, cell_label, scenario_details

DIFFERS, SAME = "≠", " "


def differing(field: str, result: ScenarioResult) -> bool:
    """A row is marked when a difference names it, or names something it is part of."""
    differences = {difference.field for cell in result.cells.values() for difference in cell.differences}
    return any(fields.covers(name, field) for name in differences)


def column_width(engines: int) -> int:
    terminal = shutil.get_terminal_size((120, 40)).columns
    return max(20, (terminal - 40) // max(engines, 1))


def wrapped(text: str, width: int) -> str:
    """A cell cut into lines of at most `width`, blank lines dropped. Done here rather than by
    tabulate's maxcolwidths, which raises on a cell of whitespace alone (tabulate 0.10.0: its
    number guess is handed the wrong argument)."""
    lines = (textwrap.wrap(line, width, replace_whitespace=False) for line in text.splitlines())
    return "\n".join(part for parts in lines for part in parts if part.strip())


def side_by_side(report: Report, result: ScenarioResult, raw: bool = False) -> str:
    engines = list(result.observations)
    versions = {engine.name: engine.version for engine in report.engines}
    headers = [
        "",
        "field",
        *(f"{name}\n{versions.get(name, '')}\n{cell_label(result.cells[name])}" for name in engines),
    ]
    width = column_width(len(engines))
    table = [
        [
            DIFFERS if differing(field, result) else SAME,
            wrapped(field, 40),
            *(wrapped(values[name], width) for name in engines),
        ]
        for field, values in rows(as_compared(result))
    ]
    lines = [
        f"{result.name} ({result.kind}, {result.verdict})",
        *([result.description.strip()] if result.description.strip() else []),
        "",
        tabulate(table, headers=headers, tablefmt="simple"),
        "",
        f"{DIFFERS} marks a field that differs from the baseline ({report.baseline})",
    ]
    details = scenario_details(result, report.baseline)
    if details:
        lines += ["", *details]
    if raw:
        lines += raw_output(result)
    return "\n".join(lines) + "\n"


def raw_output(result: ScenarioResult) -> list[str]:
    lines = []
    for engine, observation in result.observations.items():
        for stream in ("stdout", "stderr"):
            text = getattr(observation, stream)
            lines += [
                "",
                f"--- {engine} {stream} ({len(text)} characters)",
                text.rstrip("\n") if text else "(empty)",
            ]
    return lines
