"""The HTML report: one self-contained page (inline CSS, no scripts, nothing loaded from elsewhere).

The matrix links every cell to its scenario's section, where the observations of every engine
stand side by side with the fields that differ from the baseline marked. Everything that came
from a component, an engine or a matrix file goes through `esc`; a [[known]] link only becomes
an `href` when it is a web address.
"""

from __future__ import annotations

from portcheck.model.report import Checked, Report, ScenarioResult
from portcheck.model.scenario import Known
from portcheck.reports import twins
from portcheck.reports.features import HTML_STYLE, flags_of, html_section
from portcheck.reports.html_sides import anchor, esc, pre, side_by_side
from portcheck.reports.interface import ReportFormat
from portcheck.reports.words import (
    SPEC_LEGEND,
    cell_label,
    check_words,
    clean,
    difference_fields,
    difference_lines,
    partial_line,
    shortened,
    stale_lines,
    summary,
    value_text,
)

MAX_VALUE = 2000  # characters of one expected or observed value in the spec table

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-height: 30em; overflow: auto; }
code, pre { font: 12px/1.4 ui-monospace, monospace; }
section { border-top: 2px solid #d0d7de; margin-top: 2em; }
table.side { width: 100%; table-layout: fixed; }
table.side th:first-child { width: 11em; }
tr.group th { background: #eef1f4; }
ol.headers { margin: 0; padding-left: 1.6em; font: 12px/1.4 ui-monospace, monospace; word-break: break-all; }
.none { color: #6e7781; font-style: italic; }
.v-baseline { background: #ddf4ff; } .v-same { background: #dafbe1; } .v-differs { background: #ffd8d3; }
.v-known { background: #fff1c2; } .v-error { background: #ffd6a5; } .v-skipped { background: #eaeef2; }
.sv-portable { background: #dafbe1; } .sv-known { background: #fff1c2; }
.sv-diverges { background: #ffd8d3; } .sv-error { background: #ffd6a5; }
.badge { padding: 1px 8px; border-radius: 8px; font-size: 0.8em; }
td.diff, li.diff { background: #ffebe9; box-shadow: inset 3px 0 #cf222e; }
td.diff-base { box-shadow: inset 3px 0 #0969da; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #cf222e; font-weight: bold; }
.fail-should { color: #9a6700; font-weight: bold; } .fail-may { color: #6e7781; }
.matrix a { color: inherit; display: block; text-decoration: none; }
.partial { background: #ffd8d3; padding: 0.5em 1em; border-left: 4px solid #cf222e; }
"""
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portcheck report</title>
<style>{style}</style>
</head>
<body>
{body}
</body>
</html>
"""
LEGEND = [
    ("v-baseline", "baseline", "the engine the others are compared with"),
    ("v-same", "same", "observed the same as the baseline"),
    ("v-differs", "differs", "observed something else (the number of differing fields)"),
    ("v-known", "known", "differs, but a [[known]] entry accepts it"),
    ("v-error", "error", "could not run to an end (with the class)"),
    ("v-skipped", "skipped", "not run"),
]


def web_link(url: str, text: str) -> str:
    """A link for http(s) addresses only: javascript: and the like stay inert text."""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>'
    return f"<code>{esc(url)}</code>"


class Html(ReportFormat):
    name = "html"
    suffix = "html"

    def render(self, report: Report) -> str:
        parts = [
            f"<h1>portcheck compatibility matrix</h1>\n<p><strong>{esc(summary(report))}</strong></p>",
            f'<p class="partial"><strong>{esc(partial_line(report))}</strong></p>' if report.partial else "",
            engines_table(report),
            html_section(report),
            matrix_table(report),
            legend(report),
            twins_section(report),
            stale_section(report),
            *(scenario_section(result, report) for result in report.scenarios),
        ]
        page = PAGE.format(style=STYLE + HTML_STYLE, body="\n".join(part for part in parts if part))
        return clean(page)  # a last guard: nothing unprintable reaches the file


def engines_table(report: Report) -> str:
    rows = [
        f"<tr><th>{esc(e.name)}</th><td>{esc(e.type)}</td><td>{esc(e.version)}</td>"
        f"<td><code>{esc(flags_of(e))}</code></td>"
        f"<td>{'baseline' if e.name == report.baseline else ''}</td></tr>"
        for e in report.engines
    ]
    head = "<th>engine</th><th>type</th><th>version</th><th>options</th><th></th>"
    return "<h2>Engines</h2>\n" + table(head, rows)


def matrix_table(report: Report) -> str:
    engines = [engine.name for engine in report.engines]
    head = "".join(f"<th>{esc(name)}</th>" for name in ["scenario", "kind", *engines, "verdict"])
    rows = [matrix_row(result, engines) for result in report.scenarios]
    return "<h2>Matrix</h2>\n" + table(head, rows, "matrix")


def table(head: str, rows: list[str], css: str = "") -> str:
    """A table from its header cells and its whole rows, both already HTML."""
    css = f' class="{css}"' if css else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>\n{''.join(rows)}</tbody></table>"


def matrix_row(result: ScenarioResult, engines: list[str]) -> str:
    cells = "".join(matrix_cell(result, engine) for engine in engines)
    name = f'<a href="#{esc(anchor(result.name))}">{esc(result.name)}</a>'
    verdict = f'<td class="sv-{esc(result.verdict)}">{esc(result.verdict)}</td>'
    return f"<tr><th>{name}</th><td>{esc(result.kind)}</td>{cells}{verdict}</tr>\n"


def matrix_cell(result: ScenarioResult, engine: str) -> str:
    cell = result.cells.get(engine)
    if cell is None:
        return "<td></td>"
    title = f' title="{esc(difference_fields(cell))}"' if cell.differences else ""
    target = esc(anchor(result.name, engine))
    return f'<td class="v-{esc(cell.verdict)}"{title}><a href="#{target}">{esc(cell_label(cell))}</a></td>'


def legend(report: Report) -> str:
    items = [f'<li><span class="badge {css}">{label}</span> {text}</li>' for css, label, text in LEGEND]
    items.append(f"<li>{esc(SPEC_LEGEND)}</li>")
    items.append(f"<li>Marked fields in a scenario's observations differ from {esc(report.baseline)}.</li>")
    return f"<h3>Legend</h3>\n<ul>{''.join(items)}</ul>"


def twins_section(report: Report) -> str:
    """WASI 0.2 against 0.3: a row per pair, a cell per engine, the differences below."""
    if not twins.with_twins(report):
        return ""
    verdicts = {"same": "v-same", "n/a": "v-skipped"}
    body = [
        f"<tr><th>{esc(item[0])}</th><td>{esc(item[1])}</td>"
        + "".join(f'<td class="{verdicts.get(label, "v-differs")}">{esc(label)}</td>' for label in item[2:])
        + "</tr>\n"
        for item in twins.rows(report)
    ]
    head = "".join(f"<th>{esc(name)}</th>" for name in twins.header(report))
    details = [
        f"<details open><summary>{esc(result.name)} against its twin</summary>"
        f"{pre(chr(10).join(block))}</details>"
        for result in twins.with_twins(report)
        if (block := twins.detail_lines(result))
    ]
    parts = [
        f'<h2 id="twins">{esc(twins.TITLE)}</h2>',
        table(head, body),
        f"<p>{esc(twins.LEGEND)}</p>",
        *details,
    ]
    return "\n".join(parts)


def stale_section(report: Report) -> str:
    if not report.stale:
        return ""
    items = [
        f"<li>{esc(line)}{known_link(entry)}</li>"
        for entry, line in zip(report.stale, stale_lines(report), strict=True)
    ]
    return f'<h2 id="stale">Stale [[known]] entries</h2>\n<ul>{"".join(items)}</ul>'


def known_link(entry: Known) -> str:
    return f" ({web_link(entry.link, 'link')})" if entry.link else ""


def scenario_section(result: ScenarioResult, report: Report) -> str:
    engines = [engine.name for engine in report.engines if engine.name in result.cells]
    verdict = f'<span class="badge sv-{esc(result.verdict)}">{esc(result.verdict)}</span>'
    parts = [
        f'<section id="{esc(anchor(result.name))}">',
        f"<h2>{esc(result.name)} {verdict}</h2>",
        f"<p>{esc(result.kind)} scenario. {esc(result.description.strip())}</p>",
        side_by_side(result, engines, report.baseline),
        differences_block(result, report.baseline),
        expectations_block(result),
        known_block(result),
        errors_block(result),
        notes_block(result),
        "</section>",
    ]
    return "\n".join(part for part in parts if part)


# --- what the scenario's cells say -------------------------------------------------------------


def differences_block(result: ScenarioResult, baseline: str) -> str:
    blocks = []
    for engine, cell in result.cells.items():
        lines = []
        for d in cell.differences:
            lines += difference_lines(d.field, d.baseline, d.engine, (baseline, engine))
        if lines:
            summary_text = f"{esc(engine)} differs from {esc(baseline)} ({len(cell.differences)} fields)"
            blocks.append(
                f"<details open><summary>{summary_text}</summary>{pre(chr(10).join(lines))}</details>"
            )
    return "<h3>Differences</h3>\n" + "\n".join(blocks) if blocks else ""


def expectations_block(result: ScenarioResult) -> str:
    rows = [expectation_row(engine, c) for engine, cell in result.cells.items() for c in cell.expectations]
    if not rows:
        return ""
    head = "".join(
        f"<th>{name}</th>" for name in ("engine", "field", "check", "observed", "", "level", "spec")
    )
    return "<h3>The spec's expected answer</h3>\n" + table(head, rows)


def expectation_row(engine: str, checked: Checked) -> str:
    """One check: a failed MUST is marked fail, a failed SHOULD or MAY in a weaker colour."""
    outcome = "pass" if checked.holds else "fail"
    css = outcome if checked.holds or checked.level == "must" else f"fail-{checked.level}"
    asked = shortened(check_words(checked), MAX_VALUE)
    observed = shortened(value_text(checked.observed), MAX_VALUE)
    return (
        f"<tr><th>{esc(engine)}</th><td><code>{esc(checked.field)}</code></td><td><code>{esc(asked)}</code></td>"
        f'<td><code>{esc(observed)}</code></td><td class="{css}">{outcome}</td>'
        f"<td>{esc(checked.level.upper())}</td><td>{esc(checked.spec)}</td></tr>\n"
    )


def known_block(result: ScenarioResult) -> str:
    items = [
        f"<li><b>{esc(engine)}</b> ({esc(entry.field or 'every difference')}): "
        f"{esc(entry.reason)}{known_link(entry)}</li>"
        for engine, cell in result.cells.items()
        for entry in dict.fromkeys(cell.known)
    ]
    return f"<h3>Known divergences</h3>\n<ul>{''.join(items)}</ul>" if items else ""


def errors_block(result: ScenarioResult) -> str:
    blocks = [
        f"<h4>{esc(engine)}: error ({esc(cell.error_class)})</h4>{pre(cell.error)}"
        for engine, cell in result.cells.items()
        if cell.error
    ]
    return "<h3>Errors</h3>\n" + "\n".join(blocks) if blocks else ""


def notes_block(result: ScenarioResult) -> str:
    items = [
        f"<li><b>{esc(engine)}</b>: {esc(note)}</li>"
        for engine, cell in result.cells.items()
        for note in cell.notes
    ]
    if not items:
        return ""
    summary_text = f"Notes: seen, not compared ({len(items)})"
    return f"<details><summary>{summary_text}</summary><ul>{''.join(items)}</ul></details>"
