"""The feature view: core wasm features as rows, engines as columns, ✓ or ✗ with the engine's words.

A feature scenario is one named `feature-NAME` (the built-ins in portcheck/scenarios/feature-*.toml,
or a matrix's own); its description starts with the standard it belongs to (`Wasm 3.0: ...`).
A cell is ✓ when the engine ran the component and every expectation holds, whatever its level:
the view says what runs, the matrix says how much that matters. Otherwise it is ✗ with what the
engine said (its refusal, cut to the line that names the reason) or what the component printed.

`--format features` is this table alone, as Markdown that reads as well in a terminal (an aligned
pipe table, the engines' words as numbered notes below it); `compact` and `table` say how
observations differ, this says only whether each feature ran. The `html` and `findings` reports
put the same table near their top when the run has feature scenarios (`markdown` does not: join
`--format features` to it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from tabulate import tabulate

from portcheck.model.observation import Observation
from portcheck.model.report import EngineInfo, Report, ScenarioResult
from portcheck.reports.html_sides import anchor, esc
from portcheck.reports.interface import ReportFormat
from portcheck.reports.markdown import code
from portcheck.reports.words import clean, partial_line, shortened

PREFIX = "feature-"
STANDARD = re.compile(r"^([^:]{1,24}): ")
State = Literal["runs", "refused", "wrong", "skipped"]
SYMBOLS: dict[State, str] = {"runs": "✓", "refused": "✗", "wrong": "✗", "skipped": "skipped"}
LEGEND = (
    "✓ runs: the component printed its line · ✗ the engine refused it, or it ran and a check gave a "
    "wrong result (note below)"
)
MAX_NOTE = 140
# What a refusal carries besides its reason: stack frames, cause-chain scaffolding, byte offsets.
CAUSED_BY = re.compile(r"^\s*Caused by:")
FRAME = re.compile(r"^\s*(at |Stack backtrace:|Node\.js v|Bun v|\^|node:internal|\(jco \w+\)$)")
NUMBERED = re.compile(r"^\s*\d+: ")
NOISE = (
    re.compile(r"\s*\(at offset 0x[0-9a-f]+\)"),
    re.compile(r"\s*@\+\d+\]?$"),
    re.compile(r"WebAssembly\.\w+\(\): "),
    re.compile(r"^\[?(Error|CompileError|LinkError|RuntimeError|ComponentError): "),
    re.compile(r"^Invalid input WebAssembly code at offset \d+: "),
    re.compile(r"^Compilation error: "),
)
# An absolute path or file:// URL (a cache entry, a script): its last part is enough, and stable.
PATH = re.compile(r"(?:(?<=[\s`'\"(])|^)(?:file://)?/[^\s`'\"]*/([^/\s`'\"]+)")


@dataclass(frozen=True)
class Mark:
    state: State
    note: str = ""  # the engine's words (refused), what the component printed (wrong), why (skipped)


@dataclass(frozen=True)
class FeatureRow:
    name: str  # the scenario's name without the prefix: `gc`, `tail-calls`
    scenario: str  # its full name, which the html report's sections are named by
    standard: str  # `Wasm 3.0`, `Phase 4 proposal`, or empty when the description does not say
    marks: dict[str, Mark] = field(default_factory=dict)


def is_feature(result: ScenarioResult) -> bool:
    return result.name.startswith(PREFIX)


def standard_of(description: str) -> str:
    found = STANDARD.match(description.strip())
    return found.group(1) if found else ""


def standard_rank(standard: str) -> tuple[int, str]:
    """Wasm versions first, oldest first; proposals and deprecated features after them."""
    return (0 if standard.startswith("Wasm ") else 1, standard)


def feature_rows(report: Report) -> list[FeatureRow]:
    rows = [
        FeatureRow(
            name=result.name.removeprefix(PREFIX),
            scenario=result.name,
            standard=standard_of(result.description),
            marks={engine: mark(result, engine) for engine in result.cells},
        )
        for result in report.scenarios
        if is_feature(result)
    ]
    return sorted(rows, key=lambda row: (standard_rank(row.standard), row.name))


def mark(result: ScenarioResult, engine: str) -> Mark:
    cell = result.cells[engine]
    observation = result.observations.get(engine)
    if cell.verdict == "skipped":
        return Mark("skipped", cell.reason or "")
    failure = observation.failure if observation else cell.error_class
    if failure:
        message = (observation.message if observation else None) or cell.error or ""
        return Mark("refused", f"{failure}: {refusal(message)}")
    if cell.expectations and all(checked.holds for checked in cell.expectations):
        return Mark("runs")
    return Mark("wrong", wrong_result(observation))


def refusal(message: str) -> str:
    """The line of an engine's error that names the reason, without offsets, frames or paths.

    wasmtime and jco's transpiler end a `Caused by:` chain with the reason; a JavaScript runtime
    puts it on the error's first line, with a stack after it.
    """
    head, causes, in_causes = "", [], False
    for line in message.splitlines():
        if CAUSED_BY.match(line):
            in_causes, causes = True, []
        elif FRAME.match(line):
            in_causes = False  # a stack ends the chain
        elif line.strip() and in_causes:
            causes.append(line)
        elif line.strip() and not head:
            head = line
    reason = NUMBERED.sub("", causes[-1] if causes else head).strip()
    for noise in NOISE:
        reason = noise.sub("", reason).strip()
    return shortened(PATH.sub(r"\1", reason), MAX_NOTE) or "(no message)"


def wrong_result(observation: Observation | None) -> str:
    if observation is None:
        return "ran, but not as expected"
    first = next((line.strip() for line in observation.stdout.splitlines() if line.strip()), "")
    if first:
        return shortened(f"ran, printed {first!r}", MAX_NOTE)
    return f"ran, printed nothing (exit {observation.exit_code})"


# --- the terminal and Markdown view -------------------------------------------------------------


class Notes:
    """The notes under a table, numbered in order of first use; one number per distinct text."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def number(self, text: str) -> int:
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1


def cell_text(entry: Mark | None, notes: Notes) -> str:
    if entry is None:
        return ""
    if entry.state == "runs":
        return SYMBOLS["runs"]
    return f"{SYMBOLS[entry.state]} {notes.number(entry.note)}" if entry.note else SYMBOLS[entry.state]


def flags_of(engine: EngineInfo) -> str:
    """The engine's non-default options that its version does not already say (its flags, mostly)."""
    parts = [part for part in engine.variant.split(", ") if part and part.split()[-1] not in engine.version]
    return ", ".join(parts)


def engine_line(engine: EngineInfo) -> str:
    flags = flags_of(engine)
    return f"- {engine.name}: {engine.type} {engine.version}" + (f", {code(flags)}" if flags else "")


def markdown_table(report: Report, heading: str = "##") -> list[str]:
    """The feature table with its notes and engines, as Markdown lines; empty without feature scenarios."""
    rows = feature_rows(report)
    if not rows:
        return []
    engines = [engine.name for engine in report.engines]
    notes = Notes()
    body = [
        [code(row.name), row.standard, *(cell_text(row.marks.get(name), notes) for name in engines)]
        for row in rows
    ]
    align = ["left", "left", *(["center"] * len(engines))]
    table = tabulate(body, headers=["feature", "standard", *engines], tablefmt="github", colalign=align)
    lines = [f"{heading} Core wasm features", "", table, "", LEGEND, ""]
    lines += [f"{number}. {code(text)}" for number, text in enumerate(notes.texts, 1)]
    lines += ["", "Engines:", "", *(engine_line(engine) for engine in report.engines)]
    return [clean(line) for line in lines]


class Features(ReportFormat):
    name = "features"
    suffix = "features.md"

    def render(self, report: Report) -> str:
        lines = [f"**{partial_line(report)}**", ""] if report.partial else []
        table = markdown_table(report)
        lines += table or [f"No feature scenarios in this run (their names start with {code(PREFIX)})."]
        return "\n".join(lines) + "\n"


# --- the HTML view (a section of the html report) -----------------------------------------------

HTML_STYLE = """
table.features th code { white-space: nowrap; }
table.features thead th { max-width: 7em; }
table.features td.mark { text-align: center; white-space: nowrap; font-weight: bold; min-width: 3em; }
table.features a { color: inherit; text-decoration: none; }
td.f-runs { background: #dafbe1; color: #1a7f37; } td.f-refused { background: #ffebe9; color: #cf222e; }
td.f-wrong { background: #fff1c2; color: #9a6700; } td.f-skipped { background: #eaeef2; color: #6e7781; }
td.mark sup { font-weight: normal; }
ol.feature-notes code { word-break: break-word; }
"""


def html_section(report: Report) -> str:
    """The feature table, its notes and its engines as an HTML section; empty without feature scenarios."""
    rows = feature_rows(report)
    if not rows:
        return ""
    engines = [engine.name for engine in report.engines]
    notes = Notes()
    head = "".join(f"<th>{esc(name)}</th>" for name in ["feature", "standard", *engines])
    body = "".join(html_row(row, engines, notes) for row in rows)
    items = "".join(f"<li><code>{esc(text)}</code></li>" for text in notes.texts)
    return (
        f"<h2>Core wasm features</h2>\n<p>{esc(LEGEND)}. The engines' options are in the table above.</p>\n"
        f'<table class="features"><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n'
        f'<ol class="feature-notes">{items}</ol>'
    )


def html_row(row: FeatureRow, engines: list[str], notes: Notes) -> str:
    """A feature's row; its name and each cell link to the scenario's section of the html report."""
    cells = "".join(html_cell(row, name, notes) for name in engines)
    name = f'<a href="#{esc(anchor(row.scenario))}"><code>{esc(row.name)}</code></a>'
    return f"<tr><th>{name}</th><td>{esc(row.standard)}</td>{cells}</tr>\n"


def html_cell(row: FeatureRow, engine: str, notes: Notes) -> str:
    entry = row.marks.get(engine)
    if entry is None:
        return "<td></td>"
    number = f"<sup>{notes.number(entry.note)}</sup>" if entry.note else ""
    title = f' title="{esc(entry.note)}"' if entry.note else ""
    link = f'<a href="#{esc(anchor(row.scenario, engine))}">{SYMBOLS[entry.state]}{number}</a>'
    return f'<td class="mark f-{entry.state}"{title}>{link}</td>'
