"""wasmtime's own CLI: `wasmtime run -S http` for clients, `wasmtime serve -S cli` for servers.

Components are compiled once with `wasmtime compile` (Cranelift takes seconds on a large
component) and then run with `--allow-precompiled`, which skips exactly that step.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

from portcheck import cache, procs, provision
from portcheck.engines.interface import Engine, Failure, Invocation, PrepareError

SERVING = re.compile(r"Serving HTTP on http://[^\s/]+:(\d+)/")
TOOL_TIMEOUT = 600.0


def env_flags(env: Mapping[str, str]) -> list[str]:
    return [f"--env={name}={value}" for name, value in env.items()]


class Wasmtime(Engine):
    @functools.cached_property
    def binary(self) -> Path:
        return provision.wasmtime_binary(self.spec.version)

    def provisioned(self) -> bool:
        return provision.wasmtime_location(self.spec.version).exists()

    @property
    def flags(self) -> list[str]:
        """Codegen flags: given to `compile` and again to `run`/`serve`, which insist they match."""
        compiler = ["-C", f"compiler={self.spec.compiler}"] if self.spec.compiler else []
        return [*compiler, *self.spec.flags]

    def read_version(self) -> str:
        finished = procs.run([str(self.binary), "--version"], env={}, timeout=60)
        words = finished.stdout.decode().split()
        version = words[1] if len(words) > 1 else finished.stdout.decode().strip()
        return f"{version} ({self.spec.compiler})" if self.spec.compiler else version

    def artifact(self, component: Path) -> Path:
        """Where the compiled component lives: keyed by its bytes, the exact wasmtime, and the flags."""
        key = cache.digest(cache.file_digest(component), self.version(), *self.flags)
        return cache.root() / "wasmtime" / f"{key}.cwasm"

    def prepare(self, component: Path) -> Path:
        target = self.artifact(component)

        def compile_(temporary: Path) -> None:
            argv = [str(self.binary), "compile", *self.flags, str(component), "-o", str(temporary)]
            finished = procs.run(argv, env={}, timeout=TOOL_TIMEOUT)
            if finished.returncode != 0:
                message = error_chain(finished.stderr.decode("utf-8", "replace"))
                raise PrepareError("compile", message or f"wasmtime compile exited {finished.returncode}")

        return cache.produce(target, compile_)

    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        return Invocation(
            [str(self.binary), *self.run_args(env, ["--allow-precompiled"]), str(prepared)], env={}
        )

    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        argv = [
            str(self.binary),
            *self.serve_args("127.0.0.1:0", env, ["--allow-precompiled"]),
            str(prepared),
        ]
        return Invocation(argv, env={})

    def run_args(self, env: Mapping[str, str], extra: list[str]) -> list[str]:
        return ["run", *extra, *self.flags, "-S", "http", *env_flags(env)]

    def serve_args(self, address: str, env: Mapping[str, str], extra: list[str]) -> list[str]:
        return ["serve", *extra, *self.flags, "-S", "cli", "--addr", address, *env_flags(env)]

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        return Invocation(["wasmtime", *self.run_args(env, []), component], env={})

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        return Invocation(["wasmtime", *self.serve_args(f"127.0.0.1:{port}", env, []), component], env={})

    def listening_port(self, output: str) -> int | None:
        found = SERVING.search(output)
        return int(found.group(1)) if found else None

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        if returncode < 0:
            return Failure("crash", f"wasmtime was killed by signal {-returncode}")
        if "wasm trap" in stderr:
            return Failure("trap", error_chain(stderr, TRAP_LINE))
        if not (OWN_ERROR.search(stderr) and CAUSE.search(stderr)):
            return None  # the guest chose its exit status (wasi:cli/exit, or run returned an error)
        if re.search(
            r"matching implementation was not found|failed to instantiate|no exported instance", stderr
        ):
            return Failure("instantiate", error_chain(stderr))
        if re.search(r"failed to (compile|parse|validate|deserialize)", stderr):
            return Failure("compile", error_chain(stderr))
        return Failure("crash", error_chain(stderr))


# wasmtime's own failures print `Error: ...` followed by its cause chain or backtrace.
OWN_ERROR = re.compile(r"^Error: ", re.M)
CAUSE = re.compile(r"^(Caused by:|Stack backtrace:)", re.M)
TRAP_LINE = re.compile(r"wasm trap: .*")
FRAME = re.compile(r"^\s*\d+: (0x[0-9a-f]+ - |.*::)")


def error_chain(stderr: str, focus: re.Pattern[str] | None = None) -> str:
    """wasmtime's `Error: ... Caused by: ...` chain without backtrace frames (or just the focus line)."""
    if focus is not None and (found := focus.search(stderr)):
        return found.group(0).strip()
    start = stderr.find("Error: ")
    chain = stderr[start if start >= 0 else 0 :].split("Stack backtrace:")[0]
    kept = [line.strip() for line in chain.splitlines() if line.strip() and not FRAME.match(line)]
    return "\n".join(kept[:8])
