"""Server probes for resource lifetimes and API misuse: drop order, calls made twice, use after finish.

Each probe says what it does before each step and what the step returned after it (steps.py,
on stdout); when it gets that far, it answers with the same lines. A trap ends the handler after
the announcement of the step that trapped.
"""

from __future__ import annotations

from componentize_py_types import Ok
from steps import LINES, attempt, drain, dropping, keep, stale_copy
from wasihttp import await_handshake, fields, method_name, respond
from wit_world.imports import streams, types
from wit_world.imports.types import IncomingRequest, ResponseOutparam

_PLAIN = [("Content-Type", "text/plain")]


def _answer(out: ResponseOutparam) -> None:
    """Respond with every step so far (a fresh list per request: jco reuses one instance)."""
    respond(out, 200, _PLAIN, ("\n".join(LINES) + "\n").encode())
    LINES.clear()


def _answered(request: IncomingRequest, out: ResponseOutparam) -> bool:
    """Answer /ok plainly, so a later request shows whether the server still serves."""
    if request.path_with_query() != "/ok":
        return False
    respond(out, 200, _PLAIN, b"answered\n")
    return True


def outparam_twice(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Sets the response-outparam to a 200 response and writes the start of its body; once the client
    has that, sets the outparam again (a 202) with the handle the first set took, then finishes the
    body with the steps."""
    if _answered(request, out):
        return
    stale = stale_copy(out)
    first = types.OutgoingResponse(fields(_PLAIN))
    body = keep(first.body())
    attempt("response-outparam.set, a 200 response", lambda: types.ResponseOutparam.set(out, Ok(first)))
    stream = keep(body.write())
    stream.blocking_write_and_flush(b"the first response\n")
    await_handshake()  # the client has the head and these bytes; the response stays open
    second = types.OutgoingResponse(fields(_PLAIN))
    second.set_status_code(202)
    attempt(
        "response-outparam.set again, a 202 response, with the handle the first set took",
        lambda: types.ResponseOutparam.set(stale, Ok(second)),
    )
    _finish_with_steps(body, stream)


def _finish_with_steps(body: types.OutgoingBody, stream: streams.OutputStream) -> None:
    """Write the steps so far to the open body, then end it."""
    steps = ("\n".join(LINES) + "\n").encode()
    LINES.clear()
    _finish_with(body, stream, steps)


def _finish_with(body: types.OutgoingBody, stream: streams.OutputStream, data: bytes) -> None:
    stream.blocking_write_and_flush(data)
    stream.__exit__(None, None, None)
    types.OutgoingBody.finish(body, None)


def incoming_request_before_headers(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Drops the incoming-request while the headers it gave are alive, reads the headers, then calls
    incoming-request.method with the dropped handle (which shows the drop reached the engine)."""
    if _answered(request, out):
        return
    stale = stale_copy(request)
    headers = keep(request.headers())
    attempt("drop incoming-request, its headers alive", dropping(request))
    attempt("headers.get(x-probe)", lambda: [value.decode() for value in headers.get("x-probe")])
    attempt("incoming-request.method with the dropped handle", lambda: method_name(stale.method()))
    _answer(out)


def incoming_request_before_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Drops the incoming-request while its incoming-body is alive, then reads the body."""
    body = keep(request.consume())
    attempt("drop incoming-request, its incoming-body alive", dropping(request))
    stream = attempt("incoming-body.stream", lambda: keep(body.stream()))
    if stream is not None:
        attempt("read the request body", lambda: drain(stream))
        attempt("drop the input-stream", dropping(stream))
    _answer(out)


def outgoing_response_before_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Drops an outgoing-response (never sent) while its outgoing-body is alive, writes and finishes
    that body, then answers with a fresh response."""
    orphaned = types.OutgoingResponse(fields(_PLAIN))
    body = keep(orphaned.body())
    attempt("drop outgoing-response, its outgoing-body alive", dropping(orphaned))
    stream = attempt("outgoing-body.write", lambda: keep(body.write()))
    if stream is not None:
        attempt("write 'orphan'", lambda: stream.blocking_write_and_flush(b"orphan"))
        attempt("drop the output-stream", dropping(stream))
    attempt("outgoing-body.finish", lambda: types.OutgoingBody.finish(body, None))
    _answer(out)


def write_after_finish(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Sends a response, writes part of its body, waits until the client has it, then finishes the
    body with its output-stream alive and writes to that stream after the finish."""
    if _answered(request, out):
        return
    response = types.OutgoingResponse(fields(_PLAIN))
    body = keep(response.body())
    types.ResponseOutparam.set(out, Ok(response))
    stream = keep(body.write())
    attempt("write 'before finish'", lambda: stream.blocking_write_and_flush(b"before finish\n"))
    await_handshake()  # the client has the first bytes of the body
    attempt("outgoing-body.finish, its output-stream alive", lambda: types.OutgoingBody.finish(body, None))
    attempt("write 'after finish'", lambda: stream.blocking_write_and_flush(b"after finish\n"))
    attempt("drop the output-stream", dropping(stream))
    LINES.clear()


def calls_twice(request: IncomingRequest, out: ResponseOutparam) -> None:
    """incoming-request.consume, outgoing-response.body and outgoing-body.write, each called twice;
    then answers through the first body and stream, with the steps as its content. An engine that
    handed out a second body may send that one instead: it gets the same content."""
    attempt("incoming-request.consume", lambda: keep(request.consume()))
    attempt("incoming-request.consume again", lambda: keep(request.consume()))
    response = types.OutgoingResponse(fields(_PLAIN))
    body = attempt("outgoing-response.body", lambda: keep(response.body()))
    again = attempt("outgoing-response.body again", lambda: keep(response.body()))
    if body is None:
        return
    stream = attempt("outgoing-body.write", lambda: keep(body.write()))
    attempt("outgoing-body.write again", lambda: keep(body.write()))
    if stream is None:
        return
    types.ResponseOutparam.set(out, Ok(response))
    steps = ("\n".join(LINES) + "\n").encode()
    LINES.clear()
    _finish_with(body, stream, steps)
    if again is not None:
        _finish_with(again, keep(again.write()), steps)
