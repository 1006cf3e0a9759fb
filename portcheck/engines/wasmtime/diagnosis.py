"""Why a wasmtime run ended as it did, from its exit status and stderr.

Standard library only: a repro folder carries a copy of this file.
"""

from __future__ import annotations

import re

from portcheck.model.observation import Failure

# wasmtime's own failures print `Error: ...` followed by its cause chain or backtrace.
OWN_ERROR = re.compile(r"^Error: ", re.M)
CAUSE = re.compile(r"^(Caused by:|Stack backtrace:)", re.M)
TRAP_LINE = re.compile(r"wasm trap: .*")
FRAME = re.compile(r"^\s*\d+: (0x[0-9a-f]+ - |.*::)")
# A trap the host raised while the guest ran (a handle misused, a resource dropped before its
# children): no `wasm trap:` line, the host's reason is the last cause after the backtrace.
HOST_TRAP = "error while executing at wasm backtrace"
CAUSE_LINE = re.compile(r"^\s*\d+: .*$", re.M)
# A feature the engine left off (`shared memory support is disabled for this engine`) is found when
# the component is instantiated, not when it is compiled.
INSTANTIATE = re.compile(
    r"matching implementation was not found|failed to instantiate|no exported instance"
    r"|support is disabled for this engine"
)
COMPILE = re.compile(r"failed to (compile|parse|validate|deserialize)")
# The command line parser's own refusal of an option or its value (before any wasm is read).
USAGE = re.compile(
    r"^error: (unexpected argument|invalid value|a value is required|failed to parse -\w / --[\w-]+ option)",
    re.M,
)


def diagnose(returncode: int, stderr: str) -> Failure | None:
    if returncode < 0:
        return Failure("crash", f"wasmtime was killed by signal {-returncode}")
    if USAGE.search(stderr):
        return Failure("options", usage_error(stderr))
    if "wasm trap" in stderr:
        return Failure("trap", error_chain(stderr, TRAP_LINE))
    if HOST_TRAP in stderr:
        return Failure("trap", host_trap(stderr))
    if not (OWN_ERROR.search(stderr) and CAUSE.search(stderr)):
        return None  # the guest chose its exit status (wasi:cli/exit, or run returned an error)
    if INSTANTIATE.search(stderr):
        return Failure("instantiate", error_chain(stderr))
    if COMPILE.search(stderr):
        return Failure("compile", error_chain(stderr))
    return Failure("crash", error_chain(stderr))


def usage_error(stderr: str) -> str:
    """The parser's complaint and its cause, without the tips, usage line and help hint."""
    start = stderr.find("error: ")
    kept = []
    for line in stderr[start:].splitlines():
        if line.strip().startswith(("Usage:", "For more information", "Stack backtrace:")):
            break
        if line.strip() and not line.strip().startswith("tip:"):
            kept.append(line.strip())
    return "\n".join(kept)


def host_trap(stderr: str) -> str:
    """The host's reason for a trap: the last numbered cause that is not a backtrace frame."""
    causes = [found.group(0) for found in CAUSE_LINE.finditer(stderr) if not FRAME.match(found.group(0))]
    return causes[-1].split(":", 1)[1].strip() if causes else error_chain(stderr)


def error_chain(stderr: str, focus: re.Pattern[str] | None = None) -> str:
    """wasmtime's `Error: ... Caused by: ...` chain without backtrace frames (or just the focus line)."""
    if focus is not None and (found := focus.search(stderr)):
        return found.group(0).strip()
    start = stderr.find("Error: ")
    chain = stderr[start if start >= 0 else 0 :].split("Stack backtrace:")[0]
    kept = [line.strip() for line in chain.splitlines() if line.strip() and not FRAME.match(line)]
    return "\n".join(kept[:8])
