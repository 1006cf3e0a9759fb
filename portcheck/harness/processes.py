"""Child processes: each in its own process group, with a deadline, and always killed.

A command owns one `Children` for its whole life (`with Children.for_command():`). Every child
it starts is registered there while it runs, and `kill_all` (on Ctrl-C, SIGTERM, SIGHUP, at
exit, and when the command ends) kills every registered group, so a run never leaves an engine
or a server behind. Killing the group rather than the process takes grandchildren with it.

Those paths out all run portcheck's own code; SIGKILL (a CI job's timeout, the OOM killer) runs
none. For that, each child also gets a parent-death signal on Linux, tied to one spawning
thread that lives as long as the interpreter (the kernel fires it when the spawning *thread*
ends), and each command's process groups are listed with a warden (warden.py), a tiny process
that kills them when its pipe from portcheck closes, which the kernel does however portcheck
dies.

The module-level `run` and `Server` start children in the current command's `Children`; code
used outside any command (a test, a benchmark) gets one that lives until the interpreter exits.
Standard library only: a repro folder carries a copy of this file (and of warden.py).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class Interrupted(Exception):
    """portcheck is shutting down; no new child may start."""


class Invocation(NamedTuple):
    """A command line to start: what engines describe, and what this module runs."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path | None = None


WARDEN = Path(__file__).with_name("warden.py")
PR_SET_PDEATHSIG = 1
# Every child is forked by this one thread, which never ends before the interpreter does: a
# parent-death signal set from a pool worker would fire when that worker retired.
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portcheck-spawner")
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
# util-linux's setpriv sets the parent-death signal and execs the command in place (same pid).
# It is preferred to a preexec_fn, which makes Python fork (copying a large process's page tables:
# about 7 ms a spawn at 150 MB) instead of vfork.
SETPRIV = shutil.which("setpriv") if _prctl is not None else None


def _die_with_parent(parent: int) -> Callable[[], None]:
    """What a new child runs before exec: SIGKILL when portcheck (the spawning thread) dies."""

    def arrange() -> None:
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # portcheck died while this child was being forked
                os.kill(os.getpid(), signal.SIGKILL)

    return arrange


_started_here = threading.local()  # per thread: who hears of the children it starts


@contextlib.contextmanager
def reporting_to(listener: Callable[[int], None]) -> Iterator[None]:
    """While the block runs, each child this thread starts is reported to `listener` by pid
    (the scheduler measures what a task's engines use)."""
    previous = getattr(_started_here, "listener", None)
    _started_here.listener = listener
    try:
        yield
    finally:
        _started_here.listener = previous


class Warden:
    """The warden process of one command: told of every process group, kills them if we die."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def _tell(self, line: str) -> None:
        with self._lock:
            try:
                if self._process is None:
                    self._process = subprocess.Popen(
                        [sys.executable, "-I", "-S", str(WARDEN)],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,  # a signal to portcheck's group must not end it first
                    )
                assert self._process.stdin is not None
                self._process.stdin.write(line.encode() + b"\n")
                self._process.stdin.flush()
            except OSError:
                pass  # no warden: the in-process paths out still kill every child

    def watch(self, group: int) -> None:
        self._tell(f"+{group}")

    def forget(self, group: int) -> None:
        self._tell(f"-{group}")

    def close(self) -> None:
        """Every child is gone: let the warden exit."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.communicate(timeout=10)


class Children:
    """The child processes of one command."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[int, subprocess.Popen[bytes]] = {}
        self._closing = False
        self._warden = Warden()

    def spawn(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._closing:
                raise Interrupted("portcheck is stopping")
            process = _spawner.submit(self._popen, argv, env, cwd).result()
            self._live[process.pid] = process
        self._warden.watch(process.pid)  # its process group has the same number
        if listener := getattr(_started_here, "listener", None):
            listener(process.pid)
        return process

    @staticmethod
    def _popen(argv: Sequence[str], env: Mapping[str, str], cwd: Path | None) -> subprocess.Popen[bytes]:
        command = list(argv)
        if SETPRIV is not None:
            # Found here, as Popen would find it, so that a missing program still raises.
            found = (
                shutil.which(command[0], path=env.get("PATH", os.defpath))
                if os.sep not in command[0]
                else (command[0] if os.access(Path(cwd or ".") / command[0], os.X_OK) else None)
            )
            if found is None:
                raise FileNotFoundError(2, "No such file or directory", command[0])
            command = [SETPRIV, "--pdeathsig", "KILL", "--", found, *command[1:]]
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,  # its own process group, out of reach of the terminal's Ctrl-C
            # Without setpriv: safe beside threads, the child only calls prctl before exec.
            preexec_fn=None if SETPRIV is not None else _die_with_parent(os.getpid()),
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """Kill the child's whole process group and reap the child."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with self._lock:
            known = self._live.pop(process.pid, None) is not None
        if known:
            self._warden.forget(process.pid)

    def kill_all(self) -> None:
        """Kill every child still running and refuse new ones."""
        with self._lock:
            self._closing = True
            processes = list(self._live.values())
        for process in processes:
            self.kill(process)
        self._warden.close()

    def live(self) -> int:
        with self._lock:
            return len(self._live)

    @classmethod
    @contextlib.contextmanager
    def for_command(cls) -> Iterator[Children]:
        """A command's children: current while the block runs, all killed when it ends."""
        children = cls()
        _stack.append(children)
        try:
            yield children
        finally:
            children.kill_all()
            _stack.remove(children)


_stack: list[Children] = []  # the running commands' Children, innermost last


def current() -> Children:
    """The running command's children (outside a command: one that lives until exit)."""
    if not _stack:
        fallback = Children()
        _stack.append(fallback)
        atexit.register(fallback.kill_all)
    return _stack[-1]


def kill_everything() -> None:
    for children in list(_stack):
        children.kill_all()


def _on_terminate(signum: int, _frame: object) -> None:
    kill_everything()
    raise SystemExit(128 + signum)


def install_handlers() -> None:
    """Kill children on exit and on SIGTERM/SIGHUP; Ctrl-C arrives as KeyboardInterrupt."""
    atexit.register(kill_everything)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_terminate)


@dataclass
class Finished:
    returncode: int | None  # negative: killed by that signal; None: we killed it at the deadline
    stdout: bytes
    stderr: bytes
    timed_out: bool
    seconds: float


def run(argv: Sequence[str], env: Mapping[str, str], timeout: float, cwd: Path | None = None) -> Finished:
    """Run a child to completion or to its deadline; its whole process group dies either way."""
    children = current()
    started = time.monotonic()
    process = children.spawn(argv, env, cwd)
    timed_out = False
    try:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            children.kill(process)
            stdout, stderr = process.communicate()
    finally:
        children.kill(process)
    return Finished(
        returncode=None if timed_out else process.returncode,
        stdout=stdout,
        stderr=stderr,
        timed_out=timed_out,
        seconds=time.monotonic() - started,
    )


class Server:
    """A long-running child whose output is collected as it arrives.

    Use as a context manager: leaving the block kills the process group.
    """

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> None:
        self.argv, self.env, self.cwd = list(argv), env, cwd
        self._output: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self._changed = threading.Condition()
        self._readers: list[threading.Thread] = []
        self._children = current()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = self._children.spawn(self.argv, self.env, self.cwd)
        for name, stream in (("stdout", self.process.stdout), ("stderr", self.process.stderr)):
            reader = threading.Thread(target=self._read, args=(name, stream), daemon=True)
            reader.start()
            self._readers.append(reader)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _read(self, name: str, stream: object) -> None:
        read = stream.read1  # type: ignore[attr-defined]
        while chunk := read(65536):
            with self._changed:
                self._output[name] += chunk
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def output(self, name: str) -> str:
        with self._changed:
            return self._output[name].decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_for(self, find: Callable[[str], int | None], timeout: float) -> int | None:
        """Wait until `find` recognizes something in stdout+stderr; None if the process exits first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                text = self._output["stdout"].decode("utf-8", "replace") + self._output["stderr"].decode(
                    "utf-8", "replace"
                )
                found = find(text)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.alive():
                    return None
                self._changed.wait(min(remaining, 0.05))

    def wait_exit(self, timeout: float) -> bool:
        """True if the process exited within `timeout` seconds."""
        assert self.process is not None
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self._children.kill(self.process)
            for reader in self._readers:
                reader.join(timeout=5)


def wait_accepting(host: str, port: int, timeout: float, alive: Callable[[], bool]) -> bool:
    """Poll until something accepts TCP connections on host:port (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.01)
    return False


def tail(text: str, lines: int = 12) -> str:
    """The last non-blank lines of a tool's output: where tools put the message that matters."""
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
