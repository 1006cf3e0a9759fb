"""Differences and errors in words, shared by the human-readable formats."""

from __future__ import annotations

import difflib
import re
from typing import Any

from portcheck.judge.normalize import with_placeholders
from portcheck.model.observation import Observation, printable
from portcheck.model.report import Cell, Checked, Report, ScenarioResult


def as_compared(result: ScenarioResult) -> dict[str, Observation]:
    """Each engine's observation as the judge compared it (ports replaced by their placeholders)."""
    return {engine: with_placeholders(observation) for engine, observation in result.observations.items()}


def value_text(value: Any) -> str:
    if isinstance(value, str):
        return repr(printable(value))
    if isinstance(value, list):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    return "(none)" if value is None else str(value)


def is_multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.strip("\n")


def difference_lines(field: str, baseline: Any, engine: Any, names: tuple[str, str]) -> list[str]:
    """How one field differs: a line diff for multi-line text, both values otherwise."""
    if is_multiline(baseline) and is_multiline(engine):
        diff = difflib.unified_diff(
            printable(baseline).splitlines(),
            printable(engine).splitlines(),
            names[0],
            names[1],
            lineterm="",
            n=1,
        )
        return [f"{field}:", *(f"  {line}" for line in list(diff)[2:])]
    width = max(len(name) for name in names)
    return [
        f"{field}:",
        f"  {names[0].ljust(width)}  {value_text(baseline)}",
        f"  {names[1].ljust(width)}  {value_text(engine)}",
    ]


# A cell's spec mark: the strongest level among the expectations that do not hold decides. An
# unmet MAY is an option the engine did not take: not marked, but listed with the details.
SPEC_MARKS = {"must": "✗", "should": "(✗)", "may": "✓", None: "✓"}
SPEC_LEGEND = (
    "✓ / ✗ / (✗): the spec's expected answer holds / a MUST does not hold / only a SHOULD does not "
    "hold on that engine; a MAY the engine does not take is listed in the details, not marked"
)
# The mark of one failed expectation, by level, where expectations are listed one by one.
FAILED_MARKS = {"must": "✗", "should": "(✗)", "may": "○"}
# How a failed expectation of each level is put in words.
LEVEL_WORDS = {
    "must": "does not meet the spec (MUST)",
    "should": "does not follow the spec's recommendation (SHOULD)",
    "may": "does not take an option the spec allows (MAY)",
}


def spec_mark(cell: Cell) -> str:
    """✓, ✗ or (✗) for a cell whose expectations were checked; empty when there were none."""
    return "" if cell.expected is None else SPEC_MARKS[cell.failed_level]


def cell_label(cell: Cell) -> str:
    if cell.verdict == "differs":
        label = f"differs ({len(cell.differences)})"
    elif cell.verdict == "error":
        label = f"error ({cell.error_class})"
    else:
        label = cell.verdict
    mark = spec_mark(cell)
    return f"{label} {mark}" if mark else label


def shortened(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_words(checked: Checked) -> str:
    """What an expectation asks, in words: `equals 200`, `is absent`, `between 100 and 599`."""
    if checked.check == "absent":
        return "is absent" if checked.expected else "is present"
    if checked.check == "between":
        low, high = checked.expected
        return f"between {low} and {high}"
    return f"{checked.check.replace('_', ' ')} {shortened(value_text(checked.expected))}"


def expectation_text(checked: Checked) -> str:
    """`field check expected, observed ...`: one line, long values cut short."""
    return f"{checked.field} {check_words(checked)}, observed {shortened(value_text(checked.observed))}"


def spec_failures(result: ScenarioResult) -> list[str]:
    """Each expectation that does not hold, per engine, with its level and the spec it comes from."""
    lines = []
    for engine, cell in result.cells.items():
        for checked in cell.expectations:
            if not checked.holds:
                lines.append(f"{engine} {LEVEL_WORDS[checked.level]}: {expectation_text(checked)}")
                lines.append(f"  ({checked.spec})")
    return lines


def scenario_details(result: ScenarioResult, baseline: str) -> list[str]:
    """Every non-trivial cell of a scenario, in words."""
    lines: list[str] = spec_failures(result) + known_lines(result)
    for engine, cell in result.cells.items():
        if cell.verdict == "skipped":
            lines.append(f"{engine}: skipped: {cell.reason}")
        if cell.verdict == "error":
            lines.append(f"{engine}: error ({cell.error_class})")
            lines += [f"  {line}" for line in printable(cell.error or "").splitlines()]
        if cell.verdict in ("differs", "error", "known") and engine != baseline and cell.differences:
            lines.append(f"{engine} differs from {baseline}:")
            for difference in cell.differences:
                block = difference_lines(
                    difference.field, difference.baseline, difference.engine, (baseline, engine)
                )
                lines += [f"  {line}" for line in block]
    return lines


def summary(report: Report) -> str:
    counts = {verdict: 0 for verdict in ("portable", "known", "diverges", "error")}
    for result in report.scenarios:
        counts[result.verdict] += 1
    part = f" (shard {report.shard.label} of a run of {report.shard.scenarios})" if report.shard else ""
    text = (
        f"{len(report.scenarios)} scenarios{part}: {counts['portable']} portable, "
        f"{counts['known']} known to diverge, {counts['diverges']} diverge, {counts['error']} error"
    )
    return text + (f"; {len(report.stale)} stale [[known]] entries" if report.stale else "")


def partial_line(report: Report) -> str:
    """What a merge that lacks shards says before anything else; empty for a whole run."""
    if not report.partial:
        return ""
    return f"PARTIAL REPORT, not every scenario of the run is here: {'; '.join(report.partial)}"


def stale_lines(report: Report) -> list[str]:
    """[[known]] entries that matched nothing: the divergence they describe is gone."""
    lines = []
    for entry in report.stale:
        where = f"{entry.scenario} on {entry.engine}" + (f" ({entry.field})" if entry.field else "")
        why = entry.reason + (f", {entry.link}" if entry.link else "")
        lines.append(f"{where}: no longer diverges; remove the [[known]] entry ({why})")
    return lines


def known_lines(result: ScenarioResult) -> list[str]:
    return [
        f"{engine}: known divergence: {entry.reason}{f' ({entry.link})' if entry.link else ''}"
        for engine, cell in result.cells.items()
        for entry in dict.fromkeys(cell.known)
    ]


def engines_line(report: Report) -> str:
    return "; ".join(f"{engine.name} {engine.version}" for engine in report.engines)


# What XML 1.0 cannot carry, and what would garble a terminal or a page: C0 and C1 controls other
# than tab, LF and CR, DEL, lone surrogates (undecodable bytes arrive as \udcXX) and U+FFFE/FFFF.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escaped_char(found: re.Match[str]) -> str:
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """The text with every character no report format can carry shown as \\xNN (or \\uNNNN)."""
    return UNSAFE.sub(escaped_char, text)


def difference_fields(cell: Cell) -> str:
    return ", ".join(difference.field for difference in cell.differences)


def failed_expectations(cell: Cell) -> list[str]:
    """The expectations of one cell that do not hold, one line each, with the spec they come from."""
    return [
        f"{LEVEL_WORDS[checked.level]}: {expectation_text(checked)} ({checked.spec})"
        for checked in cell.expectations
        if not checked.holds
    ]


def capped(text: str, limit: int = 65536) -> str:
    """Long text cut for a page or a CI view (a body can be megabytes); the JSON report keeps it all."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... ({len(text) - limit} more characters in the JSON report)"
