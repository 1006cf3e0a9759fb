"""Server probes for bodies and framing as a handler writes them."""

from __future__ import annotations

import sys

from componentize_py_types import Err, Ok
from wasihttp import CHUNK, await_handshake, failure_name, fields, respond, text, write_all
from wit_world.imports import streams, types
from wit_world.imports.types import IncomingRequest, ResponseOutparam

_PLAIN = [("Content-Type", "text/plain")]
_PATTERN = b"0123456789abcdef"


def _failure(error: Err) -> str:
    return failure_name(error.value)


def _log(path: str | None, lines: list[str]) -> None:
    """What write and finish returned, to stderr (kept in the report, not compared)."""
    print(f"{path}: {'; '.join(lines)}", file=sys.stderr)


def _write_and_finish(
    body: types.OutgoingBody, data: bytes, trailers: types.Fields | None = None, handshake: bool = False
) -> list[str]:
    """Write `data` then finish the body; what each step returned, one line each.

    With `handshake`, finish only once the client has the first bytes: whether it sees part of the
    body before a failed finish aborts the response must not depend on the engine's timing.
    """
    stream = body.write()
    try:
        write_all(stream, data)
        written = "ok"
    except Err as error:
        written = _failure(error)
    if handshake:
        await_handshake()
    stream.__exit__(None, None, None)
    try:
        types.OutgoingBody.finish(body, trailers)
        finished = "ok"
    except Err as error:
        finished = _failure(error)
    return [f"write {len(data)} bytes: {written}", f"finish: {finished}"]


def declared_length(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Content-Length that does not match what is written.

    /short declares 10 and writes 5 bytes, /long declares 5 and writes 10, each on the response
    it sends (what write and finish return goes to stderr: the head is already on its way).
    /short-report and /long-report do the same on a response that is never sent, and answer
    with what write and finish returned.
    """
    path = request.path_with_query() or "/"
    declared, data = (10, b"01234") if path.startswith("/short") else (5, b"0123456789")
    mismatched = types.OutgoingResponse(fields([*_PLAIN, ("Content-Length", str(declared))]))
    body = mismatched.body()
    if path.endswith("-report"):
        lines = [f"content-length {declared}", *_write_and_finish(body, data)]
        mismatched.__exit__(None, None, None)
        respond(out, 200, _PLAIN, ("\n".join(lines) + "\n").encode())
        return
    types.ResponseOutparam.set(out, Ok(mismatched))
    _log(path, _write_and_finish(body, data, handshake=True))


def no_content_with_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Writes an 11-byte body whatever the method or status, with Content-Length: 11 unless /204-bare.

    /204 and /204-bare answer 204, /304 answers 304, anything else 200 (a HEAD request among them).
    """
    path = request.path_with_query() or "/"
    status = {"/204": 204, "/204-bare": 204, "/304": 304}.get(path, 200)
    headers = _PLAIN if path == "/204-bare" else [*_PLAIN, ("Content-Length", "11")]
    response = types.OutgoingResponse(fields(headers))
    response.set_status_code(status)
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    _log(path, _write_and_finish(body, b"hello world"))


def empty_bodies(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Ways to send no content.

    /write-nothing: write() taken, nothing written, finish; /no-write: finish without write();
    /length-zero: Content-Length: 0, finish without write(); /no-body: body() never called.
    """
    path = request.path_with_query() or "/"
    headers = [*_PLAIN, ("Content-Length", "0")] if path == "/length-zero" else _PLAIN
    response = types.OutgoingResponse(fields(headers))
    if path == "/no-body":
        types.ResponseOutparam.set(out, Ok(response))
        return
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    if path == "/write-nothing":
        stream = body.write()
        stream.__exit__(None, None, None)
    types.OutgoingBody.finish(body, None)


def large_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """1 MiB of a 16-byte pattern, written in 4096-byte writes."""
    response = types.OutgoingResponse(fields([("Content-Type", "application/octet-stream")]))
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    chunk = _PATTERN * (CHUNK // len(_PATTERN))
    for _ in range(1024 * 1024 // CHUNK):
        stream.blocking_write_and_flush(chunk)
    stream.__exit__(None, None, None)
    types.OutgoingBody.finish(body, None)


def with_trailers(request: IncomingRequest, out: ResponseOutparam) -> None:
    """A body, then outgoing-body.finish with two trailers (what finish returned goes to stderr).

    /declared also announces them in a Trailer header (RFC 9110 6.6.2).
    """
    path = request.path_with_query()
    declared = [("Trailer", "X-Checksum, X-Trailer-Count")] if path == "/declared" else []
    response = types.OutgoingResponse(fields(_PLAIN + declared))
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    trailers = fields([("X-Checksum", "abc123"), ("X-Trailer-Count", "2")])
    _log(path, _write_and_finish(body, b"body before trailers\n", trailers))


def unfinished_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """/drop: sets a response, writes part of its body, then drops the stream and the body without
    outgoing-body.finish and returns normally; anything else answers."""
    if request.path_with_query() != "/drop":
        respond(out, 200, _PLAIN, b"answered\n")
        return
    response = types.OutgoingResponse(fields(_PLAIN))
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    stream.blocking_write_and_flush(b"part of the body\n")
    await_handshake()  # the client has the flushed part
    stream.__exit__(None, None, None)
    body.__exit__(None, None, None)  # dropped without outgoing-body.finish


def request_body_pieces(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Reads the request body with blocking-read(1000) until closed, then its trailers.

    Answers with facts that do not depend on how the bytes were split: length, Adler-32, the
    first and last 16 bytes, whether any read returned more than asked, and the trailers.
    """
    incoming = request.consume()
    stream = incoming.stream()
    data = bytearray()
    oversized = 0
    while True:
        try:
            piece = stream.blocking_read(1000)
        except Err as error:
            if isinstance(error.value, streams.StreamError_Closed):
                break
            raise
        oversized += len(piece) > 1000
        data += piece
    stream.__exit__(None, None, None)
    future = types.IncomingBody.finish(incoming)
    lines = [
        f"length: {len(data)}",
        f"adler32: {_adler32(bytes(data)):08x}",
        f"first: {text(bytes(data[:16]))!r}",
        f"last: {text(bytes(data[-16:]))!r}",
        f"reads over 1000 bytes: {oversized}",
        *_trailer_lines(future),
    ]
    respond(out, 200, _PLAIN, ("\n".join(lines) + "\n").encode())


def _trailer_lines(future: types.FutureTrailers) -> list[str]:
    while (result := future.get()) is None:
        future.subscribe().block()
    inner = result.value
    if not isinstance(inner, Ok):
        return [f"trailers: error {_failure(inner)}"]
    if inner.value is None:
        return ["trailers: none"]
    return [f"trailer {name.lower()}: {text(value)}" for name, value in inner.value.entries()] or [
        "trailers: empty"
    ]


def _adler32(data: bytes) -> int:
    low, high = 1, 0
    for start in range(0, len(data), 4096):
        for byte in data[start : start + 4096]:
            low += byte
            high += low
        low %= 65521
        high %= 65521
    return (high << 16) | low
