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

from portcheck import cache, procs, provision
from portcheck.engines.interface import Engine, Failure, Invocation, PrepareError

RUNNERS = {name: Path(__file__).with_name(name) for name in ("jco_run.mjs", "jco_serve.mjs")}
LISTENING = re.compile(r"Server listening @ [^\s:]+:(\d+)")
MODULE = "component"  # the name jco gives the transpiled module (jco run uses the file's stem)
TOOL_TIMEOUT = 600.0
# Runtime versions used when a matrix names a runtime without runtime_version (Node: the one
# portcheck depends on). Changing them is a deliberate change, like the jco lock file.
DEFAULT_RUNTIME_VERSIONS = {"bun": "1.4.5", "deno": "2.9.8"}


class Jco(Engine):
    @functools.cached_property
    def home(self) -> Path:
        return provision.jco_home()

    @functools.cached_property
    def node(self) -> Path:
        """The Node that runs jco itself (transpiling); the component may run on another runtime."""
        return provision.node_binary()

    @property
    def runtime_version(self) -> str | None:
        return self.spec.runtime_version or DEFAULT_RUNTIME_VERSIONS.get(self.spec.runtime)

    @functools.cached_property
    def runtime(self) -> Path:
        match self.spec.runtime:
            case "bun":
                return provision.bun_binary(str(self.runtime_version))
            case "deno":
                return provision.deno_binary(str(self.runtime_version))
        return provision.node_binary(self.runtime_version)

    def provisioned(self) -> bool:
        where = {"bun": provision.bun_location, "deno": provision.deno_location}.get(self.spec.runtime)
        runtime = where(str(self.runtime_version)) if where else provision.node_location(self.runtime_version)
        return runtime.exists() and (provision.jco_location() / "node_modules").is_dir()

    @functools.cached_property
    def jco_versions(self) -> str:
        jco = provision.installed_npm_version(self.home, "@bytecodealliance/jco")
        shim = provision.installed_npm_version(self.home, "@bytecodealliance/preview2-shim")
        return f"{jco} (preview2-shim {shim}"

    def read_version(self) -> str:
        output = procs.run([str(self.runtime), "--version"], env={}, timeout=60).stdout.decode().split()
        runtime = (output[1] if self.spec.runtime == "deno" else output[0]).lstrip("v") if output else "?"
        return f"{self.jco_versions}, {self.spec.runtime} {runtime})"

    def artifact(self, component: Path) -> Path:
        """Where the transpiled component lives: keyed by its bytes, jco's versions and the runner scripts.

        Not by runtime: Node, Bun and Deno run the same transpilation. Under jco's own folder, so
        that the runtime finds @bytecodealliance/preview2-shim by walking up.
        """
        runners = [path.read_bytes() for path in RUNNERS.values()]
        return (
            self.home / "transpiled" / cache.digest(cache.file_digest(component), self.jco_versions, *runners)
        )

    def prepare(self, component: Path) -> Path:
        target = self.artifact(component)

        def transpile(temporary: Path) -> None:
            argv = [
                str(self.node),
                str(self.home / "node_modules" / "@bytecodealliance" / "jco" / "dist" / "jco.js"),
                "transpile",
                str(component),
                "--name",
                MODULE,
                "--no-typescript",
                "--quiet",
                "-o",
                str(temporary),
            ]
            finished = procs.run(argv, env={"PATH": str(self.node.parent)}, timeout=TOOL_TIMEOUT)
            if finished.returncode != 0:
                message = procs.tail((finished.stderr + finished.stdout).decode("utf-8", "replace"))
                raise PrepareError("compile", message or f"jco transpile exited {finished.returncode}")
            (temporary / "package.json").write_text(json.dumps({"type": "module"}))
            for name, path in RUNNERS.items():
                shutil.copyfile(path, temporary / name)

        return cache.produce(target, transpile)

    def launch(self, script: Path, env: Mapping[str, str]) -> Invocation:
        """The runtime running a runner script; the component sees `env` (and what the runtime adds)."""
        match self.spec.runtime:
            case "deno":
                argv = [str(self.runtime), "run", "--allow-all", *self.spec.flags, str(script)]
                # Deno keeps a cache of its own; pointing it into ours keeps $HOME untouched.
                env = {**env, "DENO_DIR": str(cache.root() / "deno-dir"), "DENO_NO_UPDATE_CHECK": "1"}
            case _:
                argv = [str(self.runtime), *self.spec.flags, str(script)]
        return Invocation(argv, env=dict(env), cwd=script.parent)

    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        return self.launch(prepared / "jco_run.mjs", env)

    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        return self.launch(prepared / "jco_serve.mjs", env)

    def runtime_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`jco run`/`jco serve` start the runtime named by JCO_RUN_PATH (and JCO_RUN_ARGS)."""
        if self.spec.runtime == "node":
            return dict(env)
        args = {"JCO_RUN_ARGS": "run --allow-all"} if self.spec.runtime == "deno" else {}
        return {**env, "JCO_RUN_PATH": self.spec.runtime, **args}

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        return Invocation(["jco", "run", component], env=self.runtime_env(env))

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        argv = ["jco", "serve", "--host", "127.0.0.1", "--port", str(port), component]
        return Invocation(argv, env=self.runtime_env(env))

    def listening_port(self, output: str) -> int | None:
        found = LISTENING.search(output)
        return int(found.group(1)) if found else None

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        if returncode < 0:
            return Failure("crash", f"node was killed by signal {-returncode}")
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
        return Failure("crash", line)  # an exception inside the JS host itself


# The first JavaScript exception Node reports; ComponentError is a guest's own error result.
THROWN = re.compile(
    r"^\[?(CompileError|LinkError|RuntimeError|TypeError|RangeError|ReferenceError|Error)\b"
    r"(?!.*ComponentError).*$|^Not a valid .*$",
    re.M,
)
