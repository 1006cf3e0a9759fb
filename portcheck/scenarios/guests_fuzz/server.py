"""The generic echo guest of `portcheck fuzz`'s server-requests generator.

It answers every request with what the WIT API shows of it: method, scheme, authority, path
with query, every entries() line and get() of each name, the body and how its stream ended, the
trailers. A request carrying a `portcheck-instruction` header (JSON) has its response built as
the instruction says: status, header lines (appended one by one, each refusal noted), how the
body is written, a Content-Length right or wrong, trailers, or an error-code, no response, or a
trap instead. The body always starts with the echo, then what building the response gave.
"""

from __future__ import annotations

import json
from typing import Any

from componentize_py_types import Err, Ok
from show import failure, method_name, scheme_name, show_body, show_fields, wire, write_all
from wit_world import exports
from wit_world.imports import types
from wit_world.imports.types import IncomingRequest, ResponseOutparam

INSTRUCTION = "portcheck-instruction"
ALIVE_PATH = "/portcheck/fuzz/alive"
LINES: list[str] = []
ERRORS = {
    "internal-error": lambda: types.ErrorCode_InternalError("chosen by the instruction"),
    "http-request-denied": types.ErrorCode_HttpRequestDenied,
    "http-protocol-error": types.ErrorCode_HttpProtocolError,
    "connection-refused": types.ErrorCode_ConnectionRefused,
}


def note(line: str) -> None:
    LINES.append(line)


def echo(request: IncomingRequest) -> dict[str, Any] | None:
    """Note what the request shows; its instruction, if it has one."""
    note(f"method: {method_name(request.method())}")
    note(f"scheme: {scheme_name(request.scheme())}")
    note(f"authority: {request.authority()!r}")
    note(f"path-with-query: {request.path_with_query()!r}")
    headers = request.headers()
    instruction = headers.get(INSTRUCTION)
    show_fields(headers, skip=INSTRUCTION, say=note)
    headers.__exit__(None, None, None)
    show_body(request.consume(), say=note)
    return json.loads(instruction[0]) if instruction else None


def built_headers(lines: list[list[str]]) -> types.Fields:
    fields = types.Fields()
    for name, value in lines:
        try:
            fields.append(name, wire(value))
        except Err as error:
            note(f"append {name!r}: {failure(error.value)}")
    return fields


def content(instruction: dict[str, Any]) -> bytes:
    return ("\n".join(LINES) + "\n").encode() + wire(instruction.get("body", ""))


def respond(out: ResponseOutparam, instruction: dict[str, Any]) -> None:
    outcome = instruction.get("outcome", "respond")
    if outcome == "trap-before":
        raise RuntimeError("the instruction asked for a trap before responding")
    if outcome == "none":
        return
    if outcome.startswith("error:"):
        ResponseOutparam.set(out, Err(ERRORS[outcome.removeprefix("error:")]()))
        return
    headers = built_headers(instruction.get("headers", []))
    data = content(instruction)
    declared = instruction.get("content_length")
    if declared is not None:  # "exact", or a number of bytes more (+) or fewer (-) than written
        length = len(data) + (0 if declared == "exact" else int(declared))
        try:
            headers.append("content-length", str(length).encode())
        except Err as error:
            note(f"append 'content-length': {failure(error.value)}")
            data = content(instruction)
    response = types.OutgoingResponse(headers)
    status = instruction.get("status", 200)
    try:
        response.set_status_code(status)
    except Err:
        print(f"set-status-code {status}: error")
    send(out, response, data, instruction)


def send(
    out: ResponseOutparam, response: types.OutgoingResponse, data: bytes, instruction: dict[str, Any]
) -> None:
    body = response.body()
    ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    pieces = instruction.get("writes") or [len(data)]
    start = 0
    for size in [*pieces, len(data)]:
        piece, start = data[start : start + size], start + size
        if piece:
            try:
                write_all(stream, piece)  # in writes of at most 4096 bytes, as the WIT allows
            except Err as error:
                print(f"write: {failure(error.value)}")
                break
        if instruction.get("outcome") == "trap-mid-body":
            raise RuntimeError("the instruction asked for a trap in the middle of the body")
    stream.__exit__(None, None, None)
    if instruction.get("outcome") == "no-finish":
        body.__exit__(None, None, None)
        return
    trailers = instruction.get("trailers")
    try:
        types.OutgoingBody.finish(body, None if trailers is None else built_headers(trailers))
    except Err as error:
        print(f"finish: {failure(error.value)}")


def plain(out: ResponseOutparam, data: bytes) -> None:
    response = types.OutgoingResponse(types.Fields.from_list([("content-type", b"text/plain")]))
    send(out, response, data, {})


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        LINES.clear()
        if request.path_with_query() == ALIVE_PATH:
            plain(response_out, b"alive\n")
            return
        instruction = echo(request)
        if instruction is None:
            plain(response_out, content({}))
        else:
            respond(response_out, instruction)
