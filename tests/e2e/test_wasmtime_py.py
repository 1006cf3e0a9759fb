"""The wasmtime-py engine (the `wasmtime` Python package's embedding API) on the real engine.

One matrix run, shared by the tests: a WAT client, a built-in client with an origin, a guest
that traps, and a server scenario the engine cannot serve.
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from portcheck.engines.wasmtime_py.engine import NO_SERVER
from tests.conftest import run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e

MATRIX = """
[matrix]
engines = ["wasmtime", "wasmtime-py"]
builtins = ["client-body-methods", "server-fixed-response"]

[engines.wasmtime-py]
type = "wasmtime-py"

[[scenario]]
name = "hello"
kind = "client"
source = "hello_client.wat"

[[scenario]]
name = "traps"
kind = "client"
source = "trap.wat"
"""
TRAP_WAT = """(module
  (memory (export "memory") 1)
  (func (export "wasi:cli/run@0.2.12#run") (result i32) unreachable))
"""

Run = tuple[subprocess.CompletedProcess[str], dict[str, Any]]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("wasmtime-py")
    (folder / "trap.wat").write_text(TRAP_WAT)
    return run_json(write_matrix(folder, MATRIX, "hello_client.wat"))


def test_client_stdout_and_version(run: Run) -> None:
    finished, report = run
    assert finished.returncode == 1, finished.stderr  # only because the trap scenario is an error
    engine = next(item for item in report["engines"] if item["name"] == "wasmtime-py")
    assert engine["type"] == "wasmtime-py"
    assert engine["version"].endswith("(wasmtime-py)") and engine["version"][0].isdigit()
    hello = scenario(report, "hello")
    assert hello["verdict"] == "portable"
    observed = hello["observations"]["wasmtime-py"]
    assert (observed["exit_code"], observed["stdout"], observed["stderr"]) == (0, "hello from wat\n", "")


def test_builtin_client_reaches_the_origin(run: Run) -> None:
    _, report = run
    methods = scenario(report, "client-body-methods")
    assert methods["cells"]["wasmtime-py"]["verdict"] == "same"
    observed = methods["observations"]["wasmtime-py"]
    recorded = [(r["method"], r["target"], r["body"]["text"]) for r in observed["origin_requests"]]
    assert recorded == [
        (method, f"/items/{method.lower()}", f'{{"method": "{method}", "n": 1}}')
        for method in ("POST", "PUT", "PATCH")
    ]
    probes = [dict(r["headers"])["x-portcheck-probe"] for r in observed["origin_requests"]]
    assert probes == ["post", "put", "patch"]
    assert observed["stdout"].count("status: 201\nbody: 'stored'\n") == 3


def test_trap_is_an_error_in_the_engines_words(run: Run) -> None:
    _, report = run
    cells = scenario(report, "traps")["cells"]
    for engine in ("wasmtime", "wasmtime-py"):
        assert cells[engine]["error_class"] == "trap"
        assert "wasm trap: wasm `unreachable` instruction executed" in cells[engine]["error"]
    assert "Traceback" not in scenario(report, "traps")["observations"]["wasmtime-py"]["stderr"]


def test_server_scenario_is_skipped_with_the_reason(run: Run) -> None:
    _, report = run
    fixed = scenario(report, "server-fixed-response")
    assert fixed["verdict"] == "portable"
    assert fixed["cells"]["wasmtime"]["verdict"] == "baseline"
    assert fixed["cells"]["wasmtime-py"]["verdict"] == "skipped"
    assert fixed["cells"]["wasmtime-py"]["reason"] == NO_SERVER
    assert fixed["observations"]["wasmtime-py"]["skipped"] == NO_SERVER
