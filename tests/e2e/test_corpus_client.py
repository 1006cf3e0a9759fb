"""The built-in client corpus (fields, repeated headers, errors and time, bodies, request shape)
on the real engines.

One portcheck run over a selection of the corpus serves every test: the values asserted are what
wasmtime and jco do today, including the divergences and spec violations the corpus exists to
show. Scenarios whose jco cell only ends by the scenario timeout are left out but one, to keep
the run short.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import compared, run_json, scenario, write_matrix

pytestmark = pytest.mark.e2e
ENGINES = ("wasmtime", "jco")
CORPUS = (
    "client-fields-*",
    "client-repeated-request-headers",
    "client-repeated-list-response-headers",
    "client-errors-dns-invalid",
    "client-errors-close-mid-body",
    "client-errors-connect-timeout",
    "client-errors-first-byte-timeout",
    "client-errors-timeout-defaults",
    "client-bodies-large",
    "client-bodies-no-content-statuses",
    "client-bodies-response-trailers",
    "client-bodies-request-trailers-declared",
    "client-bodies-body-twice",
    "client-shape-custom-methods",
    "client-shape-path-valid",
    "client-shape-host-header",
    "client-shape-authority-ipv6",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("client-corpus")
    builtins = ", ".join(f'"{pattern}"' for pattern in CORPUS)
    matrix = write_matrix(folder, f'[matrix]\nengines = ["wasmtime", "jco"]\nbuiltins = [{builtins}]\n')
    finished, data = run_json(matrix)
    assert finished.returncode == 1, finished.stderr  # the corpus finds divergences today
    return data


def seen(report: dict[str, Any], name: str, engine: str) -> dict[str, Any]:
    return compared(report, name, engine)


def stdout(report: dict[str, Any], name: str, engine: str) -> str:
    return str(seen(report, name, engine)["stdout"])


def requests(report: dict[str, Any], name: str, engine: str) -> list[dict[str, Any]]:
    return list(seen(report, name, engine)["origin_requests"])


def header(request: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in request["headers"] if key.lower() == name]


def expected(report: dict[str, Any], name: str) -> dict[str, str | None]:
    return {engine: scenario(report, name)["cells"][engine]["expected"] for engine in ENGINES}


def test_every_cell_has_a_verdict(report: dict[str, Any]) -> None:
    names = [item["name"] for item in report["scenarios"]]
    assert len(names) >= 20 and all(name.startswith("client-") for name in names)
    for item in report["scenarios"]:
        assert item["verdict"] in ("portable", "diverges", "error"), item["name"]
        assert item["cells"]["wasmtime"]["verdict"] == "baseline", item["name"]
        assert item["observations"]["wasmtime"]["failure"] is None, item["name"]
        jco = item["cells"]["jco"]
        assert jco["verdict"] in ("same", "differs", "error"), item["name"]
        assert jco["verdict"] != "error" or jco["error_class"], item["name"]


# fields


def test_fields_forbidden_names(report: dict[str, Any]) -> None:
    def forbidden(engine: str) -> list[str]:
        lines = stdout(report, "client-fields-forbidden", engine).splitlines()
        return [
            line.split()[1].rstrip(":") for line in lines if line.startswith("set ") and "forbidden" in line
        ]

    assert forbidden("wasmtime") == [
        "connection",
        "keep-alive",
        "host",
        "transfer-encoding",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
        "http2-settings",
    ]
    assert forbidden("jco") == ["connection", "keep-alive", "host"]
    for engine in ENGINES:  # set, append and from-list agree with each other on every name
        out = stdout(report, "client-fields-forbidden", engine)
        assert "set te: ok\nappend te: ok\nfrom-list te: ok\n" in out
        assert "append host: forbidden\nfrom-list host: forbidden\n" in out


def test_fields_name_case_in_entries_and_on_the_wire(report: dict[str, Any]) -> None:
    name = "client-fields-name-case"
    assert "entry x-mixed-case: 1\nentry x-mixed-case: 4\nentry x-lower: 2\n" in stdout(
        report, name, "wasmtime"
    )
    assert "entry X-MiXeD-Case: 1\nentry x-lower: 2\nentry X-UPPER: 3\nentry x-MIXED-case: 4\n" in stdout(
        report, name, "jco"
    )
    [wasmtime] = requests(report, name, "wasmtime")
    [jco] = requests(report, name, "jco")
    assert [key for key, _ in wasmtime["headers"]][1:] == [
        "x-mixed-case",
        "x-mixed-case",
        "x-lower",
        "x-upper",
    ]
    assert [key for key, _ in jco["headers"]][1:5] == ["X-MiXeD-Case", "X-MiXeD-Case", "x-lower", "X-UPPER"]
    assert expected(report, name) == {"wasmtime": "fail", "jco": "pass"}  # wasmtime lower-cases names


def test_fields_odd_values(report: dict[str, Any]) -> None:
    name = "client-fields-odd-values"
    wasmtime = stdout(report, name, "wasmtime")
    assert "append x-utf8: ok\n" in wasmtime and "append x-obs: ok\n" in wasmtime
    assert "response x-latin: [b'caf\\xe9']\n" in wasmtime
    [request] = requests(report, name, "wasmtime")
    assert header(request, "x-utf8") == ["café ☕"] and header(request, "x-obs") == ["caf\udce9"]
    jco = stdout(report, name, "jco")
    assert "append x-utf8: invalid-syntax\n" in jco and "append x-obs: invalid-syntax\n" in jco
    assert "response x-latin: [b'caf\\xc3\\xa9']\n" in jco  # the latin-1 byte comes back re-encoded
    assert expected(report, name) == {"wasmtime": "pass", "jco": "fail"}


def test_fields_invalid_and_get_has_agree_with_the_wit(report: dict[str, Any]) -> None:
    for name in ("client-fields-invalid", "client-fields-get-has"):
        assert expected(report, name) == {"wasmtime": "pass", "jco": "pass"}
        assert scenario(report, name)["verdict"] == "portable"
    assert "append name 'bad:name': invalid-syntax\n" in stdout(report, "client-fields-invalid", "jco")


def test_fields_immutable(report: dict[str, Any]) -> None:
    name = "client-fields-immutable"
    assert "response append: immutable\n" in stdout(report, name, "wasmtime")
    assert "response append: ok\nresponse set: ok\nresponse delete: ok\n" in stdout(report, name, "jco")
    [wasmtime] = requests(report, name, "wasmtime")
    [jco] = requests(report, name, "jco")
    assert header(wasmtime, "x-after") == []
    assert header(jco, "x-after") == ["2"]  # appended to a clone, yet sent with the request
    assert expected(report, name) == {"wasmtime": "pass", "jco": "fail"}


# repeated headers


def test_repeated_request_headers_on_the_wire(report: dict[str, Any]) -> None:
    name = "client-repeated-request-headers"
    [wasmtime] = requests(report, name, "wasmtime")
    [jco] = requests(report, name, "jco")
    assert header(wasmtime, "x-dup") == ["one", "two"] and header(wasmtime, "cookie") == ["a=1", "b=2"]
    assert header(jco, "x-dup") == ["one", "two"] and header(jco, "cookie") == ["a=1; b=2"]
    assert expected(report, name) == {"wasmtime": "pass", "jco": "pass"}


def test_repeated_list_response_headers(report: dict[str, Any]) -> None:
    name = "client-repeated-list-response-headers"
    assert stdout(report, name, "wasmtime").startswith("vary: Accept\nvary: Accept-Encoding\n")
    assert stdout(report, name, "jco").startswith(
        "vary: Accept, Accept-Encoding\ncache-control: no-cache, max-age=0\n"
    )
    assert scenario(report, name)["cells"]["jco"]["verdict"] == "differs"
    assert expected(report, name) == {"wasmtime": "pass", "jco": "pass"}  # RFC 9110 5.3 allows both


# errors and time


def test_dns_invalid_name(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        assert stdout(report, "client-errors-dns-invalid", engine).startswith("error-code: dns-error(")
        assert requests(report, "client-errors-dns-invalid", engine) == []


def test_close_mid_body(report: dict[str, Any]) -> None:
    name = "client-errors-close-mid-body"
    assert stdout(report, name, "wasmtime") == (
        "status: 200\nbody read: '0123456789'\nbody end: last-operation-failed\n"
        "stream error-code: none\ntrailers: none\n"
    )
    # jco drops the half body it received, then fails inside http-error-code
    assert stdout(report, name, "jco") == "status: 200\nbody read: ''\nbody end: last-operation-failed\n"
    assert seen(report, name, "jco")["exit_code"] != 0


def test_timeouts(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        assert stdout(report, "client-errors-connect-timeout", engine) == (
            "set-connect-timeout: ok\nread back: 300000000\nerror-code: connection-timeout\n"
        )
    first_byte = "client-errors-first-byte-timeout"
    assert stdout(report, first_byte, "wasmtime").endswith("error-code: connection-read-timeout\n")
    cell = scenario(report, first_byte)["cells"]["jco"]  # jco accepts the option and ignores it
    assert (cell["verdict"], cell["error_class"]) == ("error", "timeout")
    assert stdout(report, first_byte, "jco") == "set-first-byte-timeout: ok\nread back: 300000000\n"


def test_timeout_defaults(report: dict[str, Any]) -> None:
    defaults = {"wasmtime": "None", "jco": "600000000000"}  # jco: 600 s for each of the three
    for engine, default in defaults.items():
        lines = stdout(report, "client-errors-timeout-defaults", engine).splitlines()
        assert lines[:3] == [
            f"{name}-timeout of a new request-options: {default}"
            for name in ("connect", "first-byte", "between-bytes")
        ]
        assert lines[3:] == [
            f"set-{name}-timeout: ok, read back 300000000"
            for name in ("connect", "first-byte", "between-bytes")
        ] + ["status: 200"]


# bodies and framing


def test_large_body_arrives_whole(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        declared, undeclared = requests(report, "client-bodies-large", engine)
        assert declared["framing"] == "content-length" and undeclared["framing"] == "chunked"
        assert declared["body"]["text"] == undeclared["body"]["text"] == "0123456789abcdef" * 65536
    assert expected(report, "client-bodies-large") == {"wasmtime": "pass", "jco": "pass"}


def test_no_content_statuses(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        out = stdout(report, "client-bodies-no-content-statuses", engine)
        assert "status: 204\nbody: ''\n" in out and out.endswith(
            "--- GET /after\nstatus: 200\nbody: 'after'\n"
        )


def test_trailers(report: dict[str, Any]) -> None:
    name = "client-bodies-response-trailers"
    assert "trailers: [('x-checksum', 'abc')]\n" in stdout(report, name, "wasmtime")
    assert "body: 'hello' (closed)\ntrailers: []\n" in stdout(report, name, "jco")  # the trailer is lost
    assert expected(report, name) == {"wasmtime": "pass", "jco": "fail"}
    sent = "client-bodies-request-trailers-declared"
    [request] = requests(report, sent, "wasmtime")
    assert (request["framing"], request["trailers"]) == ("chunked", [["x-checksum", "abc"]])
    assert stdout(report, sent, "jco") == "write: ok\nfinish: internal-error\n"
    assert requests(report, sent, "jco") == []


def test_body_and_consume_twice(report: dict[str, Any]) -> None:
    name = "client-bodies-body-twice"
    assert "second consume(): err\n" in stdout(report, name, "jco")
    assert "second body(): err\n" in stdout(report, name, "wasmtime")
    assert "second body()" not in stdout(report, name, "jco")  # jco throws instead of returning err
    assert expected(report, name) == {"wasmtime": "pass", "jco": "fail"}


# request shape


def test_custom_methods(report: dict[str, Any]) -> None:
    name = "client-shape-custom-methods"
    assert [r["method"] for r in requests(report, name, "wasmtime")] == ["PURGE", "pAtCh"]
    assert [r["method"] for r in requests(report, name, "jco")] == ["PURGE", "PATCH"]
    for engine in ENGINES:
        assert "set-method 'BAD METHOD': err\nset-method '': err\n" in stdout(report, name, engine)
    assert expected(report, name) == {"wasmtime": "pass", "jco": "fail"}


def test_paths(report: dict[str, Any]) -> None:
    name = "client-shape-path-valid"
    targets = [r["target"] for r in requests(report, name, "wasmtime")]
    assert targets[0] == "/?x=1" and targets[1:3] == ["/a%20b?x=1&y=%41", "/p;v=1/q?a=b&a=c&e="]
    assert targets[4] == "/dots/../x/./y" and len(targets) == 5  # path none is rejected
    assert requests(report, name, "jco")[0]["target"] == "?x=1"  # not a valid origin-form
    assert expected(report, name) == {"wasmtime": "fail", "jco": "fail"}


def test_host_header(report: dict[str, Any]) -> None:
    for engine in ENGINES:
        default, custom = requests(report, "client-shape-host-header", engine)
        assert header(default, "host") == header(custom, "host") == ["{origin-authority}"]
        assert "append host: err\n" in stdout(report, "client-shape-host-header", engine)
    assert expected(report, "client-shape-host-header") == {"wasmtime": "pass", "jco": "pass"}


def test_ipv6_authority(report: dict[str, Any]) -> None:
    name = "client-shape-authority-ipv6"
    [request] = requests(report, name, "wasmtime")
    assert header(request, "host") == ["{origin-authority}"]
    assert stdout(report, name, "jco") == "set-authority [::1]:port: err\n"
    assert expected(report, name) == {"wasmtime": "pass", "jco": "fail"}
