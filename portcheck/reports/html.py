"""The HTML report: one self-contained page (inline CSS, no scripts, nothing loaded from elsewhere).

The matrix links every cell to its scenario's section, where the observations of every engine
stand side by side with the fields that differ from the baseline marked. Everything that came
from a component, an engine or a matrix file goes through `esc`; a [[known]] link only becomes
an `href` when it is a web address.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from portcheck.config import Known
from portcheck.expectations import Checked
from portcheck.observations import Exchange, Header, Observation, RecordedRequest
from portcheck.reports.interface import ReportFormat
from portcheck.reports.words import (
    capped,
    cell_label,
    clean,
    difference_fields,
    difference_lines,
    shortened,
    stale_lines,
    summary,
    value_text,
)
from portcheck.verdict import Cell, Report, ScenarioResult

T = TypeVar("T")
MAX_VALUE = 2000  # characters of one expected or observed value in the spec table
NONE = '<span class="none">(none)</span>'
EMPTY = '<span class="none">(empty)</span>'

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
.matrix a { color: inherit; display: block; text-decoration: none; }
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


def esc(value: object) -> str:
    """Untrusted text as HTML text or attribute value: escaped, with nothing unprintable left."""
    return html.escape(clean(str(value)), quote=True)


def anchor(*names: str) -> str:
    """A fragment id; names are restricted by the matrix, this keeps any other character out."""
    return "s:" + ":".join(re.sub(r"[^A-Za-z0-9._-]", "_", name) for name in names)


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
            engines_table(report),
            matrix_table(report),
            legend(report),
            stale_section(report),
            *(scenario_section(result, report) for result in report.scenarios),
        ]
        page = PAGE.format(style=STYLE, body="\n".join(part for part in parts if part))
        return clean(page)  # a last guard: nothing unprintable reaches the file


def engines_table(report: Report) -> str:
    rows = [
        f"<tr><th>{esc(e.name)}</th><td>{esc(e.type)}</td><td>{esc(e.version)}</td>"
        f"<td>{'baseline' if e.name == report.baseline else ''}</td></tr>"
        for e in report.engines
    ]
    head = "<th>engine</th><th>type</th><th>version</th><th></th>"
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
    items.append("<li>✓ / ✗ the spec's expected answer holds / does not hold on that engine</li>")
    items.append(f"<li>Marked fields in a scenario's observations differ from {esc(report.baseline)}.</li>")
    return f"<h3>Legend</h3>\n<ul>{''.join(items)}</ul>"


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


# --- the observations side by side ---------------------------------------------------------


@dataclass
class Row:
    label: str
    path: str | None  # the Difference.field this row shows; None: a heading, or not compared
    cells: dict[str, str] = field(default_factory=dict)  # engine -> HTML
    heading: bool = False


def side_by_side(result: ScenarioResult, engines: list[str], baseline: str) -> str:
    marks = {engine: {d.field for d in result.cells[engine].differences} for engine in engines}
    observations = {engine: result.observations.get(engine) for engine in engines}
    rows = [verdict_row(result, engines), *observation_rows(result.kind, observations, marks)]
    head = "".join(
        f'<th id="{esc(anchor(result.name, engine))}" class="v-{esc(result.cells[engine].verdict)}">'
        f"{esc(engine)}</th>"
        for engine in engines
    )
    body = "".join(render_row(row, engines, baseline, marks) for row in rows)
    return f'<table class="side"><thead><tr><th></th>{head}</tr></thead><tbody>\n{body}</tbody></table>'


def render_row(row: Row, engines: list[str], baseline: str, marks: dict[str, set[str]]) -> str:
    if row.heading:
        return f'<tr class="group"><th colspan="{len(engines) + 1}">{esc(row.label)}</th></tr>\n'
    cells = []
    for engine in engines:
        css = ""
        if row.path and engine != baseline and marked(marks[engine], row.path):
            css = ' class="diff"'
        elif row.path and engine == baseline and any(marked(marks[e], row.path) for e in engines):
            css = ' class="diff-base"'
        cells.append(f"<td{css}>{row.cells.get(engine, NONE)}</td>")
    return f"<tr><th>{esc(row.label)}</th>{''.join(cells)}</tr>\n"


def marked(fields: set[str], path: str) -> bool:
    """A difference marks the part it names, what that part holds, and what holds that part."""
    return any(
        name == path or name.startswith((path + ".", path + "[")) or path.startswith((name + ".", name + "["))
        for name in fields
    )


def verdict_row(result: ScenarioResult, engines: list[str]) -> Row:
    return Row("verdict", None, {engine: verdict_html(result.cells[engine]) for engine in engines})


def verdict_html(cell: Cell) -> str:
    reason = f"<br>{esc(cell.reason)}" if cell.verdict == "skipped" and cell.reason else ""
    return esc(cell_label(cell)) + reason


def observation_rows(
    kind: str, observations: dict[str, Observation | None], marks: dict[str, set[str]]
) -> list[Row]:
    seen = [o for o in observations.values() if o is not None]
    rows = []
    if any(o.failure for o in seen):  # a row of "(none)" everywhere would only be noise
        rows.append(Row("failure", "failure", per_engine(observations, lambda o: text_or_none(o.failure))))
    if kind == "client":
        rows.append(
            Row("exit code", "exit_code", per_engine(observations, lambda o: text_or_none(o.exit_code)))
        )
        rows.append(Row("stdout", "stdout", per_engine(observations, lambda o: pre(o.stdout))))
    else:
        rows += server_rows(observations, marks)
        if any(o.stdout for o in seen):
            rows.append(
                Row("stdout", None, per_engine(observations, lambda o: collapsed(o.stdout, "stdout")))
            )
    rows.append(Row("stderr", None, per_engine(observations, lambda o: collapsed(o.stderr, "stderr"))))
    return rows + origin_rows(observations, marks)


def per_engine(observations: dict[str, T | None], show: Callable[[T], str]) -> dict[str, str]:
    return {engine: show(item) if item is not None else NONE for engine, item in observations.items()}


def items_at(observations: dict[str, Observation | None], group: str, index: int) -> dict[str, T | None]:
    """The index-th exchange or origin request of every engine (None where it has fewer)."""
    found: dict[str, T | None] = {}
    for engine, observation in observations.items():
        items = getattr(observation, group, []) if observation else []
        found[engine] = items[index] if index < len(items) else None
    return found


def count_row(observations: dict[str, Observation | None], group: str, path: str) -> list[Row]:
    """A count row, only where the engines saw different numbers of items."""
    counts = {engine: len(getattr(o, group)) if o else 0 for engine, o in observations.items()}
    if len(set(counts.values())) <= 1:
        return []
    return [Row(path, path, {engine: esc(count) for engine, count in counts.items()})]


def server_rows(observations: dict[str, Observation | None], marks: dict[str, set[str]]) -> list[Row]:
    rows = count_row(observations, "exchanges", "responses.count")
    for index in range(max((len(o.exchanges) for o in observations.values() if o), default=0)):
        exchanges: dict[str, Exchange | None] = items_at(observations, "exchanges", index)
        rows += exchange_rows(f"responses[{index}]", exchanges, marks)
    return rows


def exchange_rows(where: str, exchanges: dict[str, Exchange | None], marks: dict[str, set[str]]) -> list[Row]:
    request = next(exchange.request for exchange in exchanges.values() if exchange)
    rows = [
        Row(f"{where}: {request}", None, heading=True),
        Row("status", f"{where}.status", per_engine(exchanges, status_text)),
        Row("headers", f"{where}.headers", header_cells(exchanges, "headers", f"{where}.headers", marks)),
        Row("body", f"{where}.body", per_engine(exchanges, lambda x: body_html(x.body))),
    ]
    if any(x and x.trailers for x in exchanges.values()):
        cells = header_cells(exchanges, "trailers", f"{where}.trailers", marks)
        rows.append(Row("trailers", f"{where}.trailers", cells))
    if any(x and x.failure for x in exchanges.values()):
        rows.append(Row("failure", where, per_engine(exchanges, lambda x: text_or_none(x.failure))))
    rows.append(
        Row("alive after", f"{where}.alive_after", per_engine(exchanges, lambda x: esc(x.alive_after)))
    )
    return rows


def status_text(exchange: Exchange) -> str:
    if exchange.status is None:
        return NONE
    return esc(f"{exchange.status} {exchange.reason or ''}".strip())


def origin_rows(observations: dict[str, Observation | None], marks: dict[str, set[str]]) -> list[Row]:
    rows = count_row(observations, "origin_requests", "origin.requests.count")
    for index in range(max((len(o.origin_requests) for o in observations.values() if o), default=0)):
        where = f"origin.requests[{index}]"
        requests: dict[str, RecordedRequest | None] = items_at(observations, "origin_requests", index)
        rows += [
            Row(f"{where}: what reached the origin", None, heading=True),
            Row("method", f"{where}.method", per_engine(requests, lambda r: esc(r.method))),
            Row("target", f"{where}.target", per_engine(requests, lambda r: f"<code>{esc(r.target)}</code>")),
            Row("headers", f"{where}.headers", header_cells(requests, "headers", f"{where}.headers", marks)),
            Row("body", f"{where}.body", per_engine(requests, lambda r: body_html(r.body))),
        ]
        if any(r and r.trailers for r in requests.values()):
            cells = header_cells(requests, "trailers", f"{where}.trailers", marks)
            rows.append(Row("trailers", f"{where}.trailers", cells))
    return rows


def header_cells(
    items: dict[str, Exchange | RecordedRequest | None], attribute: str, path: str, marks: dict[str, set[str]]
) -> dict[str, str]:
    return {
        engine: headers_html(getattr(item, attribute), path, marks[engine]) if item else NONE
        for engine, item in items.items()
    }


def headers_html(headers: list[Header] | None, path: str, fields: set[str]) -> str:
    """The header lines in wire order; the lines whose name differs from the baseline marked."""
    if headers is None:
        return NONE
    if not headers:
        return EMPTY
    lines = []
    for name, value in headers:
        css = ' class="diff"' if marked(fields, f"{path}[{name.lower()}]") else ""
        lines.append(f"<li{css}><b>{esc(name)}</b>: {esc(value)}</li>")
    return f'<ol class="headers">{"".join(lines)}</ol>'


def text_or_none(value: object) -> str:
    return NONE if value is None else esc(value)


def pre(text: str) -> str:
    return f"<pre>{esc(capped(text))}</pre>" if text else EMPTY


def collapsed(text: str, what: str) -> str:
    if not text:
        return EMPTY
    return f"<details><summary>{what} ({len(text.splitlines())} lines)</summary>{pre(text)}</details>"


def body_html(body: bytes | None) -> str:
    if body is None:
        return NONE
    # Bytes that are not UTF-8 come out of `esc` as \xNN, as everywhere else in the reports.
    return pre(body.decode("utf-8", "surrogateescape"))


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
        f"<th>{name}</th>" for name in ("engine", "field", "check", "expected", "observed", "", "spec")
    )
    return "<h3>The spec's expected answer</h3>\n" + table(head, rows)


def expectation_row(engine: str, checked: Checked) -> str:
    outcome = "pass" if checked.holds else "fail"
    values = [shortened(value_text(v), MAX_VALUE) for v in (checked.expected, checked.observed)]
    return (
        f"<tr><th>{esc(engine)}</th><td><code>{esc(checked.field)}</code></td><td>{esc(checked.check)}</td>"
        + "".join(f"<td><code>{esc(value)}</code></td>" for value in values)
        + f'<td class="{outcome}">{outcome}</td><td>{esc(checked.spec)}</td></tr>\n'
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
