"""The HTML report's side-by-side view of one scenario: every engine's observations, differences marked.

Also the escaping every part of the page goes through: everything that came from a component,
an engine or a matrix file passes `esc`.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from portcheck.model import fields
from portcheck.model.observation import Exchange, Header, Observation, RecordedRequest
from portcheck.model.report import Cell, ScenarioResult
from portcheck.reports.words import as_compared, capped, cell_label, clean

T = TypeVar("T")
NONE = '<span class="none">(none)</span>'
EMPTY = '<span class="none">(empty)</span>'


def esc(value: object) -> str:
    """Untrusted text as HTML text or attribute value: escaped, with nothing unprintable left."""
    return html.escape(clean(str(value)), quote=True)


def anchor(*names: str) -> str:
    """A fragment id; names are restricted by the matrix, this keeps any other character out."""
    return "s:" + ":".join(re.sub(r"[^A-Za-z0-9._-]", "_", name) for name in names)


@dataclass
class Row:
    label: str
    path: str | None  # the Difference.field this row shows; None: a heading, or not compared
    cells: dict[str, str] = field(default_factory=dict)  # engine -> HTML
    heading: bool = False


def side_by_side(result: ScenarioResult, engines: list[str], baseline: str) -> str:
    marks = {engine: {d.field for d in result.cells[engine].differences} for engine in engines}
    compared = as_compared(result)
    observations = {engine: compared.get(engine) for engine in engines}
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


def marked(differences: set[str], path: str) -> bool:
    """A difference marks the part it names, what that part holds, and what holds that part."""
    return any(fields.related(name, path) for name in differences)


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
    rows = count_row(observations, "exchanges", fields.count(fields.RESPONSES))
    for index in range(max((len(o.exchanges) for o in observations.values() if o), default=0)):
        exchanges: dict[str, Exchange | None] = items_at(observations, "exchanges", index)
        rows += exchange_rows(fields.item(fields.RESPONSES, index), exchanges, marks)
    return rows


def exchange_rows(where: str, exchanges: dict[str, Exchange | None], marks: dict[str, set[str]]) -> list[Row]:
    request = next(exchange.request for exchange in exchanges.values() if exchange)
    at = functools.partial(fields.attribute, where)
    rows = [
        Row(f"{where}: {request}", None, heading=True),
        Row("status", at("status"), per_engine(exchanges, status_text)),
        Row("headers", at("headers"), header_cells(exchanges, "headers", at("headers"), marks)),
        Row("body", at("body"), per_engine(exchanges, lambda x: body_html(x.body))),
    ]
    if any(x and x.trailers for x in exchanges.values()):
        rows.append(
            Row("trailers", at("trailers"), header_cells(exchanges, "trailers", at("trailers"), marks))
        )
    if any(x and x.extra is not None for x in exchanges.values()):
        rows.append(Row("after the head", at("extra"), per_engine(exchanges, lambda x: body_html(x.extra))))
    if any(x and x.failure for x in exchanges.values()):
        rows.append(Row("failure", where, per_engine(exchanges, failure_text)))
    rows.append(Row("alive after", at("alive_after"), per_engine(exchanges, lambda x: esc(x.alive_after))))
    return rows


def failure_text(exchange: Exchange) -> str:
    if exchange.failure is None:
        return NONE
    return esc(exchange.failure + (f": {exchange.detail}" if exchange.detail else ""))


def status_text(exchange: Exchange) -> str:
    if exchange.status is None:
        return NONE
    return esc(f"{exchange.status} {exchange.reason or ''}".strip())


def origin_rows(observations: dict[str, Observation | None], marks: dict[str, set[str]]) -> list[Row]:
    rows = count_row(observations, "origin_requests", fields.count(fields.ORIGIN_REQUESTS))
    for index in range(max((len(o.origin_requests) for o in observations.values() if o), default=0)):
        where = fields.item(fields.ORIGIN_REQUESTS, index)
        at = functools.partial(fields.attribute, where)
        requests: dict[str, RecordedRequest | None] = items_at(observations, "origin_requests", index)
        rows += [
            Row(f"{where}: what reached the origin", None, heading=True),
            Row("method", at("method"), per_engine(requests, lambda r: esc(r.method))),
            Row("target", at("target"), per_engine(requests, lambda r: f"<code>{esc(r.target)}</code>")),
            Row("headers", at("headers"), header_cells(requests, "headers", at("headers"), marks)),
            Row("body", at("body"), per_engine(requests, lambda r: body_html(r.body))),
        ]
        if any(r and r.trailers for r in requests.values()):
            rows.append(
                Row("trailers", at("trailers"), header_cells(requests, "trailers", at("trailers"), marks))
            )
    return rows


def header_cells(
    items: dict[str, Exchange | RecordedRequest | None], attribute: str, path: str, marks: dict[str, set[str]]
) -> dict[str, str]:
    return {
        engine: headers_html(getattr(item, attribute), path, marks[engine]) if item else NONE
        for engine, item in items.items()
    }


def headers_html(headers: list[Header] | None, path: str, differences: set[str]) -> str:
    """The header lines in wire order; the lines whose name differs from the baseline marked."""
    if headers is None:
        return NONE
    if not headers:
        return EMPTY
    lines = []
    for name, value in headers:
        css = ' class="diff"' if marked(differences, fields.named(path, name.lower())) else ""
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
