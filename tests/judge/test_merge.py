"""Shards merge only when they are every part of one run, each once (reports built in memory)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from portcheck.judge import IncompleteShards, judge, merge
from portcheck.matrix import select, shard
from portcheck.model.observation import Observation
from portcheck.model.report import EngineInfo, Report
from portcheck.model.scenario import EngineSpec, Matrix, Scenario
from portcheck.reports import FORMATS

ENGINES = [EngineInfo("w", "wasmtime", "1")]
SCENARIOS = tuple(
    Scenario(name=f"s{i}", kind="client", defined_in=Path("m.toml"), position=i) for i in range(3)
)
MATRIX = Matrix(Path("m.toml"), (EngineSpec("w", "wasmtime"),), "w", SCENARIOS, digest="d" * 32)


def run(matrix: Matrix, spec: str | None = None) -> Report:
    """What `portcheck run --shard spec` reports, with every engine printing the scenario's name."""
    part = shard(matrix, spec)
    observed = {s.name: {"w": Observation(kind="client", exit_code=0, stdout=s.name)} for s in part.scenarios}
    return judge(part, ENGINES, observed)


def refused(reports: list[Report], names: list[str]) -> str:
    with pytest.raises(IncompleteShards) as caught:
        merge(reports, names)
    assert str(caught.value).endswith("(--allow-partial merges anyway)")
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_shard_report_records_its_part_and_its_run() -> None:
    report = run(MATRIX, "2/2")
    assert report.shard is not None
    assert (report.shard.k, report.shard.n, report.shard.scenarios) == (2, 2, 3)
    assert report.shard.matrix == MATRIX.digest
    assert Report.from_json(report.to_json()) == report
    assert report.to_json()["shard"]["k"] == 2 and report.to_json()["partial"] is None
    assert run(MATRIX).shard is None and run(MATRIX).to_json()["shard"] is None
    last = FORMATS["table"]().render(report).rstrip().splitlines()[-1]
    assert last == "1 scenarios (shard 2/2 of a run of 3): 1 portable, 0 known to diverge, 0 diverge, 0 error"


def test_every_shard_once_merges_into_the_whole_run_in_any_order() -> None:
    parts = [run(MATRIX, f"{k}/2") for k in (2, 1)]
    merged = merge(parts, ["b.json", "a.json"])
    assert merged == run(MATRIX)
    assert merged.portable and not merged.partial


def test_more_shards_than_scenarios_leaves_empty_shards_that_still_count() -> None:
    parts = [run(MATRIX, f"{k}/5") for k in range(1, 6)]
    assert [len(part.scenarios) for part in parts] == [1, 1, 1, 0, 0]
    assert merge(parts) == run(MATRIX)
    message = refused(parts[:4], [f"{k}.json" for k in range(1, 5)])
    assert message.startswith("missing shard 5/5 (the reports hold 3 of the run's 3 scenarios)")


def test_one_of_two_shards_is_refused_naming_the_missing_one() -> None:
    message = refused([run(MATRIX, "1/2")], ["shard-1.json"])
    assert message == (
        "missing shard 2/2 (the reports hold 2 of the run's 3 scenarios) (--allow-partial merges anyway)"
    )
    many = refused([run(MATRIX, "2/4")], ["x.json"])
    assert many.startswith("missing shards 1/4, 3/4, 4/4 (the reports hold 1 of the run's 3 scenarios)")


def test_a_shard_given_twice_is_refused() -> None:
    one, two = run(MATRIX, "1/2"), run(MATRIX, "2/2")
    message = refused([one, two, one], ["a.json", "b.json", "c.json"])
    assert message.startswith("shard 1/2 is given 2 times (a.json, c.json)")


def test_foreign_shards_are_refused() -> None:
    one, two = run(MATRIX, "1/2"), run(MATRIX, "2/2")
    other_matrix = run(dataclasses.replace(MATRIX, digest="e" * 32), "2/2")
    message = refused([one, two, other_matrix], ["a.json", "b.json", "c.json"])
    assert message.startswith("c.json is a shard of another matrix (matrix digest eeeeeeeeeeee, the others'")
    other_selection = run(select(MATRIX, ["s0", "s2"], []), "2/2")
    assert refused([one, other_selection], ["a.json", "b.json"]).startswith(
        "b.json ran another selection of the matrix"
    )
    other_size = run(MATRIX, "2/3")
    assert refused([one, two, other_size], ["a.json", "b.json", "c.json"]).startswith(
        "c.json is shard 2/3, but the others are parts of 2"
    )
    whole = run(MATRIX)
    assert refused([one, whole], ["a.json", "whole.json"]).startswith(
        "whole.json is not a shard report (it records no --shard K/N)"
    )


def test_one_whole_report_merges_alone() -> None:
    whole = run(MATRIX)
    assert merge([whole]) == whole


def test_allow_partial_merges_anyway_and_the_report_never_passes() -> None:
    one = run(MATRIX, "1/2")
    merged = merge([one, one], ["a.json", "b.json"], allow_partial=True)
    assert [result.name for result in merged.scenarios] == ["s0", "s2"]
    assert merged.partial == [
        "shard 1/2 is given 2 times (a.json, b.json)",
        "missing shard 2/2 (the reports hold 2 of the run's 3 scenarios)",
    ]
    assert all(result.verdict == "portable" for result in merged.scenarios) and not merged.portable
    assert merged.to_json()["partial"] == merged.partial
    assert Report.from_json(merged.to_json()) == merged


def test_a_partial_report_says_so_in_every_format() -> None:
    merged = merge([run(MATRIX, "1/2")], ["a.json"], allow_partial=True)
    line = "PARTIAL REPORT, not every scenario of the run is here: missing shard 2/2"
    for name, format_ in FORMATS.items():
        if name == "json":  # the "partial" key, above
            continue
        text = format_().render(merged)
        assert line in text, name
        assert line not in format_().render(run(MATRIX)), name
    assert '<property name="partial" value="PARTIAL REPORT' in FORMATS["junit"]().render(merged)
    assert FORMATS["table"]().render(merged).startswith(line)
