"""The commands around a run: show, repro, known divergences, selection, compact view."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import compared, jco_cli, portcheck, run_json, scenario, wasmtime_binary, write_matrix

pytestmark = pytest.mark.e2e
BUILTINS = '[matrix]\nengines = ["wasmtime", "jco"]\nbuiltins = ["server-repeated-headers", "server-head"]\n'


def test_show_puts_engines_side_by_side(tmp_path: Path) -> None:
    matrix = write_matrix(tmp_path, BUILTINS)
    finished = portcheck("show", "server-repeated-headers", "--matrix", str(matrix), "--raw")
    assert finished.returncode == 1, finished.stderr
    lines = finished.stdout.splitlines()
    marked = [line for line in lines if line.startswith("≠")]
    assert any("responses[0].headers[set-cookie]" in line for line in marked)
    assert not any("responses[0].status" in line for line in marked)
    assert "--- jco stderr" in finished.stdout and "Server listening @" in finished.stdout


def test_show_reads_a_saved_report(tmp_path: Path) -> None:
    matrix = write_matrix(tmp_path, BUILTINS)
    _, report = run_json(matrix)
    saved = tmp_path / "matrix.report.json"
    finished = portcheck("show", "server-head", "--report", str(saved))
    assert finished.returncode == 0, finished.stderr
    assert "responses[0].body" in finished.stdout and "≠" not in finished.stdout.split("\n\n")[1]
    assert scenario(report, "server-head")["verdict"] == "portable"
    missing = portcheck("show", "nope", "--report", str(saved))
    assert missing.returncode == 2 and "nope: no such scenario" in missing.stderr


def test_repro_folder_reproduces_the_divergence_alone(tmp_path: Path) -> None:
    made = tmp_path / "made"
    finished = portcheck("repro", "server-repeated-headers", "--engine", "jco", "--output", str(made))
    assert finished.returncode == 0, finished.stderr
    assert {p.name for p in made.iterdir()} == {
        "README.md",
        "component.wasm",
        "repro.py",
        "scenario.json",
        "vendor",
    }
    assert "jco serve --host 127.0.0.1 --port" in (made / "README.md").read_text()
    alone = tmp_path / "elsewhere" / "repro"
    shutil.copytree(made, alone)  # only the folder and the engines: no portcheck on the path
    env = {"PATH": "/usr/bin:/bin", "WASMTIME": str(wasmtime_binary()), "JCO": shlex.join(jco_cli())}
    run = subprocess.run(
        [sys.executable, "repro.py"], cwd=alone, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    wasmtime_part, jco_part = run.stdout.split("=== jco")
    cookies = "responses[0].headers[set-cookie]: "
    assert cookies + "a=1; Path=/\n      b=2; Path=/\n      c=3; Path=/" in wasmtime_part
    assert cookies + "c=3; Path=/\n" in jco_part


def test_known_divergence_passes_and_stale_entry_fails(tmp_path: Path) -> None:
    known = (
        '[[known]]\nscenario = "server-repeated-headers"\nengine = "jco"\n'
        'reason = "jco serve keeps only the last value of a repeated header"\nlink = "https://example.com/1"\n'
    )
    matrix = write_matrix(tmp_path, BUILTINS + known)
    finished, report = run_json(matrix)
    assert finished.returncode == 0, finished.stderr
    cell = scenario(report, "server-repeated-headers")["cells"]["jco"]
    assert cell["verdict"] == "known" and cell["known"][0]["link"] == "https://example.com/1"
    assert scenario(report, "server-repeated-headers")["verdict"] == "known"
    stale = known.replace("server-repeated-headers", "server-head")
    matrix.write_text(BUILTINS + known + stale)
    finished, report = run_json(matrix)
    assert finished.returncode == 1
    assert [entry["scenario"] for entry in report["stale_known"]] == ["server-head"]
    table = portcheck("run", str(matrix), "--scenario", "server-head")
    assert "no longer diverges; remove the [[known]] entry" in table.stdout


def test_list_selection_and_compact_view(tmp_path: Path) -> None:
    matrix = write_matrix(tmp_path, BUILTINS)
    listed = portcheck("run", str(matrix), "--list", "--engine", "jco", "--scenario", "server-h*")
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == [
        "engines: jco (baseline)",
        f"{'server-head':44} server",
        "1 scenario(s) x 1 engine(s)",
    ]
    compact = portcheck("run", str(matrix), "--format", "compact")
    assert compact.returncode == 1
    assert "server-head" in compact.stdout and "wasmtime = jco" in compact.stdout
    assert "wasmtime | jco" in compact.stdout
    assert "\r" not in compact.stderr  # no progress bar when stderr is not a terminal
    unknown = portcheck("run", str(matrix), "--engine", "v8")
    assert unknown.returncode == 2 and "--engine: v8: is not an engine of" in unknown.stderr


def test_output_dir_writes_every_format(tmp_path: Path) -> None:
    matrix = write_matrix(tmp_path, BUILTINS)
    out = tmp_path / "reports"
    finished = portcheck(
        "run", str(matrix), "-f", "table", "-f", "json", "-f", "findings", "--output-dir", str(out)
    )
    assert finished.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "portcheck.findings.md",
        "portcheck.json",
        "portcheck.txt",
    ]
    assert "server-repeated-headers" in finished.stdout  # the table still reaches the terminal
    assert os.path.getsize(out / "portcheck.json") > 100


VARYING = ("seconds", "notes", "stderr", "endpoints")


def comparable(report: dict[str, Any]) -> object:
    """A report as two runs can agree on it: observations as the judge compared them, no timings."""
    for result in report["scenarios"]:
        for engine in result["observations"]:
            result["observations"][engine] = compared(report, result["name"], engine)
    return without_timings(report)


def without_timings(data: object) -> object:
    """A report without what depends on the clock: durations, Date headers, notes quoting them, stderr."""
    if isinstance(data, dict):
        return {key: without_timings(value) for key, value in data.items() if key not in VARYING}
    if isinstance(data, list):
        return [
            without_timings(value)
            for value in data
            if not (isinstance(value, list) and value[:1] in (["date"], ["Date"]))
        ]
    return data


def test_shards_merge_into_the_whole_run(tmp_path: Path) -> None:
    matrix = write_matrix(
        tmp_path,
        '[matrix]\nengines = ["wasmtime", "jco"]\nbuiltins = ["server-head", "server-repeated-headers"]\n'
        '[[scenario]]\nname = "hello"\nkind = "client"\nsource = "hello_client.wat"\n',
        "hello_client.wat",
    )
    whole = tmp_path / "whole.json"
    assert portcheck("run", str(matrix), "-f", "json", "-o", str(whole)).returncode == 1
    parts = []
    for part in ("1/2", "2/2"):
        parts.append(tmp_path / f"shard-{part[0]}.json")
        portcheck("run", str(matrix), "--shard", part, "-f", "json", "-o", str(parts[-1]))
    names = [[s["name"] for s in json.loads(p.read_text())["scenarios"]] for p in parts]
    assert names == [["server-head", "hello"], ["server-repeated-headers"]]
    merged = tmp_path / "merged.json"
    finished = portcheck(
        "merge", *map(str, parts), "-f", "json", "-f", "table", "--output-dir", str(tmp_path / "m")
    )
    assert finished.returncode == 1 and "server-repeated-headers" in finished.stdout
    merged = tmp_path / "m" / "portcheck.json"
    assert comparable(json.loads(merged.read_text())) == comparable(json.loads(whole.read_text()))
    alone = portcheck("merge", str(parts[0]))  # shard 2's job died before writing its report
    assert (alone.returncode, alone.stdout) == (2, "")
    assert alone.stderr == (
        "portcheck: missing shard 2/2 (the reports hold 2 of the run's 3 scenarios) "
        "(--allow-partial merges anyway)\n"
    )
    partial = portcheck("merge", str(parts[0]), "--allow-partial")
    assert partial.returncode == 1  # both scenarios it holds are portable, but it is not the whole run
    assert partial.stdout.startswith("PARTIAL REPORT, not every scenario of the run is here: missing shard")
    bad = portcheck("run", str(matrix), "--shard", "3/2")
    assert bad.returncode == 2 and "--shard: 3/2: expected K/N" in bad.stderr
