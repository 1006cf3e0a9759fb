"""The feature view from a report in memory, with the engines' own words as they were recorded."""

from __future__ import annotations

import pytest

from portcheck.model.observation import Observation
from portcheck.model.report import Cell, Checked, EngineInfo, Report, ScenarioResult
from portcheck.reports import FORMATS
from portcheck.reports.features import feature_rows, refusal
from tests.conftest import feature_table
from tests.reports.sample import HOSTILE

# Recorded on this machine (docs: README "Core wasm features"); paths and hashes as they were.
WASMTIME_LTS_GC = """Error: failed to parse WebAssembly module
Caused by:
struct indexed types not supported without the gc feature (at offset 0x183)"""
WASMTIME_LEGACY = """Error: failed to compile: wasm[0]::function[4]::caught_value
Caused by:
0: WebAssembly translation error
1: Invalid input WebAssembly code at offset 637: legacy_exceptions feature required for try instruction"""
JCO_TRANSPILE = """ComponentError: failed to translate component
Caused by:
    exception refs not supported without the exception handling feature (at offset 0x195)
    at fn (file:///work/cache/x/jco/e59a/node_modules/@bytecodealliance/jco-transpile/vendor/b.js:10399:17)
    at async transpileCmd (file:///work/cache/x/jco/e59a/node_modules/@bytecodealliance/jco/dist/t.js:135:23)
(jco transpileCmd)"""
JCO_MULTI_MEMORY = """ComponentError: unsupported section found in module using multiple memories
    at fn (file:///work/cache/x/jco/e59a/node_modules/@bytecodealliance/jco-transpile/vendor/b.js:10399:17)
(jco transpileCmd)"""
NODE20_GC = (
    "CompileError: WebAssembly.compile(): Unknown type code 0x5f, enable with --experimental-wasm-gc @+11"
)
WASMTIME_SHARED = """Error: failed to run main module `/work/cache/x/wasmtime/d5cbb102e7d3488.cwasm`
Caused by:
shared memory support is disabled for this engine -- see `Config::shared_memory`"""
BUN_MEMORY64 = "CompileError: WebAssembly.Module doesn't parse at byte 23: Memory64 is not enabled"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (WASMTIME_LTS_GC, "struct indexed types not supported without the gc feature"),
        (WASMTIME_LEGACY, "legacy_exceptions feature required for try instruction"),
        (JCO_TRANSPILE, "exception refs not supported without the exception handling feature"),
        (JCO_MULTI_MEMORY, "unsupported section found in module using multiple memories"),
        (NODE20_GC, "Unknown type code 0x5f, enable with --experimental-wasm-gc"),
        (WASMTIME_SHARED, "shared memory support is disabled for this engine -- see `Config::shared_memory`"),
        (BUN_MEMORY64, "WebAssembly.Module doesn't parse at byte 23: Memory64 is not enabled"),
        ("Error: failed to run `/home/me/.cache/x/ab12.cwasm`", "failed to run `ab12.cwasm`"),
        (
            "component imports instance wasi:cli/exit@0.2.12 and i32/i64",
            "component imports instance wasi:cli/exit@0.2.12 and i32/i64",
        ),
        ("", "(no message)"),
    ],
)
def test_a_refusal_is_the_line_that_names_the_reason(message: str, reason: str) -> None:
    assert refusal(message) == reason


ENGINES = ["wasmtime", "wasmtime-lts", "wasmtime-lts-flags", "jco", "jco-node20", "wasmtime-py"]
LINE = "gc: works\n"


def runs() -> tuple[Cell, Observation]:
    checked = Checked("stdout", "equals", LINE, LINE, "Wasm 3.0 (gc): runs", True, "should")
    return Cell("same", expected="pass", expectations=[checked]), Observation(
        "client", exit_code=0, stdout=LINE
    )


def refused(message: str, failure: str = "compile") -> tuple[Cell, Observation]:
    cell = Cell("error", error=f"{failure}: {message}", error_class=failure)
    return cell, Observation("client", failure=failure, message=message)  # type: ignore[arg-type]


def wrong(stdout: str) -> tuple[Cell, Observation]:
    checked = Checked("stdout", "equals", LINE, stdout, "Phase 4 (threads): may run", False, "may")
    cell = Cell("differs", expected="pass", expectations=[checked])
    return cell, Observation("client", exit_code=1, stdout=stdout)


def feature(name: str, standard: str, seen: dict[str, tuple[Cell, Observation]]) -> ScenarioResult:
    return scenario(f"feature-{name}", standard, seen)


def not_a_feature() -> ScenarioResult:
    """An HTTP scenario: not a row of the feature table; its error stays under Errors in the findings."""
    seen = {engine: runs() for engine in ENGINES}
    return scenario("client-get", "GET", {**seen, "jco": refused("wasm trap: unreachable", "trap")})


def scenario(name: str, standard: str, seen: dict[str, tuple[Cell, Observation]]) -> ScenarioResult:
    return ScenarioResult(
        name=name,
        kind="client",
        description=f"{standard}: {name.removeprefix('feature-')}, and what it exercises",
        verdict="error",
        cells={engine: cell for engine, (cell, _) in seen.items()},
        observations={engine: observation for engine, (_, observation) in seen.items()},
    )


def feature_report(partial: bool = False) -> Report:
    skipped = (
        Cell("skipped", reason="not a client engine"),
        Observation("client", skipped="not a client engine"),
    )
    gc = {
        "wasmtime": runs(),
        "wasmtime-lts": refused(WASMTIME_LTS_GC),
        "wasmtime-lts-flags": runs(),
        "jco": refused(JCO_TRANSPILE),
        "jco-node20": refused(NODE20_GC),
        "wasmtime-py": skipped,
    }
    threads = {
        "wasmtime": refused(WASMTIME_SHARED, "instantiate"),
        "wasmtime-lts": runs(),
        "wasmtime-lts-flags": runs(),
        "jco": refused(JCO_TRANSPILE),  # the same words as for gc: one note
        "jco-node20": wrong("threads: ran, but a check gave a wrong result\n"),
        "wasmtime-py": refused(f"compile: {HOSTILE}"),
    }
    simd = {engine: runs() for engine in ENGINES}
    engines = [
        EngineInfo("wasmtime", "wasmtime", "49.0.3"),
        EngineInfo("wasmtime-lts", "wasmtime", "36.0.9", "version 36.0.9"),
        EngineInfo("wasmtime-lts-flags", "wasmtime", "36.0.9", "version 36.0.9, -W gc=y"),
        EngineInfo("jco", "jco", "1.35.0 (preview2-shim 0.26.1, node 22.20.0)"),
        EngineInfo(
            "jco-node20",
            "jco",
            "1.35.0 (preview2-shim 0.26.1, node 20.18.0)",
            "runtime_version 20.18.0, --experimental-wasm-gc",
        ),
        EngineInfo("wasmtime-py", "wasmtime-py", "50.0.1"),
    ]
    scenarios = [
        not_a_feature(),
        feature("gc", "Wasm 3.0", gc),
        feature("simd", "Wasm 2.0", simd),
        feature("threads", "Phase 4 proposal", threads),
    ]
    report = Report("wasmtime", engines, scenarios)
    report.partial = ["missing shard 2/2"] if partial else []
    return report


def test_rows_are_the_feature_scenarios_oldest_standard_first() -> None:
    rows = feature_rows(feature_report())
    assert [(row.name, row.standard) for row in rows] == [
        ("simd", "Wasm 2.0"),
        ("gc", "Wasm 3.0"),
        ("threads", "Phase 4 proposal"),
    ]
    gc = rows[1].marks
    assert gc["wasmtime"].state == "runs" and gc["wasmtime-lts-flags"].state == "runs"
    assert gc["wasmtime-lts"].note == "compile: struct indexed types not supported without the gc feature"
    assert gc["wasmtime-py"].state == "skipped"
    threads = rows[2].marks
    assert threads["jco-node20"].state == "wrong"
    assert threads["jco-node20"].note == "ran, printed 'threads: ran, but a check gave a wrong result'"


def test_the_features_format_is_a_table_with_numbered_notes_and_the_flags() -> None:
    text = FORMATS["features"]().render(feature_report())
    rows = feature_table(text)
    assert list(rows) == ["simd", "gc", "threads"]  # client-get is not a feature
    assert rows["simd"] == ["Wasm 2.0", *["✓"] * len(ENGINES)]
    assert rows["gc"] == ["Wasm 3.0", "✓", "✗ 1", "✓", "✗ 2", "✗ 3", "skipped 4"]
    assert rows["threads"][1:] == ["✗ 5", "✓", "✓", "✗ 2", "✗ 6", "✗ 7"]  # jco's words: one note, 2
    assert "2. `compile: exception refs not supported without the exception handling feature`" in text
    assert "file://" not in text and "0x195" not in text  # no stack, no path, no offset
    assert "- wasmtime-lts-flags: wasmtime 36.0.9, `-W gc=y`" in text
    assert "- wasmtime-lts: wasmtime 36.0.9\n" in text  # its version says its only option
    assert "- jco-node20: jco 1.35.0 (preview2-shim 0.26.1, node 20.18.0), `--experimental-wasm-gc`" in text


def test_untrusted_words_stay_inert() -> None:
    markdown = FORMATS["features"]().render(feature_report())
    assert "\x1b" not in markdown
    assert "7. ``compile: compile: <script>alert(1)</script> | `tick` \\x1b[31m \\xff``" in markdown  # code
    html = FORMATS["html"]().render(feature_report())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_html_report_has_the_feature_table() -> None:
    html = FORMATS["html"]().render(feature_report())
    assert '<table class="features">' in html
    assert '<td class="mark f-runs"><a href="#s:feature-simd:wasmtime">✓</a></td>' in html
    assert 'title="compile: struct indexed types not supported without the gc feature">' in html
    assert '<a href="#s:feature-gc:wasmtime-lts">✗<sup>1</sup></a>' in html
    assert "<td><code>-W gc=y</code></td>" in html  # the engines table shows the options


def test_findings_put_features_in_their_own_section() -> None:
    text = FORMATS["findings"]().render(feature_report())
    assert "## Core wasm features" in text
    errors = text.split("## Errors", 1)[1]
    assert "feature-" not in errors and "client-get" in errors


def test_without_feature_scenarios_there_is_no_table() -> None:
    report = feature_report()
    report.scenarios = [not_a_feature()]
    assert "No feature scenarios in this run" in FORMATS["features"]().render(report)
    assert "Core wasm features" not in FORMATS["html"]().render(report)
    assert "Core wasm features" not in FORMATS["findings"]().render(report)
