"""Build each scenario's component once, into the content-addressed cache.

The toolchains by source suffix: the registry is the only list of them. Adding a toolchain is
one module beside these (one class implementing `interface.Toolchain`) and one line in
`BY_SUFFIX`. A scenario with `build = "..."` uses the user's own command instead.
"""

from __future__ import annotations

from pathlib import Path

from portcheck import cache
from portcheck.errors import BuildError
from portcheck.model.scenario import DEFAULT_WASI, Scenario
from portcheck.toolchains.command import BuildCommand
from portcheck.toolchains.componentize_js import ComponentizeJs
from portcheck.toolchains.componentize_py import ComponentizePy
from portcheck.toolchains.interface import Toolchain
from portcheck.toolchains.wat import COMPONENT_LAYER, Wat

BY_SUFFIX: dict[str, type[Toolchain]] = {
    ".py": ComponentizePy,
    ".wat": Wat,
    ".js": ComponentizeJs,
    ".mjs": ComponentizeJs,
}
SUFFIXES = tuple(BY_SUFFIX)
WASM_MAGIC = b"\0asm"


def toolchain_for(scenario: Scenario) -> Toolchain:
    assert scenario.source is not None
    if scenario.build is not None:
        return BuildCommand(scenario.build, scenario.defined_in.parent)
    return BY_SUFFIX[scenario.source.suffix]()


def build_key(toolchain: Toolchain, scenario: Scenario) -> str:
    assert scenario.source is not None
    base = scenario.source.parent
    parts: list[bytes | str] = [toolchain.name, toolchain.version(), scenario.kind, scenario.source.name]
    if scenario.wasi != DEFAULT_WASI:  # 0.2 keys stay as they were, so existing caches stay warm
        parts.append(f"wasi {scenario.wasi}")
    for path in toolchain.inputs(scenario.source):
        parts += [str(path.relative_to(base)) if path.is_relative_to(base) else str(path), path.read_bytes()]
    return cache.digest(*parts)


def check_component(path: Path, what: str) -> None:
    head = path.read_bytes()[:8]
    if head[:4] != WASM_MAGIC:
        raise BuildError(f"{what} is not a WebAssembly binary (it starts with {head!r})")
    if head[4:8] != COMPONENT_LAYER:
        raise BuildError(f"{what} is a core WebAssembly module, not a component")


def component_for(scenario: Scenario) -> Path:
    """The scenario's component: the prebuilt file, or its source built once; raises BuildError."""
    if scenario.component is not None:
        check_component(scenario.component, str(scenario.component))
        return scenario.component
    toolchain = toolchain_for(scenario)
    target = cache.root() / "components" / f"{build_key(toolchain, scenario)}.component.wasm"

    def build(temporary: Path) -> None:
        assert scenario.source is not None
        toolchain.build(scenario.source, scenario.kind, temporary, scenario.wasi)
        check_component(temporary, f"the output of {toolchain.name} for {scenario.source.name}")

    return cache.artifact(target, build)
