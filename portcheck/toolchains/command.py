"""The user's own compiler: `build = "any command {source} {output}"`, run by the shell."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from portcheck.errors import BuildError
from portcheck.harness import processes
from portcheck.model.scenario import DEFAULT_WASI, Kind
from portcheck.toolchains.interface import Toolchain

BUILD_TIMEOUT = 900.0


class BuildCommand(Toolchain):
    name = "command"

    def __init__(self, command: str, cwd: Path) -> None:
        self.command, self.cwd = command, cwd

    def version(self) -> str:
        # The command line is the best identity we have for someone else's compiler; its own
        # version is not known to us, so a compiler upgrade needs `portcheck cache clear`.
        return self.command

    def build(self, source: Path, kind: Kind, output: Path, wasi: str = DEFAULT_WASI) -> None:
        line = self.command.replace("{source}", shlex.quote(str(source))).replace(
            "{output}", shlex.quote(str(output))
        )
        env = dict(os.environ, PORTCHECK_KIND=kind, PORTCHECK_WASI=wasi)
        finished = processes.run(["/bin/sh", "-c", line], env=env, timeout=BUILD_TIMEOUT, cwd=self.cwd)
        if finished.timed_out:
            raise BuildError(f"build command timed out after {BUILD_TIMEOUT:.0f} s: {line}")
        if finished.returncode != 0:
            message = processes.tail((finished.stderr + finished.stdout).decode("utf-8", "replace"), 6)
            raise BuildError(
                f"build command exited {finished.returncode}: {line}" + (f": {message}" if message else "")
            )
        if not output.is_file():
            raise BuildError(f"build command wrote nothing to {{output}}: {line}")
