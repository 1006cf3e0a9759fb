"""The markdown, junit and html reports, written by one real run on the real engines.

The run mixes a portable, a diverging and a known-to-diverge built-in with `hostile`, a WAT
server whose header values and body try to inject markup, break a Markdown table and carry
bytes XML cannot hold; plus a stale [[known]] entry with a `javascript:` link.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from portcheck.model.report import Cell, Report
from portcheck.reports.html import Html
from portcheck.reports.junit import Junit
from portcheck.reports.markdown import Markdown
from tests.conftest import portcheck, write_matrix

pytestmark = pytest.mark.e2e

KNOWN_LINK = "https://example.com/jco/issues/1?a=1&b=2"
MATRIX = f"""
[matrix]
engines = ["wasmtime", "jco"]
builtins = ["server-repeated-headers", "client-get-basic", "server-handler-fails"]

[[scenario]]
name = "hostile"
kind = "server"
description = "Values that try to break the reports: <b>markup</b> | a pipe and [a](javascript:alert(4))"
source = "hostile_server.wat"
[[scenario.request]]
path = "/"

[[known]]
scenario = "server-handler-fails"
engine = "jco"
reason = "jco drops the connection when the handler traps"
link = "{KNOWN_LINK}"

[[known]]
scenario = "client-get-basic"
engine = "jco"
reason = "used to differ"
link = "javascript:alert(3)"
"""
ENGINES = ["wasmtime", "jco"]
SCENARIOS = ["client-get-basic", "server-handler-fails", "server-repeated-headers", "hostile"]


@dataclass
class Run:
    finished: subprocess.CompletedProcess[str]
    folder: Path

    def text(self, suffix: str) -> str:
        return (self.folder / f"portcheck.{suffix}").read_text(encoding="utf-8")

    def report(self) -> Report:
        return Report.from_json(json.loads(self.text("json")))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("reports")
    matrix = write_matrix(folder, MATRIX, "hostile_server.wat")
    formats = [arg for name in ("json", "markdown", "junit", "html") for arg in ("--format", name)]
    finished = portcheck("run", str(matrix), *formats, "--output-dir", str(folder / "out"), cwd=folder)
    return Run(finished, folder / "out")


def test_the_run_writes_every_format(run: Run) -> None:
    assert run.finished.returncode == 1, run.finished.stderr  # a divergence and a stale entry
    assert {path.name for path in run.folder.iterdir()} == {
        f"portcheck.{suffix}" for suffix in ("json", "md", "xml", "html")
    }
    verdicts = {result.name: result.verdict for result in run.report().scenarios}
    assert verdicts == {
        "client-get-basic": "portable",
        "server-handler-fails": "known",
        "server-repeated-headers": "diverges",
        "hostile": "diverges",
    }


# --- junit --------------------------------------------------------------------------------------


def cases_of(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    cases = root.findall("./testsuite/testcase")
    found = {(case.get("classname", ""), case.get("name", "")): case for case in cases}
    assert len(found) == len(cases), "a testcase appears twice"
    return found


def test_junit_has_one_testcase_per_scenario_and_engine(run: Run) -> None:
    root = ET.fromstring(run.text("xml"))
    assert root.tag == "testsuites"
    assert [suite.get("name") for suite in root] == ["portcheck"]
    expected = {(f"portcheck.{name}", engine) for name in SCENARIOS for engine in ENGINES}
    assert set(cases_of(root)) == expected | {("portcheck.known", "client-get-basic/jco")}


def test_junit_outcomes(run: Run) -> None:
    cases = cases_of(ET.fromstring(run.text("xml")))
    failure = cases["portcheck.server-repeated-headers", "jco"].find("failure")
    assert failure is not None
    assert failure.get("message") == (
        "differs from wasmtime: responses[0].headers[set-cookie], responses[0].headers[x-order]"
    )
    assert "['c=3; Path=/']" in (failure.text or "")
    assert cases["portcheck.server-repeated-headers", "wasmtime"].find("failure") is None
    known = cases["portcheck.server-handler-fails", "jco"]
    assert [child.tag for child in known if child.tag in ("failure", "error", "skipped")] == []
    assert "jco drops the connection when the handler traps" in known.findtext("system-out", "")
    assert "does not meet the spec" in known.findtext("system-out", "")
    assert known.find("properties/property[@name='expected']").get("value") == "fail"  # type: ignore[union-attr]
    assert cases["portcheck.known", "client-get-basic/jco"].find("failure") is not None


def test_junit_counts_match_the_testcases(run: Run) -> None:
    root = ET.fromstring(run.text("xml"))
    cases = root.findall("./testsuite/testcase")
    for element in (root, root[0]):
        for outcome, attribute in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert element.get(attribute) == str(sum(case.find(outcome) is not None for case in cases))
        assert element.get("tests") == str(len(cases)) == "9"
        assert float(element.get("time", "")) == pytest.approx(
            sum(float(case.get("time", "")) for case in cases), abs=0.01
        )
    assert root.get("failures") == "3"  # server-repeated-headers, hostile, the stale entry


def test_junit_times_come_from_the_observations(run: Run) -> None:
    report = run.report()
    cases = cases_of(ET.fromstring(run.text("xml")))
    for result in report.scenarios:
        for engine, observation in result.observations.items():
            time = float(cases[f"portcheck.{result.name}", engine].get("time", ""))
            assert time == pytest.approx(observation.seconds, abs=0.001)


def test_junit_carries_what_xml_cannot(run: Run) -> None:
    """Control characters and lone surrogates (undecodable bytes) become \\xNN text."""
    report = copy.deepcopy(run.report())
    result = next(item for item in report.scenarios if item.name == "client-get-basic")
    result.observations["jco"].stdout = "red \x1b[31m nul \x00 byte \udcff lone \ud800\n"
    result.cells["jco"] = Cell("error", error="trap: \x07bell\nsecond line", error_class="trap")
    root = ET.fromstring(Junit().render(report))
    case = cases_of(root)["portcheck.client-get-basic", "jco"]
    assert case.findtext("system-out") == "red \\x1b[31m nul \\x00 byte \\xff lone \\ud800\n"
    error = case.find("error")
    assert error is not None and error.get("type") == "trap"
    assert error.get("message") == "trap: trap: \\x07bell"
    assert root.get("errors") == "1"


# --- markdown -----------------------------------------------------------------------------------

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def tables(markdown: str) -> list[list[str]]:
    """Every block of consecutive lines that start with `|`."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in UNESCAPED_PIPE.split(line)[1:-1]]


def test_markdown_matrix(run: Run) -> None:
    matrix = tables(run.text("md"))[0]
    assert cells(matrix[0]) == ["scenario", "kind", *ENGINES, "verdict"]
    rows = {cells(line)[0].strip("`"): cells(line) for line in matrix[2:]}
    assert list(rows) == SCENARIOS
    assert rows["client-get-basic"][2:] == ["🔵 baseline", "✅ same", "✅ portable"]
    assert rows["server-repeated-headers"][2:] == ["🔵 baseline ✓", "❌ differs (2) ✗", "❌ diverges"]
    assert rows["server-handler-fails"][3:] == ["📌 known ✗", "📌 known"]


def test_markdown_details(run: Run) -> None:
    text = run.text("md")
    assert "### `server-repeated-headers` ❌ diverges" in text
    assert "### `client-get-basic`" not in text  # portable, and its spec holds
    assert "- ✗ **jco** does not meet the spec (MUST):" in text
    assert f"jco drops the connection when the handler traps <{KNOWN_LINK}>" in text
    assert "javascript:alert(3)" in text and not re.search(r"(?<!\\)\]\(javascript:", text)  # never a link
    assert "### Stale `[[known]]` entries" in text
    assert text.rstrip().endswith("1 stale \\[\\[known\\]\\] entries**")


def test_markdown_pipes_do_not_add_columns(run: Run) -> None:
    text = run.text("md")
    assert "`responses[0].headers[x\\|pipe]`" in text  # a header name with `|`, from the component
    for block in tables(text):
        widths = {len(UNESCAPED_PIPE.findall(line)) for line in block}
        assert len(widths) == 1, block


def test_markdown_renders_as_the_tables_it_means(run: Run) -> None:
    """A CommonMark + GFM-tables renderer sees the same number of cells in every row."""
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(run.text("md"))
    for table in re.findall(r"<table>.*?</table>", page, re.S):
        widths = {len(re.findall(r"<t[hd]>", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)}
        assert len(widths) == 1, table
    assert "<code>responses[0].headers[x|pipe]</code>" in page
    assert "<script" not in page and "<b>markup" not in page


def test_markdown_fences_outgrow_the_values(run: Run) -> None:
    report = copy.deepcopy(run.report())
    result = next(item for item in report.scenarios if item.name == "server-handler-fails")
    result.cells["jco"] = Cell("error", error="boom\n````\n# not a heading\n", error_class="crash")
    text = Markdown().render(report)
    assert "\n`````text\nboom\n````\n# not a heading\n`````\n" in text


# --- html ---------------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every start tag with its attributes, and whether the tags nest properly."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.misnested: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.misnested.append(tag)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


def test_html_escapes_what_components_send(run: Run) -> None:
    page = run.text("html")
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "\\x01\\x1b[31m" in page and "c`d|\\xff" in page  # control characters and a non-UTF-8 byte
    assert "&lt;b&gt;markup&lt;/b&gt;" in page  # matrix strings too


def test_html_loads_nothing_and_runs_nothing(run: Run) -> None:
    page = run.text("html")
    tags = parsed(page)
    assert re.search(r"<\s*script", page, re.I) is None
    assert {tag for tag, _ in tags.tags} <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "strong", "b",
        "table", "thead", "tbody", "tr", "th", "td", "a", "ul", "ol", "li", "pre", "code", "span",
        "details", "summary", "section", "br",
    }  # fmt: skip
    ids = {attrs["id"] for _, attrs in tags.tags if attrs.get("id")}
    for _, attrs in tags.tags:
        assert "src" not in attrs and not any(name.startswith("on") for name in attrs)
        href = attrs.get("href")
        assert href is None or href == KNOWN_LINK or (href.startswith("#") and href[1:] in ids), href
    assert re.search(r"url\(|@import", page) is None


def test_html_is_well_formed_and_links_every_cell(run: Run) -> None:
    tags = parsed(run.text("html"))
    assert tags.misnested == [] and tags.open == []
    hrefs = {attrs["href"] for tag, attrs in tags.tags if tag == "a"}
    for name in SCENARIOS:
        assert {f"#s:{name}", *(f"#s:{name}:{engine}" for engine in ENGINES)} <= hrefs


def test_html_marks_the_differing_fields(run: Run) -> None:
    page = run.text("html")
    section = page[page.index('<section id="s:hostile">') :]
    section = section[: section.index("</section>")]
    marked_lines = re.findall(r'<li class="diff"><b>([^<]*)</b>', section)
    assert marked_lines == ["x-evil", "x|pipe"]  # on jco, the lines whose name differs
    headers_row = re.search(r"<tr><th>headers</th><td([^>]*)>.*?</td><td([^>]*)>", section)
    assert headers_row is not None and headers_row.groups() == (' class="diff-base"', ' class="diff"')
    assert "<tr><th>status</th><td>200 OK</td><td>200 OK</td></tr>" in section


def test_every_format_survives_undecodable_bytes(run: Run) -> None:
    report = copy.deepcopy(run.report())
    result = next(item for item in report.scenarios if item.name == "hostile")
    message = "crash: lone \ud800 escaped \udcfe nul \x00 end"
    result.cells["jco"] = Cell("error", error=message, error_class="crash")
    for format_ in (Markdown(), Junit(), Html()):
        text = format_.render(report)
        text.encode("utf-8")  # what --output-dir writes: a surrogate left in would make it fail
        assert "lone \\ud800 escaped \\xfe nul \\x00 end" in text, format_.name


def test_skipped_cells_say_why(run: Run) -> None:
    report = copy.deepcopy(run.report())
    result = next(item for item in report.scenarios if item.name == "client-get-basic")
    result.cells["jco"] = Cell("skipped", reason="cannot <serve> | here")
    skipped = cases_of(ET.fromstring(Junit().render(report)))["portcheck.client-get-basic", "jco"].find(
        "skipped"
    )
    assert skipped is not None and skipped.get("message") == "cannot <serve> | here"
    markdown = Markdown().render(report)
    assert "| ⏭️ skipped |" in markdown and "- ⏭️ **jco** skipped: cannot \\<serve\\> | here" in markdown
    assert "skipped<br>cannot &lt;serve&gt; | here" in Html().render(report)
