"""`portcheck try COMPONENT` on the real engines: one component, no matrix file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from portcheck.matrix import builtin_scenarios
from portcheck.toolchains import component_for
from tests.conftest import compared, make_component, portcheck

pytestmark = pytest.mark.e2e


def builtin_component(name: str, folder: Path) -> Path:
    """The component a built-in scenario runs (built into the cache if need be), as a file of one's own."""
    scenario = next(item for item in builtin_scenarios() if item.name == name)
    return Path(shutil.copyfile(component_for(scenario), folder / f"{name}.wasm"))


def try_json(folder: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    output = folder / "try.json"
    output.unlink(missing_ok=True)
    finished = portcheck("try", *args, "-f", "json", "-o", str(output), cwd=folder)
    assert output.is_file(), finished.stderr
    return finished.returncode, json.loads(output.read_text()), finished.stderr


def exchanges(report: dict[str, Any], engine: str) -> list[dict[str, Any]]:
    return compared(report, report["scenarios"][0]["name"], engine)["exchanges"]


def test_a_portable_server_built_outside_portcheck_and_its_saved_matrix(tmp_path: Path) -> None:
    make_component("fixed_server.wat", tmp_path / "fixed.component.wasm", "server")
    (tmp_path / "body.bin").write_bytes(b"\x00\xffbytes")
    code, report, stderr = try_json(
        tmp_path,
        "fixed.component.wasm",
        *("-r", "POST /items?x=1", "-r", "GET /"),
        *("-H", "X-Trace: a", "-H", "X-Trace: b", "-d", "@body.bin"),
        *("--save", "saved/matrix.toml"),
    )
    assert code == 0, stderr
    [result] = report["scenarios"]
    assert (result["name"], result["kind"], result["verdict"]) == ("fixed", "server", "portable")
    assert [engine["name"] for engine in report["engines"]] == ["wasmtime", "jco"]
    for engine in ("wasmtime", "jco"):
        assert [(e["request"], e["status"], e["body"]["text"]) for e in exchanges(report, engine)] == [
            ("POST /items?x=1", 200, "hello from a wat handler\n"),
            ("GET /", 200, "hello from a wat handler\n"),
        ]
    saved = tmp_path / "saved" / "matrix.toml"
    assert 'component = "../fixed.component.wasm"' in saved.read_text()
    again = tmp_path / "again.json"
    finished = portcheck("run", str(saved), "-f", "json", "-o", str(again), cwd=tmp_path / "saved")
    assert finished.returncode == 0, finished.stderr
    rerun = json.loads(again.read_text())
    assert [s["verdict"] for s in rerun["scenarios"]] == ["portable"]
    assert [e["request"] for e in exchanges(rerun, "jco")] == ["POST /items?x=1", "GET /"]


def test_a_server_setting_a_header_twice_diverges_on_jco(tmp_path: Path) -> None:
    builtin_component("server-repeated-headers", tmp_path)
    code, report, _ = try_json(
        tmp_path, "server-repeated-headers.wasm", "--env", "PORTCHECK_PROBE=repeated_headers"
    )
    assert code == 1
    [result] = report["scenarios"]
    assert result["verdict"] == "diverges" and result["cells"]["jco"]["verdict"] == "differs"
    headers = {engine: exchanges(report, engine)[0]["headers"] for engine in ("wasmtime", "jco")}
    cookies = {
        engine: [value for name, value in lines if name.lower() == "set-cookie"]
        for engine, lines in headers.items()
    }
    assert cookies == {"wasmtime": ["a=1; Path=/", "b=2; Path=/", "c=3; Path=/"], "jco": ["c=3; Path=/"]}


def test_a_client_given_two_set_cookie_lines(tmp_path: Path) -> None:
    builtin_component("client-repeated-response-headers", tmp_path)
    code, report, _ = try_json(
        tmp_path,
        "client-repeated-response-headers.wasm",
        *("--env", "PORTCHECK_PROBE=repeated_response_headers", "--respond", "201"),
        *("-H", "Set-Cookie: a=1", "-H", "X-Order: first", "-H", "Set-Cookie: b=2", "-d", "ok"),
    )
    assert code == 1
    [result] = report["scenarios"]
    assert result["kind"] == "client" and result["cells"]["jco"]["verdict"] == "differs"
    stdout = {engine: result["observations"][engine]["stdout"] for engine in ("wasmtime", "jco")}
    assert stdout["wasmtime"].startswith("status: 201\nset-cookie: a=1\nset-cookie: b=2\nx-order: first\n")
    assert stdout["jco"].startswith("status: 201\nset-cookie: a=1,b=2\nx-order: first\n")
    for engine in ("wasmtime", "jco"):
        assert [r["method"] for r in result["observations"][engine]["origin_requests"]] == ["GET"]


def test_a_component_that_is_neither_gets_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty.wasm").write_bytes(b"\0asm\x0d\x00\x01\x00")  # `(component)`: it exports nothing
    (tmp_path / "core.wasm").write_bytes(b"\0asm\x01\x00\x00\x00")  # `(module)`
    expected = {
        "empty.wasm": "exports neither wasi:cli/run (a client) nor wasi:http/incoming-handler or "
        "wasi:http/handler (a server); "
        "it exports nothing",
        "core.wasm": "it is a core WebAssembly module, not a component",
    }
    for name, message in expected.items():
        finished = portcheck("try", name, cwd=tmp_path)
        assert (finished.returncode, finished.stderr) == (2, f"portcheck: {name}: {message}\n")
