"""A report built in memory, with a cell of every kind: what the format unit tests render."""

from __future__ import annotations

from portcheck.model.observation import Exchange, Observation, RecordedRequest
from portcheck.model.report import Cell, Checked, Difference, EngineInfo, Report, ScenarioResult
from portcheck.model.scenario import Known

ORIGIN = "http://127.0.0.1:40001"
COOKIES = ["a=1", "b=2"]
HOSTILE = "<script>alert(1)</script> | `tick` \x1b[31m \udcff"


def server_result() -> ScenarioResult:
    """A server scenario where jco keeps only the last Set-Cookie, and the spec says so."""
    lines = [("Set-Cookie", value) for value in COOKIES]
    wasmtime = Exchange(
        "GET /", 200, "OK", lines, HOSTILE.encode("utf-8", "surrogateescape"), "content-length"
    )
    jco = Exchange("GET /", 200, "OK", lines[-1:], HOSTILE.encode("utf-8", "surrogateescape"), "chunked")
    field = "responses[0].headers[set-cookie]"
    spec = "RFC 6265 3: SHOULD NOT fold"
    return ScenarioResult(
        name="server-cookies",
        kind="server",
        description="Two Set-Cookie | lines",
        verdict="diverges",
        cells={
            "wasmtime": Cell(
                "baseline",
                expected="pass",
                expectations=[Checked(field, "equals", COOKIES, COOKIES, spec, True)],
            ),
            "jco": Cell(
                "differs",
                [Difference(field, COOKIES, COOKIES[-1:])],
                notes=["responses[0].framing: differs (transport detail, not compared)"],
                expected="fail",
                expectations=[Checked(field, "equals", COOKIES, COOKIES[-1:], spec, False, "must")],
                failed_level="must",
            ),
            "wasmtime-py": Cell("skipped", reason="no incoming-handler host"),
        },
        observations={
            "wasmtime": Observation(
                "server", exchanges=[wasmtime], endpoints=[("{server-authority}", "127.0.0.1:5")]
            ),
            "jco": Observation("server", exchanges=[jco]),
            "wasmtime-py": Observation("server", skipped="no incoming-handler host"),
        },
        groups=[["wasmtime"], ["jco"]],
        position=0,
    )


def client_result() -> ScenarioResult:
    """A client scenario: jco traps, wasmtime-py is a known divergence that breaks a SHOULD; the origin
    saw one request."""
    request = RecordedRequest("GET", "/", [("Host", "127.0.0.1:40001")], b"", "none")
    seen = Observation("client", exit_code=0, stdout=f"got {ORIGIN}/\n", origin_requests=[request])
    seen.endpoints = [("{origin}", ORIGIN), ("{origin-authority}", "127.0.0.1:40001")]
    trapped = Observation("client", failure="trap", message="wasm trap: unreachable", stderr="trap!\n")
    known = Known("client-get", "wasmtime-py", "stdout", "tracked upstream", "https://example.com/1")
    return ScenarioResult(
        name="client-get",
        kind="client",
        description="GET the origin",
        verdict="error",
        cells={
            "wasmtime": Cell("baseline"),
            "jco": Cell("error", error="trap: wasm trap: unreachable", error_class="trap"),
            "wasmtime-py": Cell(
                "known",
                [Difference("stdout", "got {origin}/\n", "other\n")],
                known=[known],
                expected="fail",
                expectations=[
                    Checked("stdout", "contains", "got", "other\n", "RFC 0 1: SHOULD", False, "should")
                ],
                failed_level="should",
            ),
        },
        observations={
            "wasmtime": seen,
            "jco": trapped,
            "wasmtime-py": Observation("client", stdout="other\n"),
        },
        groups=[["wasmtime"], ["jco"], ["wasmtime-py"]],
        position=1,
    )


def sample_report() -> Report:
    engines = [
        EngineInfo("wasmtime", "wasmtime", "49.0.3"),
        EngineInfo("jco", "jco", "1.35.0"),
        EngineInfo("wasmtime-py", "wasmtime-py", "50.0.1"),
    ]
    stale = [Known("server-cookies", "wasmtime-py", None, "was a bug")]
    return Report("wasmtime", engines, [server_result(), client_result()], stale)
