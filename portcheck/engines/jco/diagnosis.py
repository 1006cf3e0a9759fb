"""Why a jco run ended as it did, from its exit status and stderr.

Standard library only: a repro folder carries a copy of this file.
"""

from __future__ import annotations

import re

from portcheck.model.observation import Failure

# The first JavaScript exception the runtime reports; ComponentError is a guest's own error result.
THROWN = re.compile(
    r"^\[?(CompileError|LinkError|RuntimeError|TypeError|RangeError|ReferenceError|Error)\b"
    r"(?!.*ComponentError).*$|^Not a valid .*$",
    re.M,
)


# The runtime refusing its own command line: Node's `node: bad option: --x`, Deno's and Bun's parsers.
BAD_OPTION = re.compile(r"^.*(?:: bad option: |error: unexpected argument |error: unknown option ).*$", re.M)


def diagnose(returncode: int, stderr: str, runtime: str = "node") -> Failure | None:
    if returncode < 0:
        return Failure("crash", f"{runtime} was killed by signal {-returncode}")
    if bad := BAD_OPTION.search(stderr):
        return Failure("options", re.sub(r"^\S*/", "", bad.group(0).strip()))  # no machine paths
    thrown = THROWN.search(stderr)
    if thrown is None:
        return None  # the guest's own exit code, or its run returned an error
    kind, line = thrown.group(1), thrown.group(0).strip().strip("[]")
    if kind == "CompileError":
        return Failure("compile", line)
    if kind == "LinkError" or "Not a valid" in line:
        return Failure("instantiate", line)
    if kind == "RuntimeError":
        return Failure("trap", line)
    return Failure("crash", line)  # an exception inside the JavaScript host itself
