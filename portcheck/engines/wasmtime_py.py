"""wasmtime-py: the `wasmtime` Python package's embedding API, in a worker subprocess.

The package (an exact PyPI version, installed with pip --target into portcheck's cache, never
into the user's environment) runs in `wasmtime_py_worker.py`, started with this Python and
that folder alone on PYTHONPATH: portcheck's own process never loads the engine. A component
is compiled once (`Component.serialize()`, into the cache) and deserialized by every run.

Only client scenarios run: the package links wasi:http's types and outgoing-handler, but has
no host for wasi:http/incoming-handler, so there is nothing to serve a server component with.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from portcheck import cache, procs, provision
from portcheck.engines.interface import Engine, Failure, Invocation, PrepareError
from portcheck.engines.wasmtime import TRAP_LINE, env_flags
from portcheck.observations import FailureClass

WORKER = Path(__file__).with_name("wasmtime_py_worker.py")
DEFAULT_VERSION = "50.0.1"  # the wasmtime package on PyPI, when the matrix names no version
ENGINE_FAILURE = 125  # the worker's status when the engine failed (wasmtime_py_worker.ENGINE_FAILURE)
TOOL_TIMEOUT = 600.0
NO_SERVER = (
    "the wasmtime Python package implements only outgoing wasi:http: no incoming-handler host to serve with"
)
# The worker's last stderr line(s) when the engine, not the guest, ended the run.
ENGINE_LINE = re.compile(r"^wasmtime-py: (compile|instantiate|trap|crash): ", re.M)
FRAME = re.compile(r"^\s*\d+:\s+(0x[0-9a-f]+ - |<)")


class WasmtimePy(Engine):
    @property
    def package_version(self) -> str:
        return self.spec.version or DEFAULT_VERSION

    @functools.cached_property
    def folder(self) -> Path:
        """The folder holding the `wasmtime` package (PYTHONPATH of every worker)."""
        return provision.python_package("wasmtime", self.package_version)

    def worker(self, *args: str) -> list[str]:
        return [sys.executable, str(WORKER), *args]

    @property
    def worker_env(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.folder)}

    def read_version(self) -> str:
        finished = procs.run(self.worker("version"), env=self.worker_env, timeout=60)
        version = finished.stdout.decode().strip()
        if finished.returncode != 0 or not version:
            message = procs.tail(finished.stderr.decode("utf-8", "replace"), 3)
            return f"{self.package_version} (wasmtime-py; version check failed: {message})"
        return f"{version} (wasmtime-py)"

    def skip_reason(self, kind: str) -> str | None:
        return NO_SERVER if kind == "server" else None

    def provisioned(self) -> bool:
        return provision.python_package_location("wasmtime", self.package_version).is_dir()

    def repro_files(self) -> list[Path]:
        return [WORKER]

    def prepare(self, component: Path) -> Path:
        key = cache.digest(cache.file_digest(component), self.version(), WORKER.read_bytes())
        target = cache.root() / "wasmtime-py" / f"{key}.cwasm"

        def compile_(temporary: Path) -> None:
            argv = self.worker("compile", str(component), str(temporary))
            finished = procs.run(argv, env=self.worker_env, timeout=TOOL_TIMEOUT)
            if finished.returncode != 0:
                stderr = finished.stderr.decode("utf-8", "replace")
                failure = self.diagnose(finished.returncode or -9, stderr)
                message = failure.message if failure else procs.tail(stderr)
                raise PrepareError(
                    "compile", message or f"the wasmtime-py worker exited {finished.returncode}"
                )

        return cache.produce(target, compile_)

    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        # The component's environment travels as --env flags: exactly `env`, nothing of the worker's.
        return Invocation(
            self.worker("run", "--precompiled", *env_flags(env), str(prepared)), env=self.worker_env
        )

    def server(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        raise NotImplementedError(NO_SERVER)

    def listening_port(self, output: str) -> int | None:
        return None

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        # wasmtime-py has no command line of its own: a person runs portcheck's worker script
        # (portcheck/engines/wasmtime_py_worker.py, copied beside the component) after
        # `pip install wasmtime==VERSION`. A repro folder for this engine needs that script.
        return Invocation(["python3", WORKER.name, "run", *env_flags(env), component], env={})

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        raise NotImplementedError(NO_SERVER)

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        if returncode < 0:
            panic = re.search(r"^thread '.*' panicked at .*\n(.*)", stderr, re.M)
            detail = f": {panic.group(0).strip()}" if panic else ""
            return Failure("crash", f"the wasmtime-py worker was killed by signal {-returncode}{detail}")
        found = list(ENGINE_LINE.finditer(stderr))
        if returncode != ENGINE_FAILURE or not found:
            return None  # the guest chose its exit status (wasi:cli/exit, or run returned an error)
        last = found[-1]
        failure = cast(FailureClass, last.group(1))
        return Failure(failure, engine_message(stderr[last.end() :], failure))


def engine_message(text: str, failure: str) -> str:
    """wasmtime's error chain as the worker printed it, without backtrace frames (or just the trap)."""
    if failure == "trap" and (trap := TRAP_LINE.search(text)):
        return trap.group(0).strip()
    kept = [line.strip() for line in text.splitlines() if line.strip() and not FRAME.match(line)]
    return "\n".join(kept[:8])
