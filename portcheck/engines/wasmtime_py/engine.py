"""wasmtime-py: the `wasmtime` Python package's embedding API, in a worker subprocess.

The package (an exact PyPI version, installed with pip --target into portcheck's cache, never
into the user's environment) runs in `worker.py`, started with this Python and that folder
alone on PYTHONPATH: portcheck's own process never loads the engine. A component is compiled
once (`Component.serialize()`, into the cache) and deserialized by every run.

Only client scenarios run: the package links wasi:http's types and outgoing-handler, but has
no host for wasi:http/incoming-handler, so there is nothing to serve a server component with.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from portcheck import cache, provision
from portcheck.engines.interface import Engine, Failure, Invocation, Option, PrepareError
from portcheck.engines.wasmtime.engine import env_flags
from portcheck.engines.wasmtime_py import diagnosis
from portcheck.harness import processes
from portcheck.model.scenario import Kind, Scenario

WORKER = Path(__file__).with_name("worker.py")
REPRO_WORKER = "wasmtime_py_worker.py"  # the worker's name in a repro folder
DISTRIBUTION = "wasmtime"
TOOL_TIMEOUT = 600.0
NO_SERVER = (
    "the wasmtime Python package implements only outgoing wasi:http: no incoming-handler host to serve with"
)
# Its linker has add_wasip2() and add_wasi_http() only: a 0.3 client fails to instantiate
# ("component imports instance `wasi:cli/environment@0.3.0`, but a matching implementation was
# not found in the linker", seen with 50.0.1).
NO_WASI_03 = "the wasmtime Python package links WASI 0.2 only (add_wasip2, add_wasi_http): no WASI 0.3 host"


class WasmtimePy(Engine):
    type_name = "wasmtime-py"
    summary = "the embedding API of the `wasmtime` Python package"
    client_command = (
        "the embedding API (`Linker.add_wasip2()`, `add_wasi_http()`) in a worker process; WASI 0.3: skipped"
    )
    server_command = "skipped: the package has no incoming-handler host"
    OPTIONS = (
        Option(
            "version",
            "the `wasmtime` package on PyPI",
            default="50.0.1",
            pattern=r"\d+(\.\d+)*([.-]?\w+)*",
            expected="an exact version such as 50.0.1",
        ),
    )
    unsupported: ClassVar[Mapping[str, str]] = {"server": NO_SERVER}

    def skip_reason(self, scenario: Scenario) -> str | None:
        return NO_WASI_03 if scenario.wasi == "0.3" else super().skip_reason(scenario)

    @property
    def package_version(self) -> str:
        return str(self.option("version"))

    @property
    def folder(self) -> Path:
        """The folder holding the `wasmtime` package (PYTHONPATH of every worker)."""
        return provision.python_package_location(DISTRIBUTION, self.package_version)

    def cached_tools(self) -> list[Path]:
        return [self.folder]

    def provisioned(self) -> bool:
        return self.folder.is_dir()

    def provision(self) -> None:
        provision.python_package(DISTRIBUTION, self.package_version)

    def worker(self, *args: str) -> list[str]:
        return [sys.executable, str(WORKER), *args]

    @property
    def worker_env(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.folder)}

    def read_version(self) -> str:
        finished = processes.run(self.worker("version"), env=self.worker_env, timeout=60)
        version = finished.stdout.decode().strip()
        if finished.returncode != 0 or not version:
            message = processes.tail(finished.stderr.decode("utf-8", "replace"), 3)
            return f"{self.package_version} (wasmtime-py; version check failed: {message})"
        return f"{version} (wasmtime-py)"

    def repro_files(self) -> list[tuple[Path, str]]:
        return [(WORKER, REPRO_WORKER)]

    def prepare(self, component: Path, kind: Kind, wasi: str) -> Path:
        key = cache.digest(cache.file_digest(component), self.version(), WORKER.read_bytes())
        target = cache.root() / "wasmtime-py" / f"{key}.cwasm"

        def compile_(temporary: Path) -> None:
            argv = self.worker("compile", str(component), str(temporary))
            finished = processes.run(argv, env=self.worker_env, timeout=TOOL_TIMEOUT)
            if finished.returncode != 0:
                stderr = finished.stderr.decode("utf-8", "replace")
                failure = self.diagnose(finished.returncode or -9, stderr)
                message = failure.message if failure else processes.tail(stderr)
                raise PrepareError(
                    "compile", message or f"the wasmtime-py worker exited {finished.returncode}"
                )

        return cache.artifact(target, compile_)

    def client(self, prepared: Path, env: Mapping[str, str]) -> Invocation:
        # The component's environment travels as --env flags: exactly `env`, nothing of the worker's.
        return Invocation(
            self.worker("run", "--precompiled", *env_flags(env), str(prepared)), env=self.worker_env
        )

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        # wasmtime-py has no command line of its own: a person runs portcheck's worker script
        # (copied beside the component) after `pip install wasmtime==VERSION`.
        return Invocation(["python3", REPRO_WORKER, "run", *env_flags(env), component], env={})

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return diagnosis.diagnose(returncode, stderr)
