"""Process hygiene: however portcheck ends (Ctrl-C, SIGTERM, SIGHUP, SIGKILL, a cell's timeout, an
internal error, success), no engine process outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portcheck.cli import app
from portcheck.harness import execute
from tests.conftest import write_matrix

pytestmark = pytest.mark.e2e


def processes_with(marker: str) -> list[int]:
    """Pids whose command line or environment mentions `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in text:
            found.append(int(entry.name))
    return found


def wait_until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


SPINNING = """
[matrix]
engines = ["wasmtime", "jco"]

[[scenario]]
name = "spin-server"
kind = "server"
source = "spin_server.wat"
timeout = {timeout}
env = {{ MARK = "{marker}" }}
[[scenario.request]]
path = "/"

[[scenario]]
name = "spin-client"
kind = "client"
source = "spin_client.wat"
timeout = {timeout}
env = {{ MARK = "{marker}" }}
"""


def start_spinning(tmp_path: Path, marker: str, timeout: float = 120) -> subprocess.Popen[str]:
    """`portcheck run` on two engines that spin forever, once all four engine processes run."""
    text = SPINNING.format(marker=marker, timeout=timeout)
    matrix = write_matrix(tmp_path, text, "spin_server.wat", "spin_client.wat")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    run = subprocess.Popen(
        [sys.executable, "-m", "portcheck", "run", str(matrix), "--jobs", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until all four engine processes (two servers, two clients) are running.
    if not wait_until(lambda: len(processes_with(marker)) >= 4, 120):
        run.kill()
        raise AssertionError(f"engines did not start: {processes_with(marker)}")
    return run


# How portcheck ends on each signal: 128 + the signal for the ones it handles, killed for SIGKILL.
ENDINGS = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129, signal.SIGKILL: -9}


@pytest.mark.parametrize("signum", list(ENDINGS), ids=lambda signum: signal.Signals(signum).name)
def test_every_way_portcheck_is_stopped_kills_every_engine_process(tmp_path: Path, signum: int) -> None:
    marker = f"portcheck-test-{uuid.uuid4().hex}"
    run = start_spinning(tmp_path, marker)
    try:
        run.send_signal(signum)
        _, stderr = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode == ENDINGS[signum], stderr
    assert "Traceback" not in stderr
    if signum == signal.SIGINT:
        assert "interrupted" in stderr
    assert wait_until(lambda: not processes_with(marker), 5), processes_with(marker)


def test_a_cell_that_times_out_leaves_no_process(tmp_path: Path) -> None:
    marker = f"portcheck-test-{uuid.uuid4().hex}"
    run = start_spinning(tmp_path, marker, timeout=3)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 1, stderr
    assert stdout.count("error (timeout)") >= 2, stdout
    assert processes_with(marker) == []


def test_a_finished_run_leaves_no_process(tmp_path: Path) -> None:
    marker = f"portcheck-test-{uuid.uuid4().hex}"
    matrix = write_matrix(
        tmp_path,
        f"""
[matrix]
engines = ["wasmtime", "jco"]

[[scenario]]
name = "fixed"
kind = "server"
source = "fixed_server.wat"
env = {{ MARK = "{marker}" }}
[[scenario.request]]
path = "/"
""",
        "fixed_server.wat",
    )
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    argv = [sys.executable, "-m", "portcheck", "run", str(matrix)]
    finished = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert processes_with(marker) == []


def test_an_internal_error_leaves_no_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in portcheck while engines run (here: the driver fails once the servers listen)."""
    marker = f"portcheck-test-{uuid.uuid4().hex}"
    matrix = write_matrix(
        tmp_path, SPINNING.format(marker=marker, timeout=120), "spin_server.wat", "spin_client.wat"
    )

    def broken_drive(*_args: object) -> None:
        assert wait_until(lambda: len(processes_with(marker)) >= 2, 60)
        raise RuntimeError("a bug in the driver")

    monkeypatch.setattr(execute, "drive", broken_drive)
    result = CliRunner().invoke(app, ["run", str(matrix), "--jobs", "4"])
    assert result.exit_code == 4, result.output
    assert "internal error: RuntimeError: a bug in the driver" in result.output
    assert wait_until(lambda: not processes_with(marker), 5), processes_with(marker)
