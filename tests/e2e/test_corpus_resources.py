"""The resource-lifetime corpus and the driver's new eyes, on the real engines, from the root run.

Every test reads the session's root run (`root_report`): no extra engine run. The values asserted
are what wasmtime and jco do today, including where they break the WIT's rules.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import compared, scenario

pytestmark = pytest.mark.e2e
ENGINES = ("wasmtime", "jco")
Root = tuple[Any, dict[str, Any]]


def stdout(root: Root, name: str, engine: str) -> str:
    return str(compared(root[1], name, engine)["stdout"])


def seen(root: Root, name: str, engine: str) -> dict[str, Any]:
    return compared(root[1], name, engine)


def cell(root: Root, name: str, engine: str) -> dict[str, Any]:
    return scenario(root[1], name)["cells"][engine]


def steps_end_with(text: str, step: str) -> bool:
    """The guest's output stops right after it announced `step` (wasmtime serve prefixes each line)."""
    return text.rstrip("\n").endswith(step)


def test_every_expectation_carries_a_level(root_report: Root) -> None:
    checked = [
        expectation
        for item in root_report[1]["scenarios"]
        for engine_cell in item["cells"].values()
        for expectation in engine_cell["expectations"]
    ]
    assert len(checked) > 250 and all(e["level"] in ("must", "should", "may") for e in checked)
    assert {e["level"] for e in checked} == {"must", "should", "may"}  # the JavaScript twins use may
    assert len(root_report[1]["scenarios"]) >= 80


def test_children_alive_wasmtime_traps_jco_goes_on(root_report: Root) -> None:
    for name, step in (
        ("client-resources-incoming-body-before-stream", "drop incoming-body, its input-stream alive"),
        ("client-resources-incoming-body-finish-with-stream", "incoming-body.finish, its input-stream alive"),
        ("client-resources-outgoing-body-before-stream", "drop outgoing-body, its output-stream alive"),
        (
            "client-resources-outgoing-body-finish-with-stream",
            "outgoing-body.finish, its output-stream alive",
        ),
    ):
        wasmtime = cell(root_report, name, "wasmtime")
        assert (wasmtime["error_class"], wasmtime["error"]) == ("trap", "trap: resource has children"), name
        assert stdout(root_report, name, "wasmtime").endswith(step + "\n")
        assert f"{step}\n  -> ok\n" in stdout(root_report, name, "jco"), name
    # the spec says these trap: wasmtime meets it, jco does not
    for name in (
        "client-resources-incoming-body-finish-with-stream",
        "client-resources-outgoing-body-finish-with-stream",
    ):
        assert (
            cell(root_report, name, "wasmtime")["expected"],
            cell(root_report, name, "jco")["expected"],
        ) == (
            "pass",
            "fail",
        )
    assert (
        cell(root_report, "client-resources-incoming-body-before-stream", "jco")["expected"] is None
    )  # unspecified
    hung = cell(root_report, "client-resources-outgoing-body-before-stream", "jco")
    assert hung["error_class"] == "timeout"  # the request of a dropped body never ends on jco
    after_finish = stdout(root_report, "client-resources-outgoing-body-finish-with-stream", "jco")
    assert "write 'def' after finish\n  -> error: stream-error.closed\n" in after_finish
    # handed over after finish, so wasmtime's trap comes before any byte is sent (no race)
    finished = "client-resources-outgoing-body-finish-with-stream"
    assert seen(root_report, finished, "wasmtime")["origin_requests"] == []
    assert [r["body"] for r in seen(root_report, finished, "jco")["origin_requests"]] == [{"text": "abc"}]


def test_a_moved_handle_is_dead_on_both(root_report: Root) -> None:
    name = "client-resources-write-after-finish"
    assert cell(root_report, name, "wasmtime")["error"] == "trap: unknown handle index 2"
    jco = cell(root_report, name, "jco")  # no handle check: the shim reads a freed slot
    assert jco["error_class"] == "crash" and "Cannot read private member #outputStream" in jco["error"]
    for engine in ENGINES:
        said = stdout(root_report, name, engine)
        assert said.endswith(
            "the response\n  -> ok: status 200\noutgoing-body.write with the handle finish took\n"
        )
        assert len(seen(root_report, name, engine)["origin_requests"]) == 1  # answered before the trap
        assert cell(root_report, name, engine)["expected"] == "pass"


def test_parents_dropped_before_unspecified_children(root_report: Root) -> None:
    orphan = "client-resources-outgoing-request-before-children"
    assert "write 'orphan'\n  -> error: stream-error.closed\n" in stdout(root_report, orphan, "wasmtime")
    assert "write 'orphan'\n  -> ok\n" in stdout(root_report, orphan, "jco")
    for engine in ENGINES:
        assert [r["target"] for r in seen(root_report, orphan, engine)["origin_requests"]] == ["/after"]
        for name in (
            "client-resources-incoming-response-before-children",
            "client-resources-future-response-before-result",
        ):
            assert (
                "error" not in stdout(root_report, name, engine)
                and cell(root_report, name, engine)["expected"] is None
            )
    trailers = "client-resources-future-trailers-dropped"
    assert "their future gone\n  -> ok: [('x-checksum', 'abc')]\n" in stdout(
        root_report, trailers, "wasmtime"
    )
    assert "their future gone\n  -> ok: no trailers\n" in stdout(root_report, trailers, "jco")


def test_second_calls_return_errors_on_the_client(root_report: Root) -> None:
    for engine in ENGINES:
        assert "future-trailers.get again\n  -> ok: some(error): taken before\n" in stdout(
            root_report, "client-resources-get-twice", engine
        )
        assert "incoming-body.stream again\n  -> error: error\n" in stdout(
            root_report, "client-resources-calls-twice", engine
        )
        for name in ("client-resources-get-twice", "client-resources-calls-twice"):
            assert cell(root_report, name, engine)["expected"] == "pass"


def test_server_resources(root_report: Root) -> None:
    name = "server-resources-incoming-request-before-headers"
    for engine in ENGINES:  # neither traps at the drop; the dropped handle is dead afterwards
        assert steps_end_with(
            stdout(root_report, name, engine), "incoming-request.method with the dropped handle"
        )
        assert cell(root_report, name, engine)["failed_level"] == "must"
    twice = "server-resources-outparam-twice"
    for engine in ENGINES:  # the second set with the moved handle traps; the first response stands
        assert steps_end_with(stdout(root_report, twice, engine), "with the handle the first set took")
        assert seen(root_report, twice, engine)["exchanges"][0]["body"] == {"text": "the first response\n"}
    assert [e["failure"] for e in seen(root_report, twice, "jco")["exchanges"]] == ["incomplete", "refused"]
    assert [e["failure"] for e in seen(root_report, twice, "wasmtime")["exchanges"]] == [None, None]
    finish = "server-resources-write-after-finish"
    assert steps_end_with(
        stdout(root_report, finish, "wasmtime"), "outgoing-body.finish, its output-stream alive"
    )
    assert "write 'after finish'\n  -> error: stream-error.closed\n" in stdout(root_report, finish, "jco")
    calls = "server-resources-calls-twice"
    answers = {engine: seen(root_report, calls, engine)["exchanges"][0]["body"]["text"] for engine in ENGINES}
    assert "consume again\n  -> error: error\noutgoing-response.body\n" in answers["wasmtime"]
    # jco hands out a second body and a second incoming-body; it sends the second body
    assert "consume again\n  -> ok\n" in answers["jco"] and "response.body again\n  -> ok\n" in answers["jco"]
    orphan = "server-resources-outgoing-response-before-body"
    replies = {
        engine: seen(root_report, orphan, engine)["exchanges"][0]["body"]["text"] for engine in ENGINES
    }
    assert "write 'orphan'\n  -> error: stream-error.closed\n" in replies["wasmtime"]
    assert "write 'orphan'\n  -> ok\n" in replies["jco"]


def test_handshakes_show_what_was_flushed(root_report: Root) -> None:
    for engine in ENGINES:  # every handshake probe asked the origin once per confirming request
        for name, count in (
            ("server-life-trap-mid-body", 1),
            ("server-bodies-unfinished", 1),
            ("server-bodies-length-mismatch", 2),
            ("server-resources-outparam-twice", 1),
        ):
            targets = [r["target"] for r in seen(root_report, name, engine)["origin_requests"]]
            assert targets == ["/portcheck/handshake"] * count, (name, engine)
        unfinished = seen(root_report, "server-bodies-unfinished", engine)["exchanges"][0]
        assert (unfinished["failure"], unfinished["body"]) == ("incomplete", {"text": "part of the body\n"})
    trap = seen(root_report, "server-life-trap-mid-body", "jco")["exchanges"][0]
    assert (trap["failure"], trap["body"]) == ("incomplete", {"text": "part of the body\n"})


def test_bytes_after_bodiless_heads_and_a_request_without_host(root_report: Root) -> None:
    for engine in ENGINES:
        exchanges = seen(root_report, "server-bodies-no-content", engine)["exchanges"]
        assert [e["extra"] for e in exchanges] == [{"text": ""}] * 4
        assert seen(root_report, "server-head", engine)["exchanges"][0]["extra"] == {"text": ""}
    shape = {engine: seen(root_report, "server-request-shape", engine)["exchanges"][9] for engine in ENGINES}
    assert (shape["wasmtime"]["status"], shape["jco"]["status"]) == (500, 400)  # RFC 9112 3.2 wants 400
