"""WASI 0.3 on jco: the component transpiled in JSPI async mode, run on preview3-shim.

jco 1.35.0's `jco run` and `jco serve` transpile without JSPI and serve 0.2 only, so a 0.3
component runs the way jco's own 0.3 tests run one (packages/jco/test/p3/): `jco transpile
--async-mode jspi --async-exports ...` once, then a command's `run` export awaited
(p3_run.mjs, after test/p3/cli-runner.js) or the handler served by preview3-shim's HttpServer
(p3_serve.mjs, which says what bridges the two). The transpiled code imports
@bytecodealliance/preview3-shim next to preview2-shim; both are pinned in package/.

JSPI (WebAssembly.Suspending) is what the async mode needs of the runtime. Seen on this
machine: Node 24.19.0 has it with --experimental-wasm-jspi (which portcheck adds), Node 22.20.0
has not even with the flag, Deno 2.9.8 has it by default (and refuses the flag), Bun 1.4.5 has it
but cannot run preview3-shim.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from portcheck import cache
from portcheck.engines.interface import PrepareError
from portcheck.engines.jco.package import PACKAGE, jco_script
from portcheck.harness import processes
from portcheck.model.scenario import Scenario
from portcheck.provision import distribution_version
from portcheck.provision.node import NODE_DISTRIBUTION, node_binary

RUNNERS = {name: Path(__file__).with_name(name) for name in ("p3_run.mjs", "p3_serve.mjs")}
SCRIPTS = {"client": "p3_run.mjs", "server": "p3_serve.mjs"}
# One transpilation serves both kinds: an async export the component lacks is ignored.
TRANSPILE_OPTIONS = (
    "--async-mode",
    "jspi",
    "--async-exports",
    "wasi:cli/run@0.3.0#run",
    "wasi:http/handler@0.3.0#handle",
)
JSPI_FLAG = "--experimental-wasm-jspi"
FIRST_NODE = 24
MODULE = "component"  # the module name the runner scripts import
TOOL_TIMEOUT = 600.0
NO_BUN = (
    "jco runs WASI 0.3 on preview3-shim, which Bun 1.4.5 cannot run: its worker threads transfer "
    "streams, and Bun refuses them (DataCloneError: Found invalid value in transferList)"
)


def major(version: str | None) -> int:
    found = re.match(r"\d+", version or "")
    return int(found.group()) if found else 0


def skip_reason(scenario: Scenario, runtime: str, version: str | None) -> str | None:
    """Why a jco engine on this runtime cannot run a 0.3 scenario (None: it can, or it is 0.2)."""
    if scenario.wasi != "0.3":
        return None
    if runtime == "bun":
        return NO_BUN
    version = version or (distribution_version(NODE_DISTRIBUTION) if runtime == "node" else None)
    if runtime == "node" and major(version) < FIRST_NODE:
        return (
            f"jco runs WASI 0.3 in JSPI async mode (WebAssembly.Suspending), which Node has from "
            f'{FIRST_NODE} on; this engine runs node {version} (runtime_version = "24.19.0" runs it)'
        )
    return None


def prepare(component: Path, versions: str) -> Path:
    """The 0.3 transpilation, once, under jco's folder (so preview3-shim resolves by walking up).

    Keyed by the component's bytes, jco's and the shims' versions (`versions`), the options and
    the runner scripts.
    """
    runners = [path.read_bytes() for path in RUNNERS.values()]
    key = cache.digest(cache.file_digest(component), versions, *TRANSPILE_OPTIONS, *runners)
    node = node_binary()

    def transpile(temporary: Path) -> None:
        argv = [str(node), str(jco_script()), "transpile", str(component), "--name", MODULE]
        argv += ["--no-typescript", "--quiet", *TRANSPILE_OPTIONS, "-o", str(temporary)]
        finished = processes.run(argv, env={"PATH": str(node.parent)}, timeout=TOOL_TIMEOUT)
        if finished.returncode != 0:
            message = processes.tail((finished.stderr + finished.stdout).decode("utf-8", "replace"))
            raise PrepareError("compile", message or f"jco transpile exited {finished.returncode}")
        (temporary / "package.json").write_text(json.dumps({"type": "module"}))
        for name, path in RUNNERS.items():
            shutil.copyfile(path, temporary / name)

    return cache.artifact(PACKAGE.home / "transpiled-p3" / key, transpile)


def is_p3(prepared: Path) -> bool:
    """Whether a prepared folder is a 0.3 transpilation (it carries the 0.3 runner scripts)."""
    return (prepared / SCRIPTS["client"]).is_file()


def script(prepared: Path, kind: str) -> Path:
    return prepared / SCRIPTS[kind]


def runtime_flags(runtime: str, flags: list[str]) -> list[str]:
    """The runtime's options for a 0.3 run: Node needs JSPI switched on; Deno has it on already."""
    if runtime == "node" and JSPI_FLAG not in flags:
        return [JSPI_FLAG, *flags]
    return flags
