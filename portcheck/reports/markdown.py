"""The Markdown report: for a CI job summary or a pull request comment.

Every value that came from a component, an engine or a matrix file is untrusted text: it only
reaches the page as escaped plain text, inside a code span, or inside a fenced code block, so
it cannot add table columns, close a fence or inject markup.
"""

from __future__ import annotations

import re

from portcheck.model.report import Cell, Report, ScenarioResult
from portcheck.reports import twins
from portcheck.reports.interface import ReportFormat
from portcheck.reports.words import (
    FAILED_MARKS,
    LEVEL_WORDS,
    cell_label,
    clean,
    difference_lines,
    engines_line,
    expectation_text,
    is_multiline,
    partial_line,
    shortened,
    stale_lines,
    summary,
    value_text,
)

SYMBOLS = {"baseline": "🔵", "same": "✅", "differs": "❌", "known": "📌", "error": "⚠️", "skipped": "⏭️"}
SCENARIO_SYMBOLS = {"portable": "✅", "known": "📌", "diverges": "❌", "error": "⚠️"}
LEGEND = (
    "🔵 baseline · ✅ same as the baseline · ❌ differs · 📌 known divergence · ⚠️ error (class) · "
    "⏭️ skipped · ✓ / ✗ / (✗) the spec's expected answer holds / a MUST does not hold / only a SHOULD "
    "does not hold on that engine (a MAY not taken is listed below the table, marked ○)"
)
MAX_BLOCK_LINES = 200  # a job summary has a size limit; the JSON report keeps everything
MAX_VALUE = 300
MAX_LINE = 1000
LONG = "(multi-line: diff below)"
# `|` is escaped by `cell`, in table rows only: there GFM reads every `\|` as a plain pipe, even in code.
MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>&#~!])")


def text(value: str) -> str:
    """Untrusted text as one line of plain Markdown: every character Markdown acts on escaped."""
    return MARKDOWN_ACTIVE.sub(r"\\\1", " ".join(clean(value).split()))


def code(value: str) -> str:
    """Untrusted text as a code span: the fence is longer than any run of backticks inside."""
    value = clean(value).replace("\r", "").replace("\n", "↵")
    fence = "`" * (max((len(run) for run in re.findall("`+", value)), default=0) + 1)
    padded = f" {value} " if value.startswith(("`", " ")) or value.endswith(("`", " ")) else value
    return f"{fence}{padded or ' '}{fence}"


def cell(markdown: str) -> str:
    """Markdown for a table cell: GFM splits rows on every `|` not written as `\\|`, even in code."""
    return markdown.replace("|", "\\|")


def fenced(lines: list[str], info: str = "text") -> list[str]:
    """A fenced code block that no line inside can close (the fence outgrows every backtick run)."""
    if len(lines) > MAX_BLOCK_LINES:
        lines = [*lines[:MAX_BLOCK_LINES], f"... ({len(lines) - MAX_BLOCK_LINES} more lines)"]
    body = [clean(shortened(line, MAX_LINE)).replace("\r", "") for line in lines]
    longest = max((len(run) for line in body for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *body, fence]


def link(url: str) -> str:
    """An autolink for a web address; anything else (javascript:, a typo) stays inert code."""
    if re.fullmatch(r"https?://[^\s<>`\x00-\x1f\x7f]+", url):
        return f"<{url}>"
    return code(url)


class Markdown(ReportFormat):
    name = "markdown"
    suffix = "md"

    def render(self, report: Report) -> str:
        lines = [*heading(report), *matrix_table(report), "", LEGEND]
        for result in report.scenarios:
            if needs_details(result):
                lines += ["", *scenario_section(result, report.baseline)]
        lines += twins_section(report)
        lines += [*stale_section(report), "", f"**{text(summary(report))}**"]
        return clean("\n".join(lines)) + "\n"  # a last guard: nothing unprintable reaches the file


def twins_section(report: Report) -> list[str]:
    """WASI 0.2 against 0.3: the table of pairs, then what differs, fenced."""
    if not twins.with_twins(report):
        return []
    lines = ["", f"### {text(twins.TITLE)}", "", row([text(name) for name in twins.header(report)])]
    lines.append(row(["---"] * len(twins.header(report))))
    lines += [
        row([code(item[0]), code(item[1]), *(text(label) for label in item[2:])])
        for item in twins.rows(report)
    ]
    lines += ["", text(twins.LEGEND)]
    for result in twins.with_twins(report):
        if block := twins.detail_lines(result):
            lines += ["", f"{code(result.name)} against its twin:", "", *fenced(block)]
    return lines


def stale_section(report: Report) -> list[str]:
    if not report.stale:
        return []
    return ["", "### Stale `[[known]]` entries", "", *(f"- {text(line)}" for line in stale_lines(report))]


def heading(report: Report) -> list[str]:
    """The title, the partial-report warning if any, the engines."""
    lines = ["## portcheck compatibility matrix", ""]
    if report.partial:
        lines += [f"> **⚠️ {text(partial_line(report))}**", ""]
    return [*lines, engines_paragraph(report), ""]


def engines_paragraph(report: Report) -> str:
    names = [
        f"**{text(engine.name)}** {text(engine.version)}"
        + (" (baseline)" if engine.name == report.baseline else "")
        for engine in report.engines
    ]
    return "Engines: " + " · ".join(names) if names else text(engines_line(report))


def matrix_table(report: Report) -> list[str]:
    engines = [engine.name for engine in report.engines]
    header = ["scenario", "kind", *(text(name) for name in engines), "verdict"]
    lines = [row(header), row(["---"] * len(header))]
    for result in report.scenarios:
        cells = [cell_mark(result.cells[name]) if name in result.cells else "" for name in engines]
        verdict = f"{SCENARIO_SYMBOLS[result.verdict]} {result.verdict}"
        lines.append(row([code(result.name), text(result.kind), *cells, verdict]))
    return lines


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cell(item) for item in cells) + " |"


def cell_mark(entry: Cell) -> str:
    return f"{SYMBOLS[entry.verdict]} {text(cell_label(entry))}"


def needs_details(result: ScenarioResult) -> bool:
    cells = result.cells.values()
    return result.verdict != "portable" or any(c.failed_level or c.verdict == "skipped" for c in cells)


def scenario_section(result: ScenarioResult, baseline: str) -> list[str]:
    symbol = SCENARIO_SYMBOLS[result.verdict]
    lines = [f"### {code(result.name)} {symbol} {result.verdict}", ""]
    if result.description.strip():
        lines += [f"**Description:** {text(result.description)}", ""]
    lines += remarks(result)
    lines += differences_table(result, baseline)
    lines += multiline_differences(result, baseline)
    lines += errors(result)
    while lines[-1] == "":
        lines.pop()
    return lines


def remarks(result: ScenarioResult) -> list[str]:
    """Skipped cells, spec failures and known divergences, one list item each."""
    items = []
    for engine, entry in result.cells.items():
        if entry.verdict == "skipped":
            items.append(f"- ⏭️ **{text(engine)}** skipped: {text(entry.reason or 'not run')}")
        for checked in entry.expectations:
            if not checked.holds:
                what = code(expectation_text(checked))
                mark, words = FAILED_MARKS[checked.level], LEVEL_WORDS[checked.level]
                items.append(f"- {mark} **{text(engine)}** {words}: {what} ({text(checked.spec)})")
        for known in dict.fromkeys(entry.known):
            where = f" {link(known.link)}" if known.link else ""
            items.append(f"- 📌 **{text(engine)}** known divergence: {text(known.reason)}{where}")
    return [*items, ""] if items else []


def differences_table(result: ScenarioResult, baseline: str) -> list[str]:
    """One row per differing field: the baseline's value, then each engine's (`=` where it agrees)."""
    engines = [name for name, entry in result.cells.items() if name != baseline and entry.differences]
    values: dict[str, dict[str, str]] = {}
    for name in engines:
        for difference in result.cells[name].differences:
            long = is_multiline(difference.baseline) and is_multiline(difference.engine)
            shown = (
                (LONG, LONG) if long else (table_value(difference.baseline), table_value(difference.engine))
            )
            values.setdefault(difference.field, {baseline: shown[0]})[name] = shown[1]
    if not values:
        return []
    header = ["field", f"{text(baseline)} (baseline)", *(text(name) for name in engines)]
    lines = [row(header), row(["---"] * len(header))]
    for field, row_values in values.items():
        lines.append(row([code(field), *(row_values.get(name, "=") for name in [baseline, *engines])]))
    return [*lines, ""]


def table_value(value: object) -> str:
    return code(shortened(value_text(value), MAX_VALUE))


def multiline_differences(result: ScenarioResult, baseline: str) -> list[str]:
    """Multi-line values (stdout, bodies) as a unified diff in a fenced block."""
    lines: list[str] = []
    for engine, entry in result.cells.items():
        for difference in entry.differences:
            if is_multiline(difference.baseline) and is_multiline(difference.engine):
                diff = difference_lines(
                    difference.field, difference.baseline, difference.engine, (baseline, engine)
                )
                lines += [f"{code(difference.field)} on **{text(engine)}** against **{text(baseline)}**:"]
                lines += [*fenced([line[2:] for line in diff[1:]], "diff"), ""]
    return lines


def errors(result: ScenarioResult) -> list[str]:
    lines: list[str] = []
    for engine, entry in result.cells.items():
        if entry.error:
            lines += [f"⚠️ **{text(engine)}**: error ({text(entry.error_class or 'unknown')})", ""]
            lines += [*fenced(entry.error.splitlines()), ""]
    return lines
