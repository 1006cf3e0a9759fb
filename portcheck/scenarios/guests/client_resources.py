"""Client probes for resource lifetimes and API misuse: drop order, calls made twice, use after finish.

Each probe says what it does before each step and what the step returned after it (steps.py);
a trap ends the run after the announcement of the step that trapped.
"""

from __future__ import annotations

from typing import Any

from componentize_py_types import Err, Ok
from steps import attempt, drain, dropping, keep, stale_copy
from wasihttp import dispatch, failure_name, outgoing_request, text, wait
from wit_world.imports import outgoing_handler, streams, types

# The WIT allows both none and an empty list for a body without trailers (future-trailers says
# "the empty set of trailers", get says the option tells whether there were any): one answer here.
NO_TRAILERS = "no trailers"


def _get(path: str) -> types.IncomingResponse:
    return keep(dispatch(outgoing_request("GET", path)))


def _trailers(future: types.FutureTrailers) -> str:
    """What future-trailers.get gives once ready: the trailers, none, or the error."""
    while (result := future.get()) is None:
        _block(future)
    return _trailers_result(result)


def _trailers_result(result: Any) -> str:
    if result is None:
        return "none (not ready)"
    if isinstance(result, Err):
        return "some(error): taken before"
    inner = result.value
    if isinstance(inner, Err):
        return failure_name(inner.value)
    if inner.value is None:
        return NO_TRAILERS
    keep(inner.value)
    return _entries(inner.value)


def _entries(trailers: types.Fields) -> str:
    entries = [(name.lower(), text(value)) for name, value in trailers.entries()]
    return repr(entries) if entries else NO_TRAILERS


def _status_or_error(future: types.FutureIncomingResponse) -> str:
    try:
        response = keep(wait(future))
    except Err as error:
        return failure_name(error.value)
    return f"status {response.status()}"


def _block(future: types.FutureIncomingResponse | types.FutureTrailers) -> None:
    """Wait until the future is ready; the pollable (its child) is dropped at once."""
    pollable = future.subscribe()
    pollable.block()
    pollable.__exit__(None, None, None)


def _ready_result(future: types.FutureIncomingResponse) -> Any:
    """future-incoming-response.get once the future is ready: the response, or what it gave instead."""
    _block(future)
    result = future.get()
    if result is None:
        return "none (not ready)"
    if isinstance(result, Err):
        return "some(error): taken before"
    inner = result.value
    return keep(inner.value) if isinstance(inner, Ok) else failure_name(inner.value)


def incoming_body_before_stream() -> None:
    """Drops an incoming-body while its input-stream is alive, then reads and drops the stream."""
    body = keep(_get("/body").consume())
    stream = keep(body.stream())
    attempt("drop incoming-body, its input-stream alive", dropping(body))
    attempt("read the input-stream", lambda: drain(stream))
    attempt("drop the input-stream", dropping(stream))
    attempt("a second request: GET /after", lambda: _get("/after").status())


def incoming_body_finish_with_stream() -> None:
    """Calls incoming-body.finish while its input-stream is alive, then reads the stream and the trailers."""
    body = keep(_get("/body").consume())
    stream = keep(body.stream())
    future = attempt(
        "incoming-body.finish, its input-stream alive", lambda: keep(types.IncomingBody.finish(body))
    )
    attempt("read the input-stream", lambda: drain(stream))
    if future is not None:
        attempt("future-trailers.get", lambda: _trailers(future))


def incoming_response_before_children() -> None:
    """Drops an incoming-response while its headers and its incoming-body are alive, then uses both."""
    response = _get("/body")
    headers = keep(response.headers())
    body = keep(response.consume())
    attempt("drop incoming-response, its headers and incoming-body alive", dropping(response))
    attempt("headers.get(content-length)", lambda: [text(value) for value in headers.get("content-length")])
    stream = attempt("incoming-body.stream", lambda: keep(body.stream()))
    if stream is not None:
        attempt("read the input-stream", lambda: drain(stream))
        attempt("drop the input-stream", dropping(stream))
    attempt(
        "incoming-body.finish, then future-trailers.get", lambda: _trailers(types.IncomingBody.finish(body))
    )


def outgoing_request_before_children() -> None:
    """Drops an outgoing-request (never sent) while its headers and outgoing-body are alive, writes and
    finishes the orphaned body, then sends a second request."""
    request = outgoing_request("POST", "/orphan")
    headers = keep(request.headers())
    body = keep(request.body())
    attempt("drop outgoing-request, its headers and outgoing-body alive", dropping(request))
    attempt("headers.entries()", lambda: len(headers.entries()))
    stream = attempt("outgoing-body.write", lambda: keep(body.write()))
    if stream is not None:
        attempt("write 'orphan'", lambda: stream.blocking_write_and_flush(b"orphan"))
        attempt("drop the output-stream", dropping(stream))
    attempt("outgoing-body.finish", lambda: types.OutgoingBody.finish(body, None))
    attempt("a second request: GET /after", lambda: _get("/after").status())


def _posting(path: str) -> tuple[types.OutgoingBody, types.FutureIncomingResponse, streams.OutputStream]:
    """A POST handed to the engine, its body's output-stream taken and 'abc' written to it."""
    request = outgoing_request("POST", path)
    body = keep(request.body())
    future = keep(outgoing_handler.handle(request, None))
    stream = keep(body.write())
    attempt("write 'abc'", lambda: stream.blocking_write_and_flush(b"abc"))
    return body, future, stream


def outgoing_body_before_stream() -> None:
    """Drops an outgoing-body (unfinished) while its output-stream is alive, then writes to the stream."""
    body, future, stream = _posting("/dropped")
    attempt("drop outgoing-body, its output-stream alive", dropping(body))
    attempt("write 'def' to the output-stream", lambda: stream.blocking_write_and_flush(b"def"))
    attempt("drop the output-stream", dropping(stream))
    attempt("the response", lambda: _status_or_error(future))


def outgoing_body_finish_with_stream() -> None:
    """Calls outgoing-body.finish while its output-stream is alive, then writes to that stream.

    The request is handed to the engine only after finish: when wasmtime trapped at finish with the
    request already on its way, it sometimes ended the chunked body with its last chunk as it went
    down, so the origin saw a complete 'abc' in about 1 run in 100 (seen with `wasmtime run` and a
    raw listener too), and whether the origin counted a request was a race."""
    request = outgoing_request("POST", "/finished")
    body = keep(request.body())
    stream = keep(body.write())
    attempt("write 'abc'", lambda: stream.blocking_write_and_flush(b"abc"))
    attempt("outgoing-body.finish, its output-stream alive", lambda: types.OutgoingBody.finish(body, None))
    future = keep(outgoing_handler.handle(request, None))
    attempt("write 'def' after finish", lambda: stream.blocking_write_and_flush(b"def"))
    attempt("drop the output-stream", dropping(stream))
    attempt("the response", lambda: _status_or_error(future))


def write_after_finish() -> None:
    """Finishes an outgoing-body properly, then calls outgoing-body.write with the handle finish took.

    The response is awaited first: trapping while the finished request was still on its way made
    whether the origin saw it a race (jco's worker thread sent it in 1 run of 8). A placeholder
    holds the slot finish emptied while the response comes, and is dropped just before the call,
    so that the slot is empty again, not reused by the response's handles."""
    body, future, stream = _posting("/after-finish")
    stale = stale_copy(body)
    attempt("drop the output-stream", dropping(stream))
    attempt("outgoing-body.finish", lambda: types.OutgoingBody.finish(body, None))
    placeholder = types.Fields()
    attempt("the response", lambda: _status_or_error(future))
    placeholder.__exit__(None, None, None)
    attempt("outgoing-body.write with the handle finish took", lambda: keep(stale.write()))


def future_response_before_result() -> None:
    """Takes the response out of a future-incoming-response and drops the future before using the
    response; then drops a second, ready future without ever calling get."""
    future = keep(outgoing_handler.handle(outgoing_request("GET", "/first"), None))
    response = attempt("future-incoming-response.get, once ready", lambda: _ready_result(future))
    attempt("drop the future-incoming-response, its response alive", dropping(future))
    if isinstance(response, types.IncomingResponse):
        body = keep(response.consume())
        stream = keep(body.stream())
        attempt("read the response body", lambda: drain(stream))
    second = keep(outgoing_handler.handle(outgoing_request("GET", "/second"), None))
    attempt("wait until a second future is ready", lambda: _block(second))
    attempt("drop the second future without get", dropping(second))
    attempt("a third request: GET /third", lambda: _get("/third").status())


def get_twice() -> None:
    """future-incoming-response.get and future-trailers.get, each called again after it gave its result."""
    future = keep(outgoing_handler.handle(outgoing_request("GET", "/twice"), None))
    response = attempt("future-incoming-response.get, once ready", lambda: _ready_result(future))
    attempt("future-incoming-response.get again", lambda: _trailers_result(future.get()))
    if not isinstance(response, types.IncomingResponse):
        return
    body = keep(response.consume())
    stream = keep(body.stream())
    attempt("read the body", lambda: drain(stream))
    stream.__exit__(None, None, None)
    trailers = keep(types.IncomingBody.finish(body))
    attempt("future-trailers.get, once ready", lambda: _taken(trailers))
    attempt("future-trailers.get again", lambda: _trailers_result(trailers.get()))


def _taken(future: types.FutureTrailers) -> str:
    """future-trailers.get once ready, saying only whether it gave its result (not which trailers)."""
    while (result := future.get()) is None:
        _block(future)
    return "some(ok)" if isinstance(result, Ok) else _trailers_result(result)


def calls_twice() -> None:
    """incoming-body.stream and outgoing-body.write, each called a second time."""
    body = keep(_get("/twice").consume())
    stream = attempt("incoming-body.stream", lambda: keep(body.stream()))
    attempt("incoming-body.stream again", lambda: keep(body.stream()))
    if stream is not None:
        attempt("read the first stream", lambda: drain(stream))
    request = outgoing_request("POST", "/write-twice")
    outgoing = keep(request.body())
    future = keep(outgoing_handler.handle(request, None))
    output = attempt("outgoing-body.write", lambda: keep(outgoing.write()))
    attempt("outgoing-body.write again", lambda: keep(outgoing.write()))
    if output is not None:
        attempt("write 'once' to the first stream", lambda: output.blocking_write_and_flush(b"once"))
        attempt("drop the first stream", dropping(output))
    attempt("outgoing-body.finish", lambda: types.OutgoingBody.finish(outgoing, None))
    attempt("the response", lambda: _status_or_error(future))


def future_trailers_dropped() -> None:
    """Drops a future-trailers without reading it; then takes trailers from a second one and drops
    that future while the trailers it gave are alive, and reads them."""
    trailers: Any = None
    for label in ("unread", "read"):
        body = keep(_get(f"/trailers-{label}").consume())
        stream = keep(body.stream())
        attempt(f"read a body ({label})", lambda stream=stream: drain(stream))
        stream.__exit__(None, None, None)
        future = keep(types.IncomingBody.finish(body))
        if label == "read":
            trailers = attempt(
                "future-trailers.get, once ready", lambda future=future: _trailers_fields(future)
            )
        attempt(f"drop the future-trailers ({label})", dropping(future))
    if isinstance(trailers, types.Fields):
        attempt("read the trailers, their future gone", lambda: _entries(trailers))
    attempt("one more request: GET /after", lambda: _get("/after").status())


def _trailers_fields(future: types.FutureTrailers) -> Any:
    """The trailers resource future-trailers.get gives (kept), or what it gave instead."""
    while (result := future.get()) is None:
        _block(future)
    inner = result.value if isinstance(result, Ok) else None
    if isinstance(inner, Ok) and inner.value is not None:
        return keep(inner.value)
    return _trailers_result(result)
