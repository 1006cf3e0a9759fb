"""The built-in server corpus (handler life, fields, bodies, request shape) on the real engines.

One portcheck run serves every test: the values asserted are what wasmtime and jco do today,
including the divergences and spec violations the corpus exists to show.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import compared, run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e
ENGINES = ("wasmtime", "jco")
CORPUS = ("server-life-*", "server-fields-*", "server-bodies-*", "server-request-*")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("server-corpus")
    builtins = ", ".join(f'"{pattern}"' for pattern in CORPUS)
    matrix = write_matrix(folder, f'[matrix]\nengines = ["wasmtime", "jco"]\nbuiltins = [{builtins}]\n')
    finished, data = run_json(matrix)
    assert finished.returncode == 1, finished.stderr  # the corpus finds divergences today
    return data


def exchanges(report: dict[str, Any], name: str, engine: str) -> list[dict[str, Any]]:
    return compared(report, name, engine)["exchanges"]


def bodies(report: dict[str, Any], name: str, engine: str) -> list[str | None]:
    return [None if e["body"] is None else e["body"].get("text") for e in exchanges(report, name, engine)]


def header(exchange: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in exchange["headers"] or [] if key.lower() == name]


def expected(report: dict[str, Any], name: str) -> dict[str, str | None]:
    return {engine: scenario(report, name)["cells"][engine]["expected"] for engine in ENGINES}


def test_every_cell_has_a_verdict(report: dict[str, Any]) -> None:
    names = [item["name"] for item in report["scenarios"]]
    assert len(names) >= 9 and all(name.startswith("server-") for name in names)
    for item in report["scenarios"]:
        assert item["verdict"] in ("portable", "diverges"), item["name"]
        assert item["cells"]["wasmtime"]["verdict"] == "baseline"
        assert item["cells"]["jco"]["verdict"] in ("same", "differs"), item["name"]


# handler life


def test_life_status_codes(report: dict[str, Any]) -> None:
    for engine in ENGINES:  # both accept 600 and 999 and send them: the spec says the call fails
        wire = [
            (e["status"], e["body"]["text"]) for e in exchanges(report, "server-life-status-600-999", engine)
        ]
        assert wire[1] == (600, "set-status-code(600): accepted\nstatus-code(): 600\n")
        assert wire[2][0] == 999
    assert expected(report, "server-life-status-600-999") == {"wasmtime": "fail", "jco": "fail"}
    wasmtime = exchanges(report, "server-life-status-not-3-digit", "wasmtime")
    assert [e["status"] for e in wasmtime] == [200] * 4
    assert wasmtime[0]["body"]["text"] == "set-status-code(99): refused\nstatus-code(): 200\n"
    jco = exchanges(report, "server-life-status-not-3-digit", "jco")  # accepted, then node throws
    assert [e["failure"] for e in jco] == ["no-response", "refused", "refused", "refused"]
    assert expected(report, "server-life-status-not-3-digit") == {"wasmtime": "pass", "jco": "fail"}


def test_life_no_response_and_error_response(report: dict[str, Any]) -> None:
    wasmtime = exchanges(report, "server-life-no-response", "wasmtime")
    assert [(e["status"], e["failure"]) for e in wasmtime] == [(500, None), (200, None)]
    jco = exchanges(report, "server-life-no-response", "jco")
    assert [(e["status"], e["failure"]) for e in jco] == [(None, "timeout"), (200, None)]
    assert expected(report, "server-life-no-response") == {"wasmtime": "pass", "jco": "fail"}
    assert [e["status"] for e in exchanges(report, "server-life-error-response", "wasmtime")] == [
        500,
        500,
        200,
    ]
    jco = exchanges(report, "server-life-error-response", "jco")  # err(...) makes the shim exit
    assert [e["failure"] for e in jco] == ["no-response", "refused", "refused"]
    assert jco[0]["alive_after"] is False


def test_life_trap_mid_body(report: dict[str, Any]) -> None:
    trap, ok = exchanges(report, "server-life-trap-mid-body", "wasmtime")
    # wasmtime ends the chunked body cleanly: the truncated body looks complete
    assert (trap["status"], trap["failure"], trap["framing"]) == (200, None, "chunked")
    assert trap["body"]["text"] == "part of the body\n" and ok["body"]["text"] == "answered\n"
    trap, ok = exchanges(report, "server-life-trap-mid-body", "jco")
    assert (trap["status"], trap["failure"], trap["alive_after"]) == (200, "incomplete", False)
    assert ok["failure"] == "refused"
    assert expected(report, "server-life-trap-mid-body") == {"wasmtime": "fail", "jco": "pass"}


def test_life_instance_reuse_and_concurrency(report: dict[str, Any]) -> None:
    counts = {
        engine: [
            re.sub(r"\D", "", body or "") for body in bodies(report, "server-life-instance-reuse", engine)
        ]
        for engine in ENGINES
    }
    assert counts == {"wasmtime": ["1", "1", "1"], "jco": ["1", "2", "3"]}
    for engine in ENGINES:
        assert bodies(report, "server-life-concurrent", engine) == [
            "path: /c1\n",
            "path: /c2\n",
            "path: /c3\n",
        ]
    assert scenario(report, "server-life-concurrent")["verdict"] == "portable"


# fields


def test_fields_request_repeats_and_immutability(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        [body] = bodies(report, "server-fields-request-repeats", engine)
        assert "get x-dup: ['1', '2']\nget X-DUP: ['1', '2']\nget cookie: ['a=1', 'b=2']\n" in body
        assert "get x-empty: ['']\n" in body
        [body] = bodies(report, "server-fields-immutable-request", engine)
        assert body.startswith("append: header-error.immutable\nset: header-error.immutable\n")
    assert expected(report, "server-fields-immutable-request") == {"wasmtime": "pass", "jco": "pass"}


def test_fields_value_bytes(report: dict[str, Any]) -> None:
    assert bodies(report, "server-fields-value-bytes", "wasmtime") == [
        "x-text hex: 636166c3a920e29895\n",
        "x-text hex: 636166e9\n",
    ]
    # jco decodes the bytes as latin-1 and re-encodes them as UTF-8
    assert bodies(report, "server-fields-value-bytes", "jco") == [
        "x-text hex: 636166c383c2a920c3a2c298c295\n",
        "x-text hex: 636166c3a9\n",
    ]
    assert expected(report, "server-fields-value-bytes") == {"wasmtime": "pass", "jco": "fail"}


def test_fields_case_order_and_hop_by_hop(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        assert bodies(report, "server-fields-name-case", engine) == ["entry name: x-mixed-case\n"]
    [wasmtime] = exchanges(report, "server-fields-name-case", "wasmtime")
    [jco] = exchanges(report, "server-fields-name-case", "jco")
    assert ["x-handler-case", "as-written"] in wasmtime["headers"]
    assert ["X-Handler-Case", "as-written"] in jco["headers"]
    [order] = exchanges(report, "server-fields-order", "jco")
    assert header(order, "x-alpha") == ["4"]  # one value of two reaches the wire
    report_body = bodies(report, "server-fields-hop-by-hop", "wasmtime")[0]
    assert "append transfer-encoding: header-error.forbidden\n" in report_body
    assert "append te: ok\n" in report_body
    jco_body = bodies(report, "server-fields-hop-by-hop", "jco")[0]
    assert (
        "append transfer-encoding: ok\n" in jco_body
        and "append connection: header-error.forbidden\n" in jco_body
    )
    upgrade = exchanges(report, "server-fields-hop-by-hop", "jco")[4]
    assert header(upgrade, "upgrade") == ["websocket"]


# bodies and framing


def test_bodies_large_and_request_pieces(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        [large] = bodies(report, "server-bodies-large", engine)
        assert len(large) == 1024 * 1024 and large == "0123456789abcdef" * 65536
        chunked, whole = bodies(report, "server-bodies-request-pieces", engine)
        assert chunked.startswith("length: 11\nadler32: 1a0b045d\n")
        assert whole.startswith("length: 102400\nadler32: 87fd6d45\n")
    assert "trailer x-req-trailer: yes\n" in bodies(report, "server-bodies-request-pieces", "wasmtime")[0]
    assert "trailers: empty\n" in bodies(report, "server-bodies-request-pieces", "jco")[0]


def test_bodies_length_mismatch(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        short, _, short_report, long_report = exchanges(report, "server-bodies-length-mismatch", engine)
        assert (short["status"], short["failure"], header(short, "content-length")) == (
            200,
            "incomplete",
            ["10"],
        )
        assert "write 5 bytes: ok\nfinish: error-code.http-" in short_report["body"]["text"]
        assert "write 10 bytes: stream-error.last-operation-failed\n" in long_report["body"]["text"]
    wasmtime_long = exchanges(report, "server-bodies-length-mismatch", "wasmtime")[1]
    assert (wasmtime_long["failure"], wasmtime_long["body"]["text"]) == (None, "01234")
    assert exchanges(report, "server-bodies-length-mismatch", "jco")[1]["failure"] == "incomplete"


def test_bodies_no_content_and_empty(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        head, no_content, bare, not_modified = exchanges(report, "server-bodies-no-content", engine)
        assert (no_content["status"], header(no_content, "content-length")) == (204, ["11"])
        assert header(bare, "content-length") == [] and header(bare, "transfer-encoding") == []
        assert header(head, "content-length") == ["11"] and not_modified["status"] == 304
    assert expected(report, "server-bodies-no-content") == {"wasmtime": "fail", "jco": "fail"}
    assert bodies(report, "server-bodies-empty", "wasmtime") == ["", "", "", ""]
    jco = exchanges(report, "server-bodies-empty", "jco")  # never calling body() kills the shim
    assert [e["failure"] for e in jco] == [None, None, None, "no-response"]


def test_bodies_trailers_and_unfinished(report: dict[str, Any]) -> None:
    declared, undeclared, _ = exchanges(report, "server-bodies-trailers", "wasmtime")
    assert declared["trailers"] == [["x-checksum", "abc123"], ["x-trailer-count", "2"]]
    assert undeclared["trailers"] == []  # hyper sends only trailers declared in Trailer
    assert all(e["trailers"] == [] for e in exchanges(report, "server-bodies-trailers", "jco"))
    assert expected(report, "server-bodies-trailers") == {"wasmtime": "pass", "jco": "fail"}
    drop, ok = exchanges(report, "server-bodies-unfinished", "wasmtime")
    assert (drop["failure"], ok["status"]) == ("incomplete", 200)
    drop, ok = exchanges(report, "server-bodies-unfinished", "jco")
    assert (drop["failure"], drop["alive_after"], ok["failure"]) == ("incomplete", False, "refused")


# request shape


def test_request_shape(report: dict[str, Any]) -> None:
    wasmtime = bodies(report, "server-request-shape", "wasmtime")
    jco = bodies(report, "server-request-shape", "jco")
    assert "authority: {server-authority}\npath-with-query: /p?q=1\n" in wasmtime[0]
    assert "authority: {server-authority}\npath-with-query: /p?q=1\n" in jco[0]
    assert "authority: example.com:81\npath-with-query: /abs?x=1\n" in wasmtime[1]
    assert "path-with-query: http://example.com:81/abs?x=1\n" in jco[1]
    assert "authority: example.com:81\n" in wasmtime[2] and "authority: other.example:8080\n" in jco[2]
    assert (
        "path-with-query: /a%20b/../c?x=%zz\n" in wasmtime[3]
        and "path-with-query: /a%20b/../c?x=%zz\n" in jco[3]
    )
    assert [body.splitlines()[0] for body in wasmtime[4:8]] == [
        "method: other(PURGE)",
        "method: other(pUrGe)",
        "method: other(get)",
        "method: other(FROB)",
    ]
    assert jco[4].startswith("method: other(purge)\n")
    assert [e["status"] for e in exchanges(report, "server-request-shape", "jco")[5:8]] == [400, 400, 400]
    for engine in ENGINES:  # two Host lines are served, not rejected with 400
        assert exchanges(report, "server-request-shape", engine)[8]["status"] == 200
    assert expected(report, "server-request-shape") == {"wasmtime": "fail", "jco": "fail"}
