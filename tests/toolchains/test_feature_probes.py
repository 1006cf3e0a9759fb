"""The feature probes use their feature: wasm-tools accepts each with the feature, refuses it without.

No engine runs: this is the pinned wasm-tools validating the WAT sources of the built-in feature
scenarios (portcheck/scenarios/features/), with and without the wasmparser feature each exercises.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portcheck import provision
from portcheck.harness import processes
from portcheck.matrix.builtins import builtin_scenarios
from portcheck.reports.features import PREFIX

# Each probe's feature as wasmparser names it (`wasm-tools validate --features`).
WASMPARSER_FEATURE = {
    "bulk-memory": "bulk-memory",
    "exceptions": "exceptions",
    "exceptions-legacy": "legacy-exceptions",
    "extended-const": "extended-const",
    "function-references": "function-references",
    "gc": "gc",
    "memory64": "memory64",
    "multi-memory": "multi-memory",
    "multi-value": "multi-value",
    "mutable-globals": "mutable-global",
    "reference-types": "reference-types",
    "relaxed-simd": "relaxed-simd",
    "saturating-float-to-int": "saturating-float-to-int",
    "sign-extension": "sign-extension",
    "simd": "simd",
    "tail-calls": "tail-call",
    "threads": "threads",
}
FEATURES = {
    scenario.name.removeprefix(PREFIX): scenario
    for scenario in builtin_scenarios()
    if scenario.name.startswith(PREFIX)
}


def wasm_tools(*args: str) -> processes.Finished:  # the pinned one, as the WAT toolchain runs it
    return processes.run([str(provision.wasm_tools_binary()), *args], {}, 60)


def test_every_feature_scenario_has_a_probe_and_there_are_at_least_twelve() -> None:
    assert set(FEATURES) == set(WASMPARSER_FEATURE)
    assert len(FEATURES) >= 12


@pytest.mark.parametrize("name", sorted(WASMPARSER_FEATURE))
def test_the_probe_needs_its_feature(name: str, tmp_path: Path) -> None:
    scenario = FEATURES[name]
    assert scenario.kind == "client" and scenario.source is not None and scenario.source.suffix == ".wat"
    binary = tmp_path / f"{name}.wasm"
    parsed = wasm_tools("parse", str(scenario.source), "-o", str(binary))
    assert parsed.returncode == 0, parsed.stderr
    assert wasm_tools("validate", "--features=all", str(binary)).returncode == 0
    without = wasm_tools("validate", f"--features=all,-{WASMPARSER_FEATURE[name]}", str(binary))
    assert without.returncode != 0, f"{name} validates without {WASMPARSER_FEATURE[name]}"


@pytest.mark.parametrize("name", sorted(WASMPARSER_FEATURE))
def test_the_expected_line_is_the_one_the_probe_prints(name: str) -> None:
    scenario = FEATURES[name]
    assert scenario.source is not None
    text = scenario.source.read_text()
    line = re.search(r'\(data \(i32\.const 16\) "(.*)\\n"\)', text)
    assert line is not None
    [expected] = scenario.expected
    assert (expected.field, expected.check, expected.value) == ("stdout", "equals", f"{line.group(1)}\n")
    # the length run passes to blocking-write-and-flush is the line's, newline included
    assert f"(select (i32.const {len(line.group(1)) + 1}) " in text


@pytest.mark.parametrize("name", sorted(WASMPARSER_FEATURE))
def test_the_level_follows_the_standard_and_the_spec_cites_the_proposal(name: str) -> None:
    scenario = FEATURES[name]
    [expected] = scenario.expected
    standard = scenario.description.split(":")[0]
    level = {"Wasm 1.0": "must", "Wasm 2.0": "must", "Wasm 3.0": "should"}.get(standard, "may")
    assert expected.level == level
    assert "https://github.com/WebAssembly/" in expected.spec
