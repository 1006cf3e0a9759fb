"""Requests the origin lists sorted do not depend on the order they arrived in."""

from __future__ import annotations

from portcheck.model.observation import RecordedRequest, sorted_requests


def request(path: str, headers: list[tuple[str, str]]) -> RecordedRequest:
    return RecordedRequest("GET", path, headers, b"", "none")


def test_two_requests_sort_the_same_whichever_arrived_first() -> None:
    # An api-sequences case handed two requests over before waiting: jco sent them in either
    # order, so origin.requests[0] was one or the other, and the bucket came and went.
    plain = request("/fuzz", [("host", "x")])
    typed = request("/fuzz", [("content-type", ""), ("host", "x")])
    assert sorted_requests([plain, typed]) == sorted_requests([typed, plain])
    assert sorted_requests([typed, plain])[0] == typed


def test_requests_sort_alike_on_engines_that_add_or_case_headers() -> None:
    # jco sends "Host" and adds "Connection: keep-alive"; wasmtime sends "host" and neither.
    jco = [
        request("/fuzz", [("Host", "x"), ("Connection", "keep-alive")]),
        request("/fuzz", [("Host", "x"), ("x-a", "")]),
    ]
    wasmtime = [request("/fuzz", [("host", "x"), ("x-a", "")]), request("/fuzz", [("host", "x")])]
    assert [len(r.headers) for r in sorted_requests(jco)] == [2, 2]
    assert [r.headers[-1][0] for r in sorted_requests(jco)] == ["Connection", "x-a"]
    assert [r.headers[-1][0] for r in sorted_requests(wasmtime)] == ["host", "x-a"]
