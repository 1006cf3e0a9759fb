"""How each engine's own words become a failure class (recorded stderr, no engines run)."""

from __future__ import annotations

import pytest

from portcheck.engines.jco import Jco
from portcheck.engines.wasmtime import Wasmtime
from portcheck.model.scenario import EngineSpec

WASMTIME_TRAP = """thread '<unnamed>' panicked at runtime/src/lib.rs:1293:29:
Python function threw an unexpected exception
Error: failed to run main module `x.cwasm`

Caused by:
    0: failed to invoke `run` function
    1: error while executing at wasm backtrace:
           0: 0xaa87af - libc.so!abort
    2: wasm trap: wasm `unreachable` instruction executed

Stack backtrace:
   0: wasmtime_internal_core::error::backtrace::capture
"""
WASMTIME_HOST_TRAP = """Error: failed to run main module `/home/me/.cache/portcheck/wasmtime/ee95.cwasm`

Caused by:
    0: failed to invoke `run` function
    1: error while executing at wasm backtrace:
    0: 0x120c404 - componentize_py_runtime.wasm!componentize_py_runtime::__pyfunction_drop_resource
    1: 0x121a354 - componentize_py_runtime.wasm!pyo3::impl_::trampoline::fastcall_cfunction_with_keywords
   13: 0x125ca2e - <unknown>!wasi:cli/run@0.2.12#run
    2: resource has children
"""
WASMTIME_NO_RUN = """Error: failed to run main module `s.wasm`

Caused by:
    no exported instance named `wasi:cli/run@0.2.12`

Stack backtrace:
   0: <wasmtime_internal_core::error::error::Error>::from_format_args
"""
WASMTIME_LINK = (
    "Error: failed to run main module `c.wasm`\n\nCaused by:\n    0: component imports instance "
    "`wasi:cli/exit@0.2.12`, but a matching implementation was not found in the linker\n"
)
WASMTIME_NO_SHARED_MEMORY = (
    "Error: failed to run main module `t.cwasm`\n\nCaused by:\n    shared memory support is disabled for "
    "this engine -- see `Config::shared_memory`\n\nStack backtrace:\n   0: wasmtime::x\n"
)
NODE20_COMPILE = """node:internal/process/promises:391
    triggerUncaughtException(err, true /* fromPromise */);
    ^

[CompileError: WebAssembly.compile(): opcode i32.add is not allowed in constant expressions @+26640]

Node.js v20.18.0
"""
JCO_TRAP = """Traceback (most recent call last):
AttributeError: 'IncomingResponse' object has no attribute 'status_code'
RuntimeError: wasm trap: wasm `unreachable` instruction executed
    at libc.so.abort (wasm://wasm/libc.so-001a7eda:wasm-function[367]:0xbac8)
"""
JCO_GUEST_ERROR = """ComponentError: undefined (see error.payload)
    at fn (file:///tmp/dmCz0q/err.js:3627:17) {
  payload: undefined
}
"""
JCO_NOT_COMMAND = "Not a valid command component to execute.\n"
JCO_HOST_BUG = (
    "TypeError: Cannot read properties of undefined (reading 'get')\n    at Fields.get (file:///x.js:1:1)\n"
)


@pytest.mark.parametrize(
    ("stderr", "returncode", "failure", "words"),
    [
        (WASMTIME_TRAP, 1, "trap", "wasm trap: wasm `unreachable` instruction executed"),
        (WASMTIME_HOST_TRAP, 1, "trap", "resource has children"),
        (WASMTIME_NO_RUN, 1, "instantiate", "no exported instance named `wasi:cli/run@0.2.12`"),
        (WASMTIME_LINK, 1, "instantiate", "a matching implementation was not found in the linker"),
        (WASMTIME_NO_SHARED_MEMORY, 1, "instantiate", "shared memory support is disabled for this engine"),
        ("", 1, None, None),  # the guest chose its exit status
        ("Error: my own message, printed by the guest\n", 1, None, None),
        ("", -9, "crash", "signal 9"),
    ],
)
def test_wasmtime_diagnosis(stderr: str, returncode: int, failure: str | None, words: str | None) -> None:
    found = Wasmtime(EngineSpec("wasmtime", "wasmtime")).diagnose(returncode, stderr)
    assert (found and found.failure) == failure
    if words:
        assert found is not None and words in found.message
        assert "Stack backtrace" not in found.message and "0x" not in found.message


@pytest.mark.parametrize(
    ("stderr", "failure", "words"),
    [
        (NODE20_COMPILE, "compile", "opcode i32.add is not allowed in constant expressions"),
        (JCO_TRAP, "trap", "RuntimeError: wasm trap: wasm `unreachable` instruction executed"),
        (JCO_NOT_COMMAND, "instantiate", "Not a valid command component"),
        (JCO_GUEST_ERROR, None, None),
        (JCO_HOST_BUG, "crash", "TypeError: Cannot read properties of undefined"),
    ],
)
def test_jco_diagnosis(stderr: str, failure: str | None, words: str | None) -> None:
    found = Jco(EngineSpec("jco", "jco")).diagnose(1, stderr)
    assert (found and found.failure) == failure
    if words:
        assert found is not None and words in found.message


WASMTIME_REFUSED = {
    "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n\n"
    "Usage: wasmtime run [OPTIONS] <WASM>...\n\nFor more information, try '--help'.\n": (
        "error: unexpected argument '--bogus' found"
    ),
    "error: invalid value 'abc' for '--max-instance-reuse-count <N>': invalid digit found in string\n\n"
    "For more information, try '--help'.\n": (
        "error: invalid value 'abc' for '--max-instance-reuse-count <N>': invalid digit found in string"
    ),
    "error: failed to parse -O / --optimize option: failed to parse option `opt-level=9`\n\nCaused by:\n"
    "    unknown optimization level `9`, only 0,1,2,s accepted\n": (
        "error: failed to parse -O / --optimize option: failed to parse option `opt-level=9`\n"
        "Caused by:\nunknown optimization level `9`, only 0,1,2,s accepted"
    ),
}


@pytest.mark.parametrize("stderr", list(WASMTIME_REFUSED))
def test_wasmtime_refusing_its_options_is_an_options_failure_in_its_words(stderr: str) -> None:
    failure = Wasmtime(EngineSpec("wasmtime", "wasmtime")).diagnose(2, stderr)
    assert failure is not None and failure.failure == "options"
    assert failure.message == WASMTIME_REFUSED[stderr]


def test_node_refusing_its_options_is_an_options_failure_without_the_path() -> None:
    failure = Jco(EngineSpec("jco", "jco")).diagnose(9, "/home/me/.cache/node: bad option: --bogus\n")
    assert failure is not None and failure == ("options", "node: bad option: --bogus")
