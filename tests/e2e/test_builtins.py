"""The repo-root matrix on the real wasmtime and jco: observed values, and today's divergences."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import compared, scenario

pytestmark = pytest.mark.e2e
ENGINES = ("wasmtime", "jco")


def observation(report: dict[str, Any], name: str, engine: str) -> dict[str, Any]:
    return compared(report, name, engine)


def body(value: dict[str, Any] | None) -> str | None:
    return None if value is None else value["text"]


def test_report_contract(root_report: tuple[Any, dict[str, Any]]) -> None:
    finished, report = root_report
    assert finished.returncode == 1  # the built-ins find real divergences today
    assert report["baseline"] == "wasmtime"
    assert [engine["name"] for engine in report["engines"]] == list(ENGINES)
    assert all(engine["version"] for engine in report["engines"])
    assert len(report["scenarios"]) >= 10
    for item in report["scenarios"]:
        assert item["kind"] in ("client", "server")
        assert item["verdict"] in ("portable", "diverges", "error")
        wasmtime, jco = item["cells"]["wasmtime"], item["cells"]["jco"]
        if item["name"].startswith("feature-"):  # a core wasm feature an engine may refuse: test_features
            assert {wasmtime["error_class"], jco["error_class"]} <= {None, "compile", "instantiate"}
            continue
        if wasmtime["verdict"] == "error":  # wasmtime traps on the resource rules it enforces
            assert item["name"].startswith("client-resources-") and wasmtime["error_class"] == "trap"
        else:
            assert wasmtime["verdict"] == "baseline"
        assert jco["verdict"] in ("same", "differs", "error")
        if jco["verdict"] == "error":  # jco hangs or crashes on a few probes today: a specific class
            assert jco["error_class"] in ("timeout", "crash", "trap") and jco["error"]
        assert set(item["observations"]) == set(ENGINES)
    json.dumps(report)


def test_get_basic_sees_status_content_type_and_body(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        seen = observation(root_report[1], "client-get-basic", engine)
        assert seen["exit_code"] == 0
        assert seen["stdout"] == (
            "status: 200\ncontent-type: text/plain; charset=utf-8\nbody: 'hello from the origin\\n'\n"
        )
        [request] = seen["origin_requests"]
        assert (request["method"], request["target"]) == ("GET", "/greeting")


def test_repeated_response_headers_divergence(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    wasmtime = observation(report, "client-repeated-response-headers", "wasmtime")["stdout"]
    assert wasmtime.count("\nset-cookie: ") == 3 and wasmtime.count("\nx-order: ") == 2
    jco = observation(report, "client-repeated-response-headers", "jco")["stdout"]
    assert "set-cookie: a=1; Path=/,b=2; Path=/,c=3; Path=/" in jco  # joined into one entry
    cell = scenario(report, "client-repeated-response-headers")["cells"]["jco"]
    assert cell["verdict"] == "differs" and [d["field"] for d in cell["differences"]] == ["stdout"]


def test_connection_refused_variant(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        assert observation(root_report[1], "client-connection-refused", engine)["stdout"] == (
            "error-code: connection-refused\n"
        )


def test_head_and_delete_reach_the_origin(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        seen = observation(root_report[1], "client-head-delete", engine)
        assert [r["method"] for r in seen["origin_requests"]] == ["HEAD", "DELETE"]
        assert "--- HEAD\nstatus: 200\ncontent-length: 11\nbody: ''\nbody length: 0\n" in seen["stdout"]


def test_body_methods_send_body_content_type_and_custom_header(
    root_report: tuple[Any, dict[str, Any]],
) -> None:
    for engine in ENGINES:
        requests = observation(root_report[1], "client-body-methods", engine)["origin_requests"]
        assert [r["method"] for r in requests] == ["POST", "PUT", "PATCH"]
        for request in requests:
            headers = {name.lower(): value for name, value in request["headers"]}
            assert headers["content-type"] == "application/json"
            assert headers["x-portcheck-probe"] == request["method"].lower()
            assert body(request["body"]) == f'{{"method": "{request["method"]}", "n": 1}}'


def test_server_fixed_response(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        [exchange] = observation(root_report[1], "server-fixed-response", engine)["exchanges"]
        assert exchange["status"] == 201
        assert body(exchange["body"]) == "created by the handler\n"
        names = {name.lower(): value for name, value in exchange["headers"]}
        assert names["x-portcheck"] == "fixed" and names["content-type"] == "text/plain"


def test_server_repeated_headers_divergence(root_report: tuple[Any, dict[str, Any]]) -> None:
    cell = scenario(root_report[1], "server-repeated-headers")["cells"]["jco"]
    differences = {d["field"]: (d["baseline"], d["engine"]) for d in cell["differences"]}
    assert differences["responses[0].headers[set-cookie]"] == (
        ["a=1; Path=/", "b=2; Path=/", "c=3; Path=/"],
        ["c=3; Path=/"],
    )
    assert differences["responses[0].headers[x-order]"] == (["first", "second"], ["second"])


def test_server_echo_sees_method_path_headers_and_body(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        get, post = observation(root_report[1], "server-echo", engine)["exchanges"]
        assert "method: GET\npath: /echo/path?x=1&y=two\n" in body(get["body"])
        assert "header x-custom: one\n" in body(get["body"]) and "header x-custom: two\n" in body(get["body"])
        assert "method: POST\n" in body(post["body"]) and 'body: \'{"hello": "world"}\'' in body(post["body"])


def test_server_head_sends_no_body(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        head, get = observation(root_report[1], "server-head", engine)["exchanges"]
        assert (head["status"], body(head["body"])) == (200, "")
        assert body(get["body"]) == "a body the handler always writes\n"


def test_failing_handler_divergence(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    fail, after = observation(report, "server-handler-fails", "wasmtime")["exchanges"]
    assert (fail["status"], fail["alive_after"], after["status"]) == (500, True, 200)
    fail, after = observation(report, "server-handler-fails", "jco")["exchanges"]
    assert (fail["failure"], fail["alive_after"], after["failure"]) == ("no-response", False, "refused")


def test_proxy_reaches_the_origin_and_relays(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        seen = observation(root_report[1], "server-proxy", engine)
        [exchange] = seen["exchanges"]
        assert exchange["status"] == 200 and body(exchange["body"]) == '{"id": 7}'
        assert ["X-Upstream-Status", "203"] in exchange["headers"] or [
            "x-upstream-status",
            "203",
        ] in exchange["headers"]
        [request] = seen["origin_requests"]
        assert request["target"] == "/upstream/item?id=7"
        assert ["x-forwarded-by", "portcheck-proxy"] in [[k.lower(), v] for k, v in request["headers"]]
        assert ["host", "{origin-authority}"] in [[k.lower(), v] for k, v in request["headers"]]


def test_table_output(root_report: tuple[Any, dict[str, Any]]) -> None:
    from tests.conftest import portcheck

    finished = portcheck("run", "matrix.toml")
    assert finished.returncode == 1
    assert "scenario" in finished.stdout and "wasmtime" in finished.stdout and "jco" in finished.stdout
    assert "server-repeated-headers" in finished.stdout and "differs" in finished.stdout
    assert "responses[0].headers[set-cookie]:" in finished.stdout


def test_findings_document_matches_a_fresh_run(
    root_report: tuple[Any, dict[str, Any]], p3_report: tuple[Any, dict[str, Any]]
) -> None:
    """docs/findings.md is portcheck's own output for these matrices on these engines, kept current:
    matrix.toml's document, then matrices/p3.toml's WASI 0.3 section."""
    from portcheck.model.report import Report
    from portcheck.reports.findings import COMMAND, Findings
    from tests.conftest import ROOT

    rendered = "".join(Findings().render(Report.from_json(run[1])) for run in (root_report, p3_report))
    committed = (ROOT / "docs" / "findings.md").read_text()
    assert rendered == committed, f"docs/findings.md is out of date: regenerate it with `{COMMAND}`"
