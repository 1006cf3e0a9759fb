"""Core wasm features on the real engines: which run, in the engines' own words, and what flags change.

The root matrix's run (the session's `root_report`) holds every feature on wasmtime and jco; one
small matrix more shows that wasmtime's `flags` reach `wasmtime compile` and `run`, and Node's
`runtime_flags` reach Node. The components are a few KB each, so this takes seconds.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from portcheck.model.report import Report
from portcheck.reports.features import feature_rows
from tests.conftest import feature_table, portcheck, scenario, write_matrix

pytestmark = pytest.mark.e2e

RUNS_EVERYWHERE = [
    "bulk-memory",
    "extended-const",
    "function-references",
    "gc",
    "memory64",
    "multi-value",
    "mutable-globals",
    "reference-types",
    "relaxed-simd",
    "saturating-float-to-int",
    "sign-extension",
    "simd",
    "tail-calls",
]


def marks(report: dict[str, Any]) -> dict[str, dict[str, tuple[str, str]]]:
    """feature -> engine -> (state, note), as the feature view reads the report."""
    rows = feature_rows(Report.from_json(report))
    return {row.name: {e: (m.state, m.note) for e, m in row.marks.items()} for row in rows}


def test_every_feature_runs_in_the_root_matrix(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    seen = marks(report)
    assert len(seen) >= 12
    for name in RUNS_EVERYWHERE:
        for engine in ("wasmtime", "jco"):
            observation = scenario(report, f"feature-{name}")["observations"][engine]
            assert seen[name][engine] == ("runs", ""), (name, engine, observation)
            assert observation["exit_code"] == 0 and observation["stdout"].startswith(f"{name}: ")


def test_what_the_engines_refuse_in_the_root_matrix(root_report: tuple[Any, dict[str, Any]]) -> None:
    seen = marks(root_report[1])
    # jco's transpiler validates without exception handling and refuses a second memory
    assert seen["exceptions"] == {
        "wasmtime": ("runs", ""),
        "jco": ("refused", "compile: exception refs not supported without the exception handling feature"),
    }
    assert seen["multi-memory"]["jco"] == (
        "refused",
        "compile: unsupported section found in module using multiple memories",
    )
    assert seen["exceptions-legacy"] == {
        "wasmtime": ("refused", "compile: legacy_exceptions feature required for try instruction"),
        "jco": ("refused", "compile: exceptions proposal not enabled"),
    }
    # wasmtime 49 keeps shared memories off; jco's Node 22 runs the atomics
    state, note = seen["threads"]["wasmtime"]
    assert state == "refused" and note.startswith("instantiate: shared memory support is disabled")
    assert seen["threads"]["jco"] == ("runs", "")


FLAGS = """
[matrix]
engines = ["wasmtime", "wasmtime-shared", "wasmtime-lts", "wasmtime-lts-gc", "jco-node20", "jco-node20-flags"]
builtins = ["feature-gc", "feature-extended-const", "feature-simd", "feature-threads"]

[engines.wasmtime-shared]
type = "wasmtime"
flags = ["-W", "shared-memory=y"]

[engines.wasmtime-lts]
type = "wasmtime"
version = "36.0.9"

[engines.wasmtime-lts-gc]
type = "wasmtime"
version = "36.0.9"
flags = ["-W", "gc=y"]

[engines.jco-node20]
type = "jco"
runtime_version = "20.18.0"

[engines.jco-node20-flags]
type = "jco"
runtime_version = "20.18.0"
runtime_flags = ["--experimental-wasm-extended-const"]
"""


@pytest.fixture(scope="module")
def flags_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path_factory.mktemp("features")
    matrix = write_matrix(folder, FLAGS)
    out = folder / "out"
    finished = portcheck("run", str(matrix), "-f", "json", "-f", "features", "--output-dir", str(out))
    assert (out / "portcheck.json").is_file(), finished.stderr
    return finished, out


def test_flags_switch_features_on(flags_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    seen = marks(json.loads((flags_run[1] / "portcheck.json").read_text()))
    # -W gc=y reached `wasmtime compile`: without it there, compiling fails before run sees it
    assert seen["gc"]["wasmtime-lts"] == (
        "refused",
        "compile: struct indexed types not supported without the gc feature",
    )
    assert seen["gc"]["wasmtime-lts-gc"] == ("runs", "")
    # -W shared-memory=y reached `wasmtime run`, where the memory is made
    assert seen["threads"]["wasmtime"][0] == "refused" and seen["threads"]["wasmtime-shared"] == ("runs", "")
    # Node 20's V8 11.3: extended constant expressions behind a flag, SIMD without one
    assert seen["extended-const"]["jco-node20"] == (
        "refused",
        "compile: opcode i32.mul is not allowed in constant expressions",
    )
    assert seen["extended-const"]["jco-node20-flags"] == ("runs", "")
    assert seen["simd"]["jco-node20"] == seen["simd"]["jco-node20-flags"] == ("runs", "")
    # ... and a GC that predates the standard's encoding: the flag it names is not enough
    assert seen["gc"]["jco-node20"] == (
        "refused",
        "compile: Unknown type code 0x5f, enable with --experimental-wasm-gc",
    )


def test_the_features_format_says_what_each_column_passed(
    flags_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    text = (flags_run[1] / "portcheck.features.md").read_text()
    rows = {feature: cells[1:] for feature, cells in feature_table(text).items()}
    assert list(rows) == ["simd", "extended-const", "gc", "threads"]  # Wasm 2.0, then 3.0, then phase 4
    assert rows["simd"] == ["✓"] * 6
    assert rows["gc"][:4] == ["✓", "✓", rows["gc"][2], "✓"] and rows["gc"][2].startswith("✗ ")
    assert "- wasmtime-lts-gc: wasmtime 36.0.9, `-W gc=y`" in text
    node20_versions = "jco 1.35.0 (preview2-shim 0.26.1, preview3-shim 0.7.0, node 20.18.0)"
    assert f"- jco-node20-flags: {node20_versions}, " in text
    assert "`--experimental-wasm-extended-const`" in text


def test_the_doctor_reports_features(root_report: tuple[Any, dict[str, Any]]) -> None:
    """On the root matrix: the components are built and prepared already by the session's run."""
    doctor = portcheck("engines", "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "## Core wasm features" in doctor.stdout
    assert feature_table(doctor.stdout)["gc"] == ["Wasm 3.0", "✓", "✓"]
    assert "`compile: exception refs not supported without the exception handling feature`" in doctor.stdout
