"""The JavaScript twins in the repo-root matrix, on the real wasmtime and jco (componentize-js 0.23.0).

Values asserted are what the engines do today, including the divergences the twins exist to show.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import compared, scenario

pytestmark = pytest.mark.e2e
ENGINES = ("wasmtime", "jco")
STARLINGMONKEY_500 = "ERROR: no fetch-event handler triggered, was one registered?"


def seen(report: dict[str, Any], name: str, engine: str) -> dict[str, Any]:
    return compared(report, name, engine)


def texts(exchanges: list[dict[str, Any]]) -> list[str | None]:
    return [None if e["body"] is None else e["body"]["text"] for e in exchanges]


def test_every_twin_sits_beside_its_python_probe(root_report: tuple[Any, dict[str, Any]]) -> None:
    names = [item["name"] for item in root_report[1]["scenarios"]]
    twins = [name for name in names if name.endswith(".js")]
    assert len(twins) >= 8
    for twin in twins:
        assert names[names.index(twin) - 1] == twin.removesuffix(".js")


def test_portable_clients(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    for name in (
        "client-get-basic.js",
        "client-head-delete.js",
        "client-body-methods.js",
        "client-bodies-large.js",
    ):
        assert scenario(report, name)["verdict"] == "portable", name
    for engine in ENGINES:
        assert seen(report, "client-get-basic.js", engine)["stdout"] == (
            "status: 200\ncontent-type: text/plain; charset=utf-8\nbody: 'hello from the origin\\n'\n"
        )
        requests = seen(report, "client-body-methods.js", engine)["origin_requests"]
        assert [r["method"] for r in requests] == ["POST", "PUT", "PATCH"]
        assert requests[2]["body"]["text"] == '{"method": "PATCH", "n": 1}'
        large = seen(report, "client-bodies-large.js", engine)["origin_requests"]
        assert [len(r["body"]["text"]) for r in large] == [1048576, 1048576]
        refused = seen(report, "client-connection-refused.js", engine)["stdout"]
        assert refused == "fetch rejected: TypeError: NetworkError when attempting to fetch resource\n"


def test_get_set_cookie_gets_one_joined_value_on_jco(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    wasmtime = seen(report, "client-repeated-response-headers.js", "wasmtime")["stdout"]
    assert "set-cookie: a=1; Path=/\nset-cookie: b=2; Path=/\nset-cookie: c=3; Path=/\n" in wasmtime
    jco = seen(report, "client-repeated-response-headers.js", "jco")["stdout"]
    assert "set-cookie: a=1; Path=/,b=2; Path=/,c=3; Path=/\n" in jco
    cell = scenario(report, "client-repeated-response-headers.js")["cells"]["jco"]
    assert cell["verdict"] == "differs" and cell["expected"] == "fail"


def test_request_headers_are_combined_with_commas_on_both(root_report: tuple[Any, dict[str, Any]]) -> None:
    for engine in ENGINES:
        observed = seen(root_report[1], "client-repeated-request-headers.js", engine)
        assert "get x-dup: one, two\nget cookie: a=1, b=2\n" in observed["stdout"]
        headers = {name.lower(): value for name, value in observed["origin_requests"][0]["headers"]}
        assert headers["cookie"] == "a=1, b=2"  # not a cookie-string (RFC 6265): both fail the spec


def test_custom_methods_invalid_ones_go_out_as_get_and_jco_hangs(
    root_report: tuple[Any, dict[str, Any]],
) -> None:
    report = root_report[1]
    wasmtime = seen(report, "client-shape-custom-methods.js", "wasmtime")
    assert [r["method"] for r in wasmtime["origin_requests"]] == ["PURGE", "PATCH", "GET", "GET", "GET"]
    assert "new Request, method 'BAD METHOD': ok\nread back: 'BAD METHOD'\n" in wasmtime["stdout"]
    # jco streams the PURGE's absent body chunked and never ends it, so the request never completes.
    cell = scenario(report, "client-shape-custom-methods.js")["cells"]["jco"]
    assert (cell["verdict"], cell["error_class"]) == ("error", "timeout")
    assert seen(report, "client-shape-custom-methods.js", "jco")["origin_requests"] == []


def test_server_fixed_and_repeated_headers(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    assert scenario(report, "server-fixed-response.js")["verdict"] == "portable"
    for engine in ENGINES:
        [exchange] = seen(report, "server-fixed-response.js", engine)["exchanges"]
        assert (exchange["status"], exchange["body"]["text"]) == (201, "created by the handler\n")
    differences = {
        d["field"]: (d["baseline"], d["engine"])
        for d in scenario(report, "server-repeated-headers.js")["cells"]["jco"]["differences"]
    }
    assert differences == {
        "responses[0].headers[set-cookie]": (["a=1; Path=/", "b=2; Path=/", "c=3; Path=/"], ["c=3; Path=/"])
    }


def test_fetch_event_answers_once_per_instance_on_jco(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    wasmtime = seen(report, "server-life-instance-reuse.js", "wasmtime")["exchanges"]
    assert texts(wasmtime) == ["requests seen by this instance: 1\n"] * 3  # a fresh instance each
    first, *rest = seen(report, "server-life-instance-reuse.js", "jco")["exchanges"]
    assert texts([first]) == ["requests seen by this instance: 1\n"]
    assert [e["status"] for e in rest] == [None, None] and {e["failure"] for e in rest} <= {
        "timeout",
        "no-response",
    }
    get, post = seen(report, "server-echo.js", "wasmtime")["exchanges"]
    assert (
        "method: GET\npath: /echo/path?x=1&y=two\nheader accept: text/plain\nheader x-custom: one, two\n"
        in (get["body"]["text"])
    )
    assert post["body"]["text"].endswith('body: \'{"hello": "world"}\'\n')
    get, post = seen(report, "server-echo.js", "jco")["exchanges"]
    assert get["body"] == seen(report, "server-echo.js", "wasmtime")["exchanges"][0]["body"]
    assert post["status"] is None


def test_throwing_listener_gets_starlingmonkeys_500(root_report: tuple[Any, dict[str, Any]]) -> None:
    report = root_report[1]
    fail, after = seen(report, "server-handler-fails.js", "wasmtime")["exchanges"]
    assert (fail["status"], fail["body"]["text"]) == (500, STARLINGMONKEY_500)
    assert (after["status"], after["body"]["text"]) == (200, "still serving\n")
    fail, after = seen(report, "server-handler-fails.js", "jco")["exchanges"]
    assert (fail["status"], fail["body"]["text"]) == (500, STARLINGMONKEY_500)
    assert after["status"] is None  # the instance's one fetch event is spent
