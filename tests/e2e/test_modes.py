"""Engine modes are first class: the options users deploy with reach the engines, and decide results."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXED_SERVER, run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e

MODES = """
[matrix]
engines = ["wasmtime", "jco", "jco-isolated", "wasmtime-reuse"]
builtins = ["server-life-instance-reuse"]

[engines.jco-isolated]
type = "jco"
flags = ["--isolate-requests", "instance"]

[engines.wasmtime-reuse]
type = "wasmtime"
flags = ["--max-instance-reuse-count", "16"]
"""

REFUSED = (
    """
[matrix]
engines = ["wasmtime", "wasmtime-bad", "jco-bad", "node-bad"]

[engines.wasmtime-bad]
type = "wasmtime"
flags = ["--max-instance-reuse-count", "many"]

[engines.jco-bad]
type = "jco"
flags = ["--isolate-requests", "threads"]

[engines.node-bad]
type = "jco"
runtime_flags = ["--no-such-node-option"]
"""
    + FIXED_SERVER
)


def test_the_mode_decides_what_a_stateful_server_sees(tmp_path: Path) -> None:
    _, report = run_json(write_matrix(tmp_path, MODES))
    seen = {
        engine: [exchange["body"]["text"].strip() for exchange in observation["exchanges"]]
        for engine, observation in scenario(report, "server-life-instance-reuse")["observations"].items()
    }
    fresh = ["requests seen by this instance: 1"] * 3
    reused = [f"requests seen by this instance: {count}" for count in (1, 2, 3)]
    assert seen == {"wasmtime": fresh, "jco": reused, "jco-isolated": fresh, "wasmtime-reuse": reused}


def test_an_option_an_engine_refuses_is_an_error_cell_in_its_own_words(tmp_path: Path) -> None:
    finished, report = run_json(write_matrix(tmp_path, REFUSED, "fixed_server.wat"))
    assert finished.returncode == 1, finished.stderr
    cells = scenario(report, "fixed")["cells"]
    assert cells["wasmtime"]["verdict"] == "baseline"
    errors = {engine: (cell["error_class"], cell["error"]) for engine, cell in cells.items() if cell["error"]}
    assert errors == {
        "wasmtime-bad": (
            "options",
            "options: error: invalid value 'many' for "
            "'--max-instance-reuse-count <MAX_INSTANCE_REUSE_COUNT>': invalid digit found in string",
        ),
        "jco-bad": (
            "options",
            "options: error: option '--isolate-requests [mode]' argument 'threads' is invalid. "
            "Allowed choices are worker, instance.",
        ),
        "node-bad": ("options", "options: node: bad option: --no-such-node-option"),
    }
