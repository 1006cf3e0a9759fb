"""Normalization, diff and verdicts, on recorded observations (plain data, no engines)."""

from __future__ import annotations

from pathlib import Path

from portcheck.judge.diff import Options, compare
from portcheck.judge.verdict import judge_scenario
from portcheck.model.observation import Exchange, Observation, RecordedRequest
from portcheck.model.scenario import Normalize, Scenario


def server(*headers: tuple[str, str], body: bytes = b"ok", status: int = 200, **extra: object) -> Observation:
    exchange = Exchange(
        "GET /", status=status, reason="OK", headers=list(headers), body=body, framing="chunked"
    )
    for key, value in extra.items():
        setattr(exchange, key, value)
    return Observation(kind="server", exchanges=[exchange])


def client(stdout: str, exit_code: int = 0, **extra: object) -> Observation:
    return Observation(kind="client", exit_code=exit_code, stdout=stdout, **extra)  # type: ignore[arg-type]


def fields(observation_a: Observation, observation_b: Observation, **options: object) -> list[str]:
    return [d.field for d in compare(observation_a, observation_b, Options(**options)).differences]  # type: ignore[arg-type]


def test_identical_observations_have_no_differences() -> None:
    assert fields(server(("x-a", "1")), server(("x-a", "1"))) == []


def test_header_name_case_is_a_note_not_a_difference() -> None:
    comparison = compare(
        server(("Content-Type", "text/plain")), server(("content-type", "text/plain")), Options()
    )
    assert comparison.differences == []
    assert any("name case" in note for note in comparison.notes)


def test_strict_headers_compare_case() -> None:
    assert fields(server(("Content-Type", "a")), server(("content-type", "a")), strict_headers=True) == [
        "responses[0].headers"
    ]


def test_transport_headers_are_reported_but_not_compared() -> None:
    a = server(("x-a", "1"), ("date", "Mon, 01 Jan 2024 00:00:00 GMT"))
    b = server(("Date", "Tue, 02 Jan 2024 00:00:00 GMT"), ("x-a", "1"), ("Connection", "keep-alive"))
    comparison = compare(a, b, Options())
    assert comparison.differences == []
    assert any("transport" in note for note in comparison.notes)
    assert "responses[0].headers" in fields(a, b, strict_headers=True)


def test_joined_set_cookie_is_a_difference() -> None:
    a = server(("set-cookie", "a=1"), ("set-cookie", "b=2"))
    b = server(("set-cookie", "a=1, b=2"))
    [difference] = compare(a, b, Options()).differences
    assert difference.field == "responses[0].headers[set-cookie]"
    assert difference.baseline == ["a=1", "b=2"]
    assert difference.engine == ["a=1, b=2"]


def test_order_within_a_name_matters_across_names_does_not() -> None:
    assert fields(server(("x", "1"), ("x", "2")), server(("x", "2"), ("x", "1"))) == [
        "responses[0].headers[x]"
    ]
    comparison = compare(server(("a", "1"), ("b", "2")), server(("b", "2"), ("a", "1")), Options())
    assert comparison.differences == []
    assert any("order" in note for note in comparison.notes)


def test_dropped_header_is_a_difference() -> None:
    [difference] = compare(
        server(("x-order", "1"), ("x-order", "2")), server(("x-order", "2")), Options()
    ).differences
    assert (difference.baseline, difference.engine) == (["1", "2"], ["2"])


def test_no_response_against_a_500() -> None:
    a = server(status=500, body=b"oops")
    b = Observation(kind="server", exchanges=[Exchange("GET /", failure="no-response", alive_after=False)])
    differences = compare(a, b, Options()).differences
    assert [(d.field, d.baseline, d.engine) for d in differences] == [
        ("responses[0]", "status 500", "no-response"),
        ("responses[0].alive_after", True, False),
    ]


def test_framing_and_reason_are_notes_unless_strict() -> None:
    a, b = server(("x", "1")), server(("x", "1"), framing="content-length", reason="Okay")
    assert fields(a, b) == []
    assert fields(a, b, strict_headers=True) == ["responses[0].framing", "responses[0].reason"]


def test_stdout_and_exit_code_compare() -> None:
    assert fields(client("a\n"), client("b\n")) == ["stdout"]
    assert fields(client("a\n", exit_code=0), client("a\n", exit_code=1)) == ["exit_code"]


def test_masks_hide_what_the_user_knows_to_vary() -> None:
    options = Options(normalize=Normalize(stdout=(r"took \d+ ms",), body=(r"id=\w+",)))
    assert compare(client("took 12 ms\n"), client("took 907 ms\n"), options).differences == []
    assert compare(server(body=b"id=abc"), server(body=b"id=xyz"), options).differences == []
    assert fields(client("took 12 ms\nA"), client("took 907 ms\nB")) == ["stdout"]


def test_origin_requests_compare_method_headers_and_body() -> None:
    def seen(*headers: tuple[str, str], body: bytes = b"{}") -> Observation:
        request = RecordedRequest("POST", "/x", list(headers), body, "content-length")
        return client("", origin_requests=[request])

    assert fields(seen(("Content-Type", "a")), seen(("content-type", "a"))) == []
    assert fields(seen(("x", "1")), seen(("x", "1"), ("user-agent", "node"))) == [
        "origin.requests[0].headers[user-agent]"
    ]
    assert fields(seen(body=b"1"), seen(body=b"2")) == ["origin.requests[0].body"]


def scenario_result(observations: dict[str, Observation]) -> tuple[str, dict[str, str]]:
    scenario = Scenario(name="s", kind=next(iter(observations.values())).kind, defined_in=Path("m.toml"))
    result = judge_scenario(scenario, observations, "wasmtime", Options())
    return result.verdict, {engine: cell.verdict for engine, cell in result.cells.items()}


def test_verdicts() -> None:
    assert scenario_result({"wasmtime": client("a"), "jco": client("a")}) == (
        "portable",
        {"wasmtime": "baseline", "jco": "same"},
    )
    assert scenario_result({"wasmtime": client("a"), "jco": client("b")}) == (
        "diverges",
        {"wasmtime": "baseline", "jco": "differs"},
    )
    trapped = client("", exit_code=134, failure="trap", message="wasm trap: unreachable")
    assert scenario_result({"wasmtime": client("a"), "jco": trapped}) == (
        "error",
        {"wasmtime": "baseline", "jco": "error"},
    )
    assert scenario_result({"wasmtime": trapped, "jco": client("a")}) == (
        "error",
        {"wasmtime": "error", "jco": "differs"},
    )


def test_error_cell_keeps_class_and_message() -> None:
    scenario = Scenario(name="s", kind="client", defined_in=Path("m.toml"))
    failed = client("", failure="compile", message="CompileError: bad opcode")
    result = judge_scenario(scenario, {"wasmtime": client("a"), "jco": failed}, "wasmtime", Options())
    cell = result.cells["jco"]
    assert (cell.error_class, cell.error) == ("compile", "compile: CompileError: bad opcode")


def test_observation_json_round_trip_keeps_odd_bytes() -> None:
    odd = Observation(
        kind="server",
        exchanges=[
            Exchange("GET /", status=200, headers=[("x", "caf\udce9")], body=b"\xff\x00", framing="close")
        ],
    )
    again = Observation.from_json(odd.to_json())
    assert again == odd
    assert compare(odd, again, Options()).differences == []
