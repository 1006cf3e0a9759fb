"""The engine matrix: wasmtime releases and Winch, jco on Node 20/22/24, Bun and Deno, and the
`portcheck engines` commands, on real engines provisioned from PyPI and npm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import feature_table, portcheck, run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e

MATRIX = """
[matrix]
engines = ["wasmtime", "wasmtime-lts", "winch", "jco", "jco-node20", "jco-node24", "jco-bun", "jco-deno"]
builtins = ["client-get-basic", "server-repeated-headers"]

[engines.wasmtime-lts]
type = "wasmtime"
version = "36.0.9"

[engines.winch]
type = "wasmtime"
compiler = "winch"

[engines.jco-node20]
type = "jco"
runtime_version = "20.18.0"

[engines.jco-node24]
type = "jco"
runtime_version = "24.19.0"

[engines.jco-bun]
type = "jco"
runtime = "bun"

[engines.jco-deno]
type = "jco"
runtime = "deno"

[[scenario]]
name = "wat-client"
kind = "client"
source = "hello_client.wat"

[[scenario]]
name = "wat-server"
kind = "server"
source = "fixed_server.wat"
[[scenario.request]]
path = "/"
"""


@pytest.fixture(scope="module")
def matrix_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("engines")
    matrix = write_matrix(folder, MATRIX, "hello_client.wat", "fixed_server.wat")
    _, report = run_json(matrix)
    return matrix, report


def test_versions_are_exact(matrix_run: tuple[Path, dict[str, Any]]) -> None:
    versions = {engine["name"]: engine["version"] for engine in matrix_run[1]["engines"]}
    assert versions["wasmtime-lts"] == "36.0.9"
    assert versions["winch"].endswith("(winch)")
    assert "node 20.18.0" in versions["jco-node20"] and "node 24.19.0" in versions["jco-node24"]
    assert "bun 1.4.5" in versions["jco-bun"] and "deno 2.9.8" in versions["jco-deno"]


def test_every_variant_runs_the_tiny_components(matrix_run: tuple[Path, dict[str, Any]]) -> None:
    report = matrix_run[1]
    for name in ("wat-client", "wat-server"):
        cells = scenario(report, name)["cells"]
        assert {
            engine: cell["verdict"] for engine, cell in cells.items() if engine != "wasmtime"
        } == dict.fromkeys([e["name"] for e in report["engines"] if e["name"] != "wasmtime"], "same")


def test_node20_cannot_compile_a_componentize_py_component(matrix_run: tuple[Path, dict[str, Any]]) -> None:
    """V8 11.3 has no extended constant expressions: an error of class compile, in V8's own words."""
    for name in ("client-get-basic", "server-repeated-headers"):
        cell = scenario(matrix_run[1], name)["cells"]["jco-node20"]
        assert (cell["verdict"], cell["error_class"]) == ("error", "compile")
        assert "opcode i32.add is not allowed in constant expressions" in cell["error"]


def test_the_same_divergence_on_every_javascript_runtime(matrix_run: tuple[Path, dict[str, Any]]) -> None:
    result = scenario(matrix_run[1], "server-repeated-headers")
    for engine in ("wasmtime-lts", "winch"):
        assert result["cells"][engine]["verdict"] == "same"
    for engine in ("jco", "jco-node24", "jco-bun", "jco-deno"):
        [exchange] = result["observations"][engine]["exchanges"]
        assert [v for k, v in exchange["headers"] if k.lower() == "set-cookie"] == ["c=3; Path=/"]
    assert ["wasmtime", "wasmtime-lts", "winch"] in result["groups"]


def test_engines_list_and_doctor(matrix_run: tuple[Path, dict[str, Any]]) -> None:
    matrix = matrix_run[0]
    listed = portcheck("engines", "--matrix", str(matrix))
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[2:]}
    assert "version 36.0.9" in rows["wasmtime-lts"] and rows["wasmtime-lts"].rstrip().endswith("yes")
    assert "bun" in rows["jco-bun"] and "winch" in rows["winch"]
    doctor = portcheck("engines", "doctor", "--matrix", str(matrix))
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    body = doctor.stdout.splitlines()[2:]
    assert len([line for line in body if line.split() and line.split()[0] in rows]) == 8
    assert "fails" not in doctor.stdout
    # then what each engine makes of each core wasm feature (the marks, without their note numbers)
    features = {
        name: [cell.split()[0] for cell in cells[1:]] for name, cells in feature_table(doctor.stdout).items()
    }
    assert features["simd"] == ["✓"] * 8  # engines: wasmtime, wasmtime-lts, winch, jco, jco-node20, ...
    assert features["tail-calls"] == ["✓", "✓", "✗", "✓", "✓", "✓", "✓", "✓"]  # Node 20 has them, Winch not
    gc = features["gc"]
    assert [gc[1], gc[2], gc[4]] == ["✗"] * 3  # wasmtime 36 (without -W gc=y), Winch, Node 20
    assert [gc[0], gc[3], *gc[5:]] == ["✓"] * 5
    assert features["extended-const"][4] == "✗" and features["memory64"][6] == "✗"  # Node 20; Bun
    assert "`compile: opcode i32.mul is not allowed in constant expressions`" in doctor.stdout
