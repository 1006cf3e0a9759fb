"""`--format summary`: the Markdown report cut to fit GitHub's 1 MiB step-summary limit."""

from __future__ import annotations

import re

import pytest

from portcheck.model.observation import Observation
from portcheck.model.report import Cell, Difference, EngineInfo, Report, ScenarioResult
from portcheck.reports import FORMATS
from portcheck.reports.summary import LIMIT
from tests.reports.sample import sample_report

MIB = 1024 * 1024
ENGINES = [EngineInfo(f"engine-{number}", "wasmtime", "49.0.3") for number in range(9)]
VERDICTS = ("portable", "diverges", "error", "known", "diverges")


def lines(seed: int, count: int = 60) -> str:
    return "".join(f"line {n} of output {seed}, long enough to add up ✓\n" for n in range(count))


def generated_scenario(index: int) -> ScenarioResult:
    """A scenario whose eight non-baseline engines each differ in a long stdout, or error, or agree."""
    verdict = VERDICTS[index % len(VERDICTS)]
    cells = {ENGINES[0].name: Cell("baseline")}
    for number, engine in enumerate(ENGINES[1:], 1):
        if verdict == "diverges":
            cells[engine.name] = Cell("differs", [Difference("stdout", lines(index), lines(index + number))])
        elif verdict == "error":
            cells[engine.name] = Cell("error", error="trap\n" + lines(number, 20), error_class="trap")
        elif verdict == "known":
            cells[engine.name] = Cell("known", [Difference("exit_code", 0, number)])
        else:
            cells[engine.name] = Cell("same")
    return ScenarioResult(
        name=f"scenario-{index:03d}",
        kind="client",
        description=f"generated scenario {index}",
        verdict=verdict,
        cells=cells,
        observations={engine.name: Observation("client") for engine in ENGINES},
        position=index,
    )


@pytest.fixture(scope="module")
def large() -> Report:
    return Report(ENGINES[0].name, ENGINES, [generated_scenario(index) for index in range(500)])


def test_a_large_report_fits_with_the_whole_table_and_diverging_details_first(large: Report) -> None:
    full = FORMATS["markdown"]().render(large)
    assert len(full.encode("utf-8")) > 2 * MIB  # uncut, GitHub would refuse it
    text = FORMATS["summary"]().render(large)
    assert len(text.encode("utf-8")) <= LIMIT <= 900 * 1024
    rows = [line for line in text.splitlines() if line.startswith("| `scenario-")]
    assert len(rows) == 500 and all(row.count(" | ") == 11 for row in rows)  # every row, every column
    shown = re.findall(r"^### `(scenario-\d+)` \S+ (\w+)$", text, re.MULTILINE)
    verdicts = [verdict for _, verdict in shown]
    assert verdicts[0] == "diverges"
    assert verdicts == sorted(verdicts, key=("diverges", "error", "known").index)
    closing = text.rstrip().splitlines()[-1]
    left_out = 400 - len(shown)  # 100 portable scenarios need no details
    assert left_out > 0
    assert closing.startswith("**Left out to stay under GitHub's 1 MiB job-summary limit:** ")
    assert f"the details of {left_out} scenarios (`scenario-" in closing and "more)" in closing
    assert "--format markdown" in closing
    assert "500 scenarios: 100 portable, 100 known to diverge, 200 diverge, 100 error" in text


def test_a_small_report_keeps_every_detail_and_says_nothing_was_left_out() -> None:
    report = sample_report()
    text = FORMATS["summary"]().render(report)
    markdown = FORMATS["markdown"]().render(report)
    assert sorted(text.splitlines()) == sorted(markdown.splitlines())
    assert "Left out" not in text


def test_a_matrix_table_too_large_for_the_limit_is_cut_and_says_so() -> None:
    huge = Report(
        ENGINES[0].name,
        ENGINES,
        [
            ScenarioResult(
                f"scenario-with-a-long-name-{index:05d}",
                "client",
                "",
                "portable",
                {engine.name: Cell("same") for engine in ENGINES},
                {},
            )
            for index in range(8000)
        ],
    )
    text = FORMATS["summary"]().render(huge)
    assert len(text.encode("utf-8")) <= LIMIT
    kept = sum(line.startswith("| `scenario-") for line in text.splitlines())
    assert 0 < kept < 8000
    assert f"{8000 - kept} rows of the matrix table" in text.splitlines()[-1]
