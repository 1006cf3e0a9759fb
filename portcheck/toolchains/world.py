"""What a built component is: a client (it exports wasi:cli/run) or a server (wasi:http/incoming-handler,
or wasi:http/handler in WASI 0.3), and the WASI version of those exports.

Read from the component's own world as `wasm-tools component wit` prints it: the pinned
wasm-tools knows every form the component binary format takes (nested components, type
ascriptions, versions), which a hand-written reader of the export section would have to track.
"""

from __future__ import annotations

import re
from pathlib import Path

from portcheck import provision
from portcheck.errors import BuildError, InputError
from portcheck.harness import processes
from portcheck.model.scenario import Kind
from portcheck.toolchains import check_component

EXPORTS: dict[Kind, str] = {"client": "wasi:cli/run", "server": "wasi:http/incoming-handler"}
P3_EXPORTS: dict[Kind, str] = {"client": "wasi:cli/run", "server": "wasi:http/handler"}  # WASI 0.3
TOOL_TIMEOUT = 60.0
# The component's own world is printed first; the packages it uses follow it.
WORLD = re.compile(r"^world [^{}\n]+\{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
EXPORT = re.compile(r"^  export ([\w.-]+:[\w.-]+/[\w.-]+)(?:@([^;\s]+))?;$", re.MULTILINE)


def exported_interfaces(component: Path) -> list[str]:
    """The interfaces the component exports, without versions (`wasi:cli/run`)."""
    return [name for name, _ in versioned_exports(component)]


def component_wasi(component: Path) -> str:
    """ "0.3" when the component exports a WASI 0.3 interface (wasi:cli/run@0.3.0, ...), else "0.2"."""
    return "0.3" if any(version.startswith("0.3") for _, version in versioned_exports(component)) else "0.2"


def versioned_exports(component: Path) -> list[tuple[str, str]]:
    """The interfaces the component exports, with their versions ("" for none)."""
    if not component.is_file():
        raise InputError(component, "", "no such file")
    try:
        check_component(component, "it")
    except BuildError as error:
        raise InputError(component, "", str(error)) from None
    finished = processes.run(
        [str(provision.wasm_tools_binary()), "component", "wit", str(component)],
        env=provision.tool_env(),
        timeout=TOOL_TIMEOUT,
    )
    output = finished.stdout.decode("utf-8", "replace")
    world = WORLD.search(output)
    if finished.returncode != 0 or world is None:
        message = processes.tail(finished.stderr.decode("utf-8", "replace"), 1) or "no world printed"
        raise InputError(component, "", f"wasm-tools cannot read its world: {message}")
    return [(name, version) for name, version in EXPORT.findall(world.group(1))]


def component_kind(component: Path, wanted: Kind | None = None) -> Kind:
    """client or server, from what the component exports; `wanted` chooses when it exports both."""
    exports = exported_interfaces(component)
    kinds = [kind for kind in EXPORTS if EXPORTS[kind] in exports or P3_EXPORTS[kind] in exports]
    if not kinds:
        found = ", ".join(exports) or "nothing"
        raise InputError(
            component,
            "",
            f"exports neither {EXPORTS['client']} (a client) nor {EXPORTS['server']} or "
            f"{P3_EXPORTS['server']} (a server); "
            f"it exports {found}",
        )
    if wanted is not None and wanted not in kinds:
        raise InputError("--kind", wanted, f"{component} does not export {EXPORTS[wanted]}")
    if wanted is None and len(kinds) > 1:
        raise InputError(
            component, "", f"exports both {EXPORTS['client']} and {EXPORTS['server']}: choose with --kind"
        )
    return wanted or kinds[0]
