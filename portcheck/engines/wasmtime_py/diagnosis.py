"""Why a wasmtime-py worker run ended as it did, from its exit status and stderr.

Standard library only: a repro folder carries a copy of this file.
"""

from __future__ import annotations

import re
from typing import cast

from portcheck.model.observation import Failure, FailureClass

ENGINE_FAILURE = 125  # the worker's status when the engine failed (worker.ENGINE_FAILURE)
# The worker's last stderr line(s) when the engine, not the guest, ended the run.
ENGINE_LINE = re.compile(r"^wasmtime-py: (compile|instantiate|trap|crash): ", re.M)
FRAME = re.compile(r"^\s*\d+:\s+(0x[0-9a-f]+ - |<)")
TRAP_LINE = re.compile(r"wasm trap: .*")
PANIC = re.compile(r"^thread '.*' panicked at .*\n(.*)", re.M)


def diagnose(returncode: int, stderr: str) -> Failure | None:
    if returncode < 0:
        panic = PANIC.search(stderr)
        detail = f": {panic.group(0).strip()}" if panic else ""
        return Failure("crash", f"the wasmtime-py worker was killed by signal {-returncode}{detail}")
    found = list(ENGINE_LINE.finditer(stderr))
    if returncode != ENGINE_FAILURE or not found:
        return None  # the guest chose its exit status (wasi:cli/exit, or run returned an error)
    last = found[-1]
    failure = cast(FailureClass, last.group(1))
    return Failure(failure, engine_message(stderr[last.end() :], failure))


def engine_message(text: str, failure: str) -> str:
    """wasmtime's error chain as the worker printed it, without backtrace frames (or just the trap)."""
    if failure == "trap" and (trap := TRAP_LINE.search(text)):
        return trap.group(0).strip()
    kept = [line.strip() for line in text.splitlines() if line.strip() and not FRAME.match(line)]
    return "\n".join(kept[:8])
