"""Process hygiene: Ctrl-C during a run stops every engine process, and nothing is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

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


def test_ctrl_c_kills_every_engine_process(tmp_path: Path) -> None:
    marker = f"portcheck-test-{uuid.uuid4().hex}"
    matrix = write_matrix(
        tmp_path,
        f"""
[matrix]
engines = ["wasmtime", "jco"]

[[scenario]]
name = "spin-server"
kind = "server"
source = "spin_server.wat"
timeout = 120
env = {{ MARK = "{marker}" }}
[[scenario.request]]
path = "/"

[[scenario]]
name = "spin-client"
kind = "client"
source = "spin_client.wat"
timeout = 120
env = {{ MARK = "{marker}" }}
""",
        "spin_server.wat",
        "spin_client.wat",
    )
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    run = subprocess.Popen(
        [sys.executable, "-m", "portcheck", "run", str(matrix), "--jobs", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until all four engine processes (two servers, two clients) are running.
        assert wait_until(lambda: len(processes_with(marker)) >= 4, 120), processes_with(marker)
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert wait_until(lambda: not processes_with(marker), 5), processes_with(marker)


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
