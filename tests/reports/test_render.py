"""Every report format rendered from a Report in memory: no engine runs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from portcheck.model.report import Report
from portcheck.reports import FORMATS
from portcheck.reports.sides import side_by_side
from tests.reports.sample import sample_report


def render(name: str, report: Report | None = None) -> str:
    return FORMATS[name]().render(report or sample_report())


def test_table_shows_every_cell_and_the_summary() -> None:
    text = render("table")
    assert "server-cookies" in text and "differs (1) ✗" in text and "error (trap)" in text
    assert "known (✗)" in text
    assert "✓ / ✗ / (✗): the spec's expected answer holds / a MUST does not hold" in text
    assert "jco does not meet the spec (MUST): responses[0].headers[set-cookie] equals" in text
    assert "wasmtime-py does not follow the spec's recommendation (SHOULD): stdout contains 'got'" in text
    assert "no longer diverges; remove the [[known]] entry" in text
    assert text.rstrip().endswith(
        "2 scenarios: 0 portable, 0 known to diverge, 1 diverge, 1 error; 1 stale [[known]] entries"
    )


def test_json_round_trips() -> None:
    data = json.loads(render("json"))
    assert Report.from_json(data).to_json() == sample_report().to_json()
    # Observations stay as they were seen; the endpoints say what the judge replaced.
    observed = data["scenarios"][1]["observations"]["wasmtime"]
    assert observed["stdout"] == "got http://127.0.0.1:40001/\n"
    assert observed["endpoints"][0] == ["{origin}", "http://127.0.0.1:40001"]


def test_compact_groups_engines() -> None:
    assert "wasmtime | jco" in render("compact")


def test_markdown_table_has_one_row_per_scenario_and_no_extra_columns() -> None:
    lines = [line for line in render("markdown").splitlines() if line.startswith("| `")]
    matrix_rows = [line for line in lines if line.startswith(("| `server-cookies`", "| `client-get`"))]
    assert len(matrix_rows) == 2
    for line in matrix_rows:
        assert line.replace("\\|", "").count("|") == 7  # scenario, kind, three engines, verdict


def test_markdown_escapes_untrusted_text() -> None:
    text = render("markdown")
    assert "<script>" not in text and "\x1b" not in text
    assert "**Description:** Two Set-Cookie | lines" in text  # a paragraph: a pipe is no column


def test_junit_has_a_testcase_per_cell_and_per_stale_entry() -> None:
    root = ET.fromstring(render("junit"))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "7",
        "2",
        "1",
        "1",
    )


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_html_escapes_and_shows_placeholders() -> None:
    page = render("html")
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "&lt;script&gt;" in page and "\\x1b" in page
    assert "got {origin}/" in page and "127.0.0.1:40001" not in page.split("<h2>Matrix")[1]


def test_findings_groups_divergences_violations_and_errors() -> None:
    text = render("findings")
    for heading in ("## Divergences", "## Spec violations", "## Errors"):
        assert heading in text
    assert "- `client-get` on jco: trap" in text


def test_side_by_side_marks_the_differing_field() -> None:
    report = sample_report()
    text = side_by_side(report, report.scenarios[0])
    marked = [line for line in text.splitlines() if line.startswith("≠")]
    assert any("responses[0].headers[set-cookie]" in line for line in marked)
    assert not any("responses[0].status" in line for line in marked)


def test_findings_groups_spec_failures_by_level() -> None:
    text = render("findings")
    must, should, may = (text.index(f"### {level}:") for level in ("MUST", "SHOULD", "MAY"))
    assert must < text.index("#### `server-cookies`") < should < text.index("#### `client-get`") < may
    assert text[may:].split("\n\n")[2] == "None."
    assert "Scenarios where a MUST fails, per engine: wasmtime 0, jco 1, wasmtime-py 0" in text
    assert "where only a SHOULD fails: wasmtime 0, jco 0, wasmtime-py 1." in text


def test_every_format_shows_the_level() -> None:
    cells = json.loads(render("json"))["scenarios"][1]["cells"]
    assert cells["wasmtime-py"]["failed_level"] == "should"
    assert cells["wasmtime-py"]["expectations"][0]["level"] == "should"
    markdown = render("markdown")
    assert "📌 known (✗)" in markdown and "- (✗) **wasmtime-py** does not follow the spec" in markdown
    assert "- ✗ **jco** does not meet the spec (MUST)" in markdown
    page = render("html")
    assert '<td class="fail-should">fail</td><td>SHOULD</td>' in page and "(✗)" in page
    root = ET.fromstring(render("junit"))
    levels = root.findall(".//testcase[@name='wasmtime-py']/properties/property[@name='failed_level']")
    assert [prop.get("value") for prop in levels] == ["should"]


def test_findings_lists_what_fuzzing_found_only_when_there_is_some() -> None:
    assert "## What fuzzing found" not in render("findings")
    report = sample_report()
    report.scenarios[0].description = "Found by portcheck fuzz. Two Set-Cookie lines"
    text = render("findings", report)
    section = text[text.index("## What fuzzing found") :].split("\n## ")[0]
    assert "| scenario | kind | jco against wasmtime | wasmtime-py against wasmtime |" in section
    assert "| `server-cookies` | server |" in section and "`client-get`" not in section


def test_side_by_side_shows_a_value_of_whitespace_alone_beside_numbers() -> None:
    # A fuzz bucket's stdout was a lone newline, in a column with an exit code: tabulate's own
    # wrapping raised ValueError on it, and found.md was never written.
    report = sample_report()
    result = report.scenarios[1]
    result.observations["wasmtime"].stdout = "\n"
    text = side_by_side(report, result)
    assert "exit_code" in text and "origin.requests[0].method" in text
