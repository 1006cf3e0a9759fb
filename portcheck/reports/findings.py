"""The findings report (docs/findings.md): every divergence and spec violation, and how to see it again.

It holds nothing that varies from run to run (no times, no dates, no ports), so a fresh run of
the same engines and scenarios reproduces it byte for byte; a test holds the file to that.
"""

from __future__ import annotations

import dataclasses

from portcheck import __version__
from portcheck.model.report import Cell, Checked, Report, ScenarioResult
from portcheck.model.scenario import LEVELS
from portcheck.reports import twins
from portcheck.reports.features import is_feature, markdown_table
from portcheck.reports.interface import ReportFormat
from portcheck.reports.markdown import code, row, text
from portcheck.reports.words import difference_lines, engines_line, expectation_text, partial_line, summary

# docs/findings.md is the root matrix's document followed by the WASI 0.3 section of
# matrices/p3.toml; `portcheck findings` runs both and writes it.
COMMAND = "portcheck findings --output docs/findings.md"
P3_MATRIX = "matrices/p3.toml"


def block(lines: list[str]) -> list[str]:
    fence = "~~~~" if any(line.lstrip().startswith("```") for line in lines) else "```"
    return [fence, *lines, fence]


def reproduce(result: ScenarioResult, engine: str) -> str:
    if result.wasi == "0.3":  # `portcheck repro` writes jco's own CLI commands, which run 0.2 only
        return f"Reproduce: {code(f'portcheck show {result.name} --matrix {P3_MATRIX}')}"
    return (
        f"Reproduce: {code(f'portcheck show {result.name}')}, or a folder without portcheck: "
        f"{code(f'portcheck repro {result.name} --engine {engine} --output repro-{result.name}')}"
    )


def divergence(result: ScenarioResult, engine: str, cell: Cell, baseline: str) -> list[str]:
    known = " (a known divergence)" if cell.verdict == "known" else ""
    names = (baseline, engine)
    words = [
        line for d in cell.differences for line in difference_lines(d.field, d.baseline, d.engine, names)
    ]
    lines = [f"{engine} differs from {baseline}{known}:", *block(words)]
    for entry in dict.fromkeys(cell.known):
        lines.append(f"Known: {entry.reason}" + (f" ({entry.link})" if entry.link else ""))
    return [*lines, "", reproduce(result, engine), ""]


def section(result: ScenarioResult, depth: str = "###") -> list[str]:
    description = result.description.strip().replace("\n", " ")
    return [f"{depth} {code(result.name)} ({result.kind})", "", description, ""]


def divergences(report: Report, depth: int = 0) -> list[str]:
    lines = [f"{'#' * (2 + depth)} Divergences", ""]
    for result in report.scenarios:
        cells = [
            (e, c) for e, c in result.cells.items() if c.verdict in ("differs", "known") and c.differences
        ]
        if cells:
            lines += section(result, "#" * (3 + depth))
            for engine, cell in cells:
                lines += divergence(result, engine, cell, report.baseline)
    return lines if len(lines) > 2 else [*lines, "None.", ""]


# Spec violations are grouped by the strength of the rule broken (RFC 2119).
LEVEL_SECTIONS = {
    "must": ("MUST: requirements not met", "The engine does what the spec forbids, or not what it requires."),
    "should": (
        "SHOULD: recommendations not followed",
        "The spec recommends otherwise; an engine may have a reason, but it should be a deliberate one.",
    ),
    "may": ("MAY: options not taken", "The spec allows this; the engine chose not to. Not a violation."),
}


def failing_at(cell: Cell, level: str) -> list[Checked]:
    return [checked for checked in cell.expectations if not checked.holds and checked.level == level]


def level_section(report: Report, level: str, depth: int = 0) -> list[str]:
    title, meaning = LEVEL_SECTIONS[level]
    lines = [f"{'#' * (3 + depth)} {title}", "", meaning, ""]
    for result in report.scenarios:
        failing = [(engine, failing_at(cell, level)) for engine, cell in result.cells.items()]
        failing = [(engine, checks) for engine, checks in failing if checks]
        if failing:
            lines += section(result, "#" * (4 + depth))
            for engine, checks in failing:
                for checked in checks:
                    lines += [f"- {engine}: {code(expectation_text(checked))}", f"  ({checked.spec})"]
                lines += ["", reproduce(result, engine), ""]
    return lines if len(lines) > 4 else [*lines, "None.", ""]


def violations(report: Report, depth: int = 0) -> list[str]:
    lines = [f"{'#' * (2 + depth)} Spec violations", ""]
    for level in LEVELS:
        lines += level_section(report, level, depth)
    return lines


def errors(report: Report, depth: int = 0) -> list[str]:
    lines = [f"{'#' * (2 + depth)} Errors", ""]
    for result in report.scenarios:
        if is_feature(result):  # its engines' words are in the Core wasm features section
            continue
        for engine, cell in result.cells.items():
            if cell.verdict == "error" or (cell.verdict == "known" and cell.error):
                lines += [
                    f"- {code(result.name)} on {engine}: {cell.error_class}",
                    *block((cell.error or "").splitlines()),
                ]
    return lines if len(lines) > 2 else [*lines, "None.", ""]


def spec_summary(report: Report) -> str:
    checked = [result for result in report.scenarios if any(c.expected for c in result.cells.values())]
    holding = [result for result in checked if all(c.expected != "fail" for c in result.cells.values())]

    def per_engine(level: str) -> str:
        return ", ".join(
            f"{engine.name} {sum(1 for r in report.scenarios if r.cells[engine.name].failed_level == level)}"
            for engine in report.engines
        )

    return (
        f"{len(checked)} scenarios state the spec's expected answer; it holds on every engine in "
        f"{len(holding)}. Scenarios where a MUST fails, per engine: {per_engine('must')}; where only a "
        f"SHOULD fails: {per_engine('should')}."
    )


def core_features(report: Report) -> list[str]:
    table = markdown_table(report)
    if not table:
        return []
    example = "portcheck repro feature-gc --engine ENGINE --output repro-gc"
    return [
        *table,
        "",
        f"Each feature is one tiny component (`portcheck/scenarios/features/`); {code(example)} writes "
        "it with the exact commands for an engine.",
        "",
    ]


# How every description `portcheck fuzz` writes begins, and so do the built-ins made from its buckets.
FUZZ_MARK = "Found by portcheck fuzz"


def found_by_fuzz(report: Report) -> list[str]:
    """The built-ins that began as `portcheck fuzz` buckets: nobody had written a probe for them."""
    found = [result for result in report.scenarios if result.description.startswith(FUZZ_MARK)]
    if not found:
        return []
    others = [engine.name for engine in report.engines if engine.name != report.baseline]
    lines = [
        "## What fuzzing found",
        "",
        "`portcheck fuzz` generated these cases; each was shrunk to its smallest form, checked by hand with "
        "the engines' own CLIs, and made a built-in scenario. Their sections below say what each shows.",
        "",
        row(["scenario", "kind", *(f"{engine} against {report.baseline}" for engine in others)]),
        row(["---"] * (2 + len(others))),
    ]
    for result in found:
        verdicts = [result.cells[engine].verdict for engine in others]
        lines.append(row([code(result.name), result.kind, *verdicts]))
    return [*lines, ""]


class Findings(ReportFormat):
    name = "findings"
    suffix = "findings.md"

    def render(self, report: Report) -> str:
        """The whole document for a report of WASI 0.2 scenarios; its WASI 0.3 section for one with 0.3."""
        if any(result.wasi == "0.3" for result in report.scenarios):
            return "\n".join(p3_section(report)).rstrip("\n") + "\n"
        lines = [
            "# Findings: where wasi:http engines disagree",
            "",
            *([f"**{partial_line(report)}**", ""] if report.partial else []),
            f"Produced by portcheck {__version__} from a run of the repository's `matrix.toml` (and of "
            f"{code(P3_MATRIX)} for the WASI 0.3 section):",
            f"{code(COMMAND)}.",
            "Do not edit by hand. Regenerate it after changing engines or scenarios; a test fails when it no "
            "longer matches a fresh run.",
            "",
            "## Engines",
            "",
            f"{engines_line(report)} (baseline: {report.baseline}).",
            "",
            "## Summary",
            "",
            f"- {summary(report)}.",
            f"- {spec_summary(report)}",
            "",
        ]
        lines += found_by_fuzz(report) + core_features(report)
        lines += divergences(report) + violations(report) + errors(report)
        return "\n".join(lines).rstrip("\n") + "\n"


def p3_section(report: Report) -> list[str]:
    """The WASI 0.3 section: what the 0.3 scenarios find, and how each compares with its 0.2 twin.

    The twins' own findings are the document's (matrix.toml runs them on the default engines).
    """
    p3 = dataclasses.replace(
        report, scenarios=[result for result in report.scenarios if result.wasi == "0.3"]
    )
    lines = [
        "",
        "## WASI 0.3",
        "",
        *([f"**{partial_line(report)}**", ""] if report.partial else []),
        f"From a run of {code(P3_MATRIX)}: wasi:http 0.3 components, each beside the WASI 0.2 built-in "
        "it mirrors.",
        "",
        "### Engines",
        "",
        f"{engines_line(report)} (baseline: {report.baseline}).",
        "",
        *skipped(p3),
        "### Summary",
        "",
        f"- {summary(p3).replace('scenarios', 'WASI 0.3 scenarios', 1)}.",
        f"- {spec_summary(p3)}",
        f"- {twins.counts(report)}.",
        "",
        *twin_table(report),
    ]
    return lines + divergences(p3, 1) + violations(p3, 1) + errors(p3, 1)


def skipped(report: Report) -> list[str]:
    """Which engines did not run the 0.3 scenarios, and why (once per engine and reason)."""
    reasons = {
        (engine, cell.reason or "")
        for result in report.scenarios
        for engine, cell in result.cells.items()
        if cell.verdict == "skipped"
    }
    if not reasons:
        return []
    order = [engine.name for engine in report.engines]
    items = [
        f"- {engine}: {text(reason)}" for engine, reason in sorted(reasons, key=lambda r: order.index(r[0]))
    ]
    return ["Skipped (these engines cannot run WASI 0.3):", "", *items, ""]


def twin_table(report: Report) -> list[str]:
    lines = [f"### {twins.TITLE}", "", row([text(name) for name in twins.header(report)])]
    lines.append(row(["---"] * len(twins.header(report))))
    lines += [row([code(item[0]), code(item[1]), *item[2:]]) for item in twins.rows(report)]
    lines += ["", twins.LEGEND, ""]
    for result in twins.with_twins(report):
        if details := twins.detail_lines(result):
            lines += [f"{code(result.name)} against its twin:", *block(details), ""]
    return lines
