"""portcheck prepares once (wasmtime compile, jco transpile) and then runs the prepared artifact.

These tests check that this sees exactly what the engines' own commands see when run the
naive way: `wasmtime run` / `jco run` on the raw component, and `jco serve`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from portcheck.harness import driver, processes
from portcheck.harness.origin import OriginServer
from portcheck.matrix import builtin_scenarios
from portcheck.model.scenario import ScriptedRequest
from portcheck.toolchains import component_for
from tests.conftest import jco_cli, run_json, scenario, wasmtime_binary, write_matrix

pytestmark = pytest.mark.e2e


def builtin(name: str) -> Any:
    return next(item for item in builtin_scenarios() if item.name == name)


def portcheck_observation(tmp_path: Path, name: str) -> dict[str, Any]:
    matrix = write_matrix(tmp_path, f'[matrix]\nengines = ["wasmtime", "jco"]\nbuiltins = ["{name}"]\n')
    return scenario(run_json(matrix)[1], name)["observations"]


def test_client_matches_wasmtime_run_and_jco_run(tmp_path: Path) -> None:
    probe = builtin("client-get-basic")
    component = component_for(probe)
    observed = portcheck_observation(tmp_path, probe.name)
    assert probe.origin is not None
    with OriginServer(probe.origin) as origin:
        env = {"PORTCHECK_ORIGIN": origin.url, **dict(probe.env)}
        wasmtime = subprocess.run(
            [
                str(wasmtime_binary()),
                "run",
                "-S",
                "http",
                *[f"--env={k}={v}" for k, v in env.items()],
                str(component),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        jco = subprocess.run(
            [*jco_cli(), "run", str(component)], env=env, capture_output=True, text=True, timeout=120
        )
    assert (wasmtime.returncode, wasmtime.stdout) == (
        observed["wasmtime"]["exit_code"],
        observed["wasmtime"]["stdout"],
    )
    assert (jco.returncode, jco.stdout) == (observed["jco"]["exit_code"], observed["jco"]["stdout"])


def test_server_matches_jco_serve(tmp_path: Path) -> None:
    probe = builtin("server-repeated-headers")
    component = component_for(probe)
    observed = portcheck_observation(tmp_path, probe.name)["jco"]["exchanges"][0]
    for _attempt in range(5):  # jco serve takes a port number: pick a free one, retry if taken meanwhile
        with socket.socket() as probe_socket:
            probe_socket.bind(("127.0.0.1", 0))
            port = probe_socket.getsockname()[1]
        argv = [*jco_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), str(component)]
        with processes.Server(argv, env=dict(probe.env, PATH=os.environ["PATH"])) as server:
            if server.wait_for(lambda text: 1 if re.search(r"Server listening", text) else None, 60) is None:
                continue
            assert processes.wait_accepting("127.0.0.1", port, 60, server.alive)
            exchange = driver.send(ScriptedRequest("GET", "/"), "127.0.0.1", port, timeout=60)
            break
    else:
        pytest.fail("jco serve never started")
    cookies = [value for name, value in exchange.headers or [] if name.lower() == "set-cookie"]
    assert cookies == [value for name, value in observed["headers"] if name.lower() == "set-cookie"]
    assert exchange.status == observed["status"]
