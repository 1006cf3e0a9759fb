"""How the wasmtime-py worker's output becomes a failure class (recorded stderr, no engine runs)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from portcheck.engines.wasmtime_py.diagnosis import ENGINE_FAILURE
from portcheck.engines.wasmtime_py.engine import NO_SERVER, WasmtimePy
from portcheck.model.observation import Failure
from portcheck.model.scenario import EngineSpec, Scenario

# Recorded from wasmtime-py 50.0.1 (python wasmtime_py_worker.py run ...).
TRAP = """wasmtime-py: trap: error while executing at wasm backtrace:
    0:     0x4d - <unknown>!<wasm function 0>

Caused by:
    wasm trap: wasm `unreachable` instruction executed
"""
NO_RUN = "wasmtime-py: instantiate: no exported instance named `wasi:cli/run@0.2.x` with a `run` function\n"
LINK = (
    "wasmtime-py: instantiate: component imports instance `wasi:cli/exit@0.2.99`, "
    "but a matching implementation was not found in the linker\n\nCaused by:\n"
    "    0: instance export `exit` has the wrong type\n"
)
NOT_WASM = """wasmtime-py: compile: expected `(`
     --> <anon>:1:1
      |
    1 | this is not a component
      | ^
"""
BAD_ARTIFACT = """wasmtime-py: compile: failed to load code for: hello.wasm

Caused by:
    0: failed to parse precompiled artifact as an ELF
    1: Unsupported ELF header
"""
GUEST_SAYS_IT = "my own log line\nwasmtime-py: trap: not really, the guest printed this\n"
PANIC = "thread '<unnamed>' panicked at crates/c-api/src/component.rs:12:5:\nindex out of bounds\n"


def engine() -> WasmtimePy:
    return WasmtimePy(EngineSpec(name="wasmtime-py", type="wasmtime-py"))


@pytest.mark.parametrize(
    ("returncode", "stderr", "expected"),
    [
        (ENGINE_FAILURE, TRAP, Failure("trap", "wasm trap: wasm `unreachable` instruction executed")),
        (
            ENGINE_FAILURE,
            "guest output first\n" + NO_RUN,
            Failure("instantiate", "no exported instance named `wasi:cli/run@0.2.x` with a `run` function"),
        ),
        (
            ENGINE_FAILURE,
            LINK,
            Failure(
                "instantiate",
                "component imports instance `wasi:cli/exit@0.2.99`, but a matching implementation was "
                "not found in the linker\nCaused by:\n0: instance export `exit` has the wrong type",
            ),
        ),
        (
            ENGINE_FAILURE,
            NOT_WASM,
            Failure("compile", "expected `(`\n--> <anon>:1:1\n|\n1 | this is not a component\n| ^"),
        ),
        (
            ENGINE_FAILURE,
            BAD_ARTIFACT,
            Failure(
                "compile",
                "failed to load code for: hello.wasm\nCaused by:\n0: failed to parse precompiled artifact as "
                "an ELF\n1: Unsupported ELF header",
            ),
        ),
        (ENGINE_FAILURE, "wasmtime-py: crash: ValueError: bad\n", Failure("crash", "ValueError: bad")),
        (1, "", None),  # run returned an error
        (3, "bye\n", None),  # wasi:cli/exit with its own status
        (1, GUEST_SAYS_IT, None),  # the marker counts only with the worker's own status
        (ENGINE_FAILURE, "the guest chose 125 itself\n", None),
        (-9, "", Failure("crash", "the wasmtime-py worker was killed by signal 9")),
        (
            -6,
            PANIC,
            Failure(
                "crash",
                "the wasmtime-py worker was killed by signal 6: thread '<unnamed>' panicked at "
                "crates/c-api/src/component.rs:12:5:\nindex out of bounds",
            ),
        ),
    ],
)
def test_diagnose(returncode: int, stderr: str, expected: Failure | None) -> None:
    assert engine().diagnose(returncode, stderr) == expected


def test_only_clients_run() -> None:
    client = Scenario(name="c", kind="client", defined_in=Path("m.toml"))
    assert engine().skip_reason(client) is None
    assert engine().skip_reason(dataclasses.replace(client, kind="server")) == NO_SERVER


def test_commands_carry_exactly_the_scenario_env() -> None:
    cli = engine().cli_client("component.wasm", {"PORTCHECK_ORIGIN": "{origin}", "A": "b=c"})
    assert cli.argv == [
        "python3",
        "wasmtime_py_worker.py",
        "run",
        "--env=PORTCHECK_ORIGIN={origin}",
        "--env=A=b=c",
        "component.wasm",
    ]
    assert cli.env == {}
