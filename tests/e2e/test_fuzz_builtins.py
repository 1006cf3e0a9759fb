"""The built-ins portcheck fuzz found (and each was checked by hand with `wasmtime run`/`jco run`,
`wasmtime serve`/`jco serve`), on the real engines: what each engine does today.

One portcheck run over these built-ins serves every test.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import compared, run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e
FOUND = (
    "client-errors-chunked-cut-short",
    "client-bodies-content-length-list",
    "client-errors-invalid-status-line",
    "client-repeated-singleton-response-headers",
    "client-bodies-head-with-body",
    "client-fields-hop-by-hop-response",
    "server-request-expect",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("fuzz-builtins")
    builtins = ", ".join(f'"{name}"' for name in FOUND)
    matrix = write_matrix(folder, f'[matrix]\nengines = ["wasmtime", "jco"]\nbuiltins = [{builtins}]\n')
    finished, data = run_json(matrix)
    assert finished.returncode == 1, finished.stderr
    return data


def stdout(report: dict[str, Any], name: str, engine: str) -> str:
    return str(compared(report, name, engine)["stdout"])


def test_a_chunked_body_cut_before_its_first_chunk_crashes_jco(report: dict[str, Any]) -> None:
    name = "client-errors-chunked-cut-short"
    assert "body: b'' (stream-error.last-operation-failed(none))" in stdout(report, name, "wasmtime")
    jco = scenario(report, name)["cells"]["jco"]
    assert jco["verdict"] == "error" and jco["error_class"] == "crash"
    assert "invalid variant tag value" in jco["error"] and "Error: aborted" in jco["error"]


def test_a_content_length_list_is_taken_by_wasmtime_refused_by_jco(report: dict[str, Any]) -> None:
    name = "client-bodies-content-length-list"
    assert "body: b'hello' (closed)" in stdout(report, name, "wasmtime")
    assert stdout(report, name, "jco") == "response: error-code.internal-error\n"


def test_an_invalid_status_line_is_another_error_code_on_each(report: dict[str, Any]) -> None:
    name = "client-errors-invalid-status-line"
    assert stdout(report, name, "wasmtime") == "response: error-code.http-protocol-error\n"
    assert stdout(report, name, "jco") == "response: error-code.internal-error\n"


def test_jco_keeps_one_line_of_a_repeated_singleton_field(report: dict[str, Any]) -> None:
    name = "client-repeated-singleton-response-headers"
    assert "get 'server': [b'one', b'two']" in stdout(report, name, "wasmtime")
    assert "get 'content-type': [b'text/plain', b'text/html']" in stdout(report, name, "wasmtime")
    assert "get 'server': [b'one']" in stdout(report, name, "jco")
    assert "get 'content-type': [b'text/plain']" in stdout(report, name, "jco")


def test_bytes_after_a_head_response_fail_it_on_wasmtime_only(report: dict[str, Any]) -> None:
    name = "client-bodies-head-with-body"
    assert stdout(report, name, "wasmtime") == "response: error-code.http-protocol-error\n"
    assert "status: 200\n" in stdout(report, name, "jco") and "body: b'' (closed)" in stdout(
        report, name, "jco"
    )


def test_wasmtime_hides_hop_by_hop_fields_of_a_response(report: dict[str, Any]) -> None:
    name = "client-fields-hop-by-hop-response"
    wasmtime, jco = stdout(report, name, "wasmtime"), stdout(report, name, "jco")
    assert "entry 'x-plain': b'1'" in wasmtime and "entry 'x-plain': b'1'" in jco
    assert "transfer-encoding" not in wasmtime and "entry 'transfer-encoding': b'chunked'" in jco
    assert "entry 'upgrade'" not in wasmtime and "entry 'upgrade': b'h2c'" in jco


def test_jco_answers_an_unknown_expectation_with_417(report: dict[str, Any]) -> None:
    name = "server-request-expect"
    statuses = {
        engine: [r["status"] for r in compared(report, name, engine)["exchanges"]]
        for engine in ("wasmtime", "jco")
    }
    assert statuses == {"wasmtime": [200, 200, 200], "jco": [417, 417, 200]}
