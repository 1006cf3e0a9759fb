"""Server probes for handler life: status codes, no response, errors, instance reuse."""

from __future__ import annotations

from componentize_py_types import Err, Ok
from wasihttp import await_handshake, fields, respond, write_body
from wit_world.imports import monotonic_clock, types
from wit_world.imports.types import IncomingRequest, ResponseOutparam

_PLAIN = [("Content-Type", "text/plain")]
# Requests this instance has handled through `instance_reuse` (a fresh instance starts at 0).
_handled = 0


def status_code(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Tries set-status-code with the code in the path (/600 tries 600) and sends what it kept.

    The body says whether the call was refused and which status the response holds after it,
    so the client sees both the engine's answer to the call and the status actually sent.
    """
    code = int((request.path_with_query() or "/0").strip("/") or "0")
    response = types.OutgoingResponse(fields(_PLAIN))
    try:
        response.set_status_code(code)
        outcome = "accepted"
    except Err:
        outcome = "refused"
    lines = [f"set-status-code({code}): {outcome}", f"status-code(): {response.status_code()}"]
    _send(out, response, ("\n".join(lines) + "\n").encode())


def no_response(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Returns without calling response-outparam.set on /none (no exception); answers otherwise."""
    if request.path_with_query() == "/none":
        return
    respond(out, 200, _PLAIN, b"answered\n")


def error_response(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Sets the outparam to an error-code: /denied, /internal; answers normally otherwise."""
    path = request.path_with_query()
    if path == "/denied":
        types.ResponseOutparam.set(out, Err(types.ErrorCode_HttpRequestDenied()))
    elif path == "/internal":
        types.ResponseOutparam.set(out, Err(types.ErrorCode_InternalError("chosen by the probe")))
    else:
        respond(out, 200, _PLAIN, b"answered\n")


def trap_mid_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """/trap: sets a response, writes and flushes part of its body, then raises; /ok answers."""
    if request.path_with_query() != "/trap":
        respond(out, 200, _PLAIN, b"answered\n")
        return
    response = types.OutgoingResponse(fields(_PLAIN))
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    stream.blocking_write_and_flush(b"part of the body\n")
    await_handshake()  # the client has the flushed part
    raise RuntimeError("handler failed after writing part of the body")


def instance_reuse(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Counts requests in a module-level global: 1 every time if each request gets a fresh instance."""
    global _handled
    _handled += 1
    respond(out, 200, _PLAIN, f"requests seen by this instance: {_handled}\n".encode())


def slow_echo_path(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Waits 300 ms (wasi:clocks), then answers with the path: the answer does not depend on arrival order."""
    path = request.path_with_query()
    monotonic_clock.subscribe_duration(300_000_000).block()
    respond(out, 200, _PLAIN, f"path: {path}\n".encode())


def _send(out: ResponseOutparam, response: types.OutgoingResponse, data: bytes) -> None:
    outgoing = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    write_body(outgoing, data)
