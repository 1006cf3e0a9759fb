"""Python guests, built with componentize-py against the world for the scenario's kind."""

from __future__ import annotations

from pathlib import Path

from portcheck import provision
from portcheck.errors import BuildError
from portcheck.harness import processes
from portcheck.model.scenario import DEFAULT_WASI, Kind
from portcheck.toolchains.interface import Toolchain
from portcheck.toolchains.wit import world_dir, world_name, worlds_for

BUILD_TIMEOUT = 600.0


class ComponentizePy(Toolchain):
    name = "componentize-py"

    def version(self) -> str:
        return provision.distribution_version("componentize-py")

    def inputs(self, source: Path) -> list[Path]:
        """The source and the Python modules and packages beside it, which it may import."""
        folder = source.parent
        found = {source, *folder.glob("*.py")}
        for init in folder.glob("*/**/__init__.py"):
            found.update(init.parent.glob("*.py"))
        return sorted(found)

    def build(self, source: Path, kind: Kind, output: Path, wasi: str = DEFAULT_WASI) -> None:
        argv = [
            *provision.componentize_py_command(),
            "--wit-path",
            str(world_dir(*worlds_for(wasi))),
            "--world",
            world_name(kind),
            "--quiet",
            "componentize",
            "--python-path",
            str(source.parent),
            source.stem,
            "--output",
            str(output),
        ]
        finished = processes.run(argv, env=provision.tool_env(), timeout=BUILD_TIMEOUT, cwd=source.parent)
        if finished.returncode != 0:
            message = processes.tail((finished.stderr + finished.stdout).decode("utf-8", "replace"))
            raise BuildError(
                f"componentize-py failed on {source.name}: {message or 'exit ' + str(finished.returncode)}"
            )
