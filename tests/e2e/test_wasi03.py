"""WASI 0.3 on the real engines: matrices/p3.toml, run once for the session (the `p3_report` fixture).

wasmtime 49 and jco (JSPI on Node 24 and on Deno) give real verdicts; engines that cannot run 0.3
skip with their reason; each 0.3 scenario is compared with its 0.2 twin on every engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import compared, scenario

pytestmark = pytest.mark.e2e
P3 = tuple[Any, dict[str, Any]]


def cell(report: dict[str, Any], name: str, engine: str) -> dict[str, Any]:
    return scenario(report, name)["cells"][engine]


def p3_names(report: dict[str, Any]) -> list[str]:
    return [item["name"] for item in report["scenarios"] if item["wasi"] == "0.3"]


def test_wasmtime_and_jco_give_real_verdicts_on_wasi_03(p3_report: P3) -> None:
    finished, report = p3_report
    assert finished.returncode == 1, finished.stderr  # jco diverges on some 0.3 scenarios
    names = p3_names(report)
    assert len(names) >= 10
    for name in names:
        assert cell(report, name, "wasmtime")["verdict"] == "baseline"
        assert scenario(report, name)["observations"]["wasmtime"]["failure"] is None, name
    for engine in ("jco", "jco-deno"):
        verdicts = {cell(report, name, engine)["verdict"] for name in names}
        assert {"same", "differs"} <= verdicts and "skipped" not in verdicts, engine
    assert cell(report, "p3-server-fixed-response", "jco")["verdict"] == "same"


def test_the_observations_are_the_engines_own(p3_report: P3) -> None:
    _, report = p3_report
    wasmtime = compared(report, "p3-server-repeated-headers", "wasmtime")["exchanges"][0]
    jco = compared(report, "p3-server-repeated-headers", "jco")["exchanges"][0]
    cookies = [value for name, value in wasmtime["headers"] if name.lower() == "set-cookie"]
    assert cookies == ["a=1; Path=/", "b=2; Path=/", "c=3; Path=/"]
    assert [value for name, value in jco["headers"] if name.lower() == "set-cookie"] == ["c=3; Path=/"]
    failing = compared(report, "p3-server-handler-fails", "jco")["exchanges"]
    assert [exchange["failure"] for exchange in failing] == ["no-response", "refused"]
    assert [e["status"] for e in compared(report, "p3-server-handler-fails", "wasmtime")["exchanges"]] == [
        500,
        200,
    ]
    refused = compared(report, "p3-client-connection-refused", "jco")
    assert refused["stdout"] == "error-code: connection-refused\n"


def test_engines_that_cannot_run_wasi_03_skip_with_their_reason(p3_report: P3) -> None:
    _, report = p3_report
    reasons = {
        "jco-node22": "which Node has from 24 on; this engine runs node 22.20.0",
        "wasmtime-lts": "wasmtime 36.0.9 cannot run WASI 0.3.0 components",
        "wasmtime-py": "links WASI 0.2 only",
        "jco-bun": "which Bun 1.4.5 cannot run",
    }
    for engine, reason in reasons.items():
        for name in p3_names(report):
            assert cell(report, name, engine)["verdict"] == "skipped"
            assert reason in cell(report, name, engine)["reason"], (engine, name)
        twin = scenario(report, "client-get-basic")["cells"][engine]
        assert twin["verdict"] == "same", engine  # the same engines run the 0.2 twin


def test_each_wasi_03_scenario_is_compared_with_its_twin(p3_report: P3) -> None:
    _, report = p3_report
    pairs = [item for item in report["scenarios"] if item["twin"]]
    compared_on_both = [
        item
        for item in pairs
        if all(item["twin"]["cells"][e]["verdict"] != "unavailable" for e in ("wasmtime", "jco"))
    ]
    assert len(compared_on_both) >= 5
    echo = scenario(report, "p3-server-echo")["twin"]
    assert echo["name"] == "server-echo" and echo["cells"]["wasmtime"]["verdict"] == "same"
    dropped = scenario(report, "p3-client-repeated-request-headers")["twin"]["cells"]["jco"]
    assert dropped["verdict"] == "differs"
    assert {
        "field": "origin.requests[0].headers[cookie]",
        "baseline": ["a=1; b=2"],
        "engine": ["b=2"],
    } in dropped["differences"]
    assert scenario(report, "p3-client-get-basic")["twin"]["cells"]["jco-node22"]["verdict"] == "unavailable"
