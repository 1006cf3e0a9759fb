"""The JUnit XML report: one testcase per scenario and engine, for CI servers' test views.

The layout is the one CI servers commonly read (Jenkins, GitLab, GitHub test reporters):
<testsuites> holding one <testsuite name="portcheck">. ElementTree escapes markup; `clean`
removes what XML 1.0 cannot carry at all (control characters, lone surrogates).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from portcheck.console import first_line
from portcheck.model.observation import Observation
from portcheck.model.report import Cell, Report, ScenarioResult
from portcheck.reports.interface import ReportFormat
from portcheck.reports.words import (
    as_compared,
    capped,
    clean,
    difference_fields,
    difference_lines,
    failed_expectations,
    partial_line,
    stale_lines,
)

# The children that make a testcase not pass, and the testsuite attribute that counts each.
OUTCOMES = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: clean(value) for key, value in attributes.items()})
    if text:
        element.text = clean(capped(text))
    return element


class Junit(ReportFormat):
    name = "junit"
    suffix = "xml"

    def render(self, report: Report) -> str:
        root = ET.Element("testsuites", name="portcheck")
        suite = child(root, "testsuite", name="portcheck")
        properties = {f"engine.{e.name}": e.version for e in report.engines}
        add_properties(suite, properties | ({"partial": partial_line(report)} if report.partial else {}))
        for result in report.scenarios:
            observations = as_compared(result)
            for engine in (e.name for e in report.engines if e.name in result.cells):
                add_testcase(suite, result, engine, observations.get(engine), report.baseline)
        add_stale_testcases(suite, report)
        for element in (suite, root):
            count_outcomes(element, suite)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def add_properties(parent: ET.Element, properties: dict[str, str]) -> None:
    if properties:
        group = child(parent, "properties")
        for name, value in properties.items():
            child(group, "property", name=name, value=value)


def count_outcomes(element: ET.Element, suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    element.set("tests", str(len(cases)))
    for outcome, attribute in OUTCOMES.items():
        element.set(attribute, str(sum(case.find(outcome) is not None for case in cases)))
    element.set("time", f"{sum(float(case.get('time', '0')) for case in cases):.3f}")


def add_testcase(
    suite: ET.Element, result: ScenarioResult, engine: str, observation: Observation | None, baseline: str
) -> None:
    cell = result.cells[engine]
    seconds = observation.seconds if observation else 0.0
    case = child(suite, "testcase", classname=f"portcheck.{result.name}", name=engine, time=f"{seconds:.3f}")
    if cell.expected is not None:
        add_properties(case, {"expected": cell.expected, "failed_level": cell.failed_level or ""})
    add_outcome(case, cell, (baseline, engine))
    out = system_out(cell_notes(cell, (baseline, engine)), observation.stdout if observation else "")
    if out:
        child(case, "system-out", out)
    if observation and observation.stderr:
        child(case, "system-err", observation.stderr)


def add_outcome(case: ET.Element, cell: Cell, names: tuple[str, str]) -> None:
    """differs fails the testcase, error errs, skipped skips; baseline, same and known pass."""
    if cell.verdict == "differs":
        message = f"differs from {names[0]}: {difference_fields(cell)}"
        child(case, "failure", "\n".join(differences(cell, names)), message=message, type="differs")
    elif cell.verdict == "error":
        error_class = cell.error_class or "error"
        message = f"{error_class}: {first_line(cell.error or '')}"
        child(case, "error", cell.error or "", message=message, type=error_class)
    elif cell.verdict == "skipped":
        child(case, "skipped", message=cell.reason or first_line(cell.error or "") or "not run")


def differences(cell: Cell, names: tuple[str, str]) -> list[str]:
    lines = []
    for difference in cell.differences:
        lines += difference_lines(difference.field, difference.baseline, difference.engine, names)
    return lines


def cell_notes(cell: Cell, names: tuple[str, str]) -> list[str]:
    """What passes but should be read: known divergences (with what they accept) and spec failures."""
    lines = [f"known divergence: {entry.reason} {entry.link}".rstrip() for entry in cell.known]
    if cell.verdict == "known" and cell.differences:
        lines += [f"accepted differences from {names[0]}:", *(f"  {x}" for x in differences(cell, names))]
    if cell.verdict == "known" and cell.error:
        lines += [f"accepted error ({cell.error_class}):", *(f"  {x}" for x in cell.error.splitlines())]
    return lines + failed_expectations(cell)


def system_out(notes: list[str], stdout: str) -> str:
    """The notes, then the engine run's stdout as it was (set apart only when notes come first)."""
    if notes and stdout:
        return "\n".join(notes) + "\n\nstdout:\n" + stdout
    return "\n".join(notes) + "\n" if notes else stdout


def add_stale_testcases(suite: ET.Element, report: Report) -> None:
    """A [[known]] entry that matched nothing fails the run, so it fails a testcase of its own."""
    for entry, line in zip(report.stale, stale_lines(report), strict=True):
        name = f"{entry.scenario}/{entry.engine}"
        case = child(suite, "testcase", classname="portcheck.known", name=name, time="0.000")
        message = "stale [[known]] entry: the divergence it describes is gone"
        child(case, "failure", line, message=message, type="stale")
