"""Client probes for bodies and framing: empty, large, mismatched lengths, trailers."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from componentize_py_types import Err
from wasihttp import (
    error_code,
    outgoing_request,
    print_response,
    text,
    wait,
    write_all,
)
from wit_world.imports import outgoing_handler, streams, types

_PATTERN = b"0123456789abcdef"
_LARGE = _PATTERN * 65536  # 1 MiB
_SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: smuggled.test\r\n\r\n"


def _request(verb: str, path: str, headers: Sequence[tuple[str, bytes]] = ()) -> types.OutgoingRequest:
    return outgoing_request(verb, path, types.Fields.from_list(list(headers)))


def _finish(body: types.OutgoingBody, trailers: types.Fields | None = None) -> str:
    try:
        types.OutgoingBody.finish(body, trailers)
    except Err as error:
        return error_code(error.value)
    return "ok"


def _write(body: types.OutgoingBody, data: bytes) -> str:
    """Write `data` in 4 KiB pieces and drop the stream; ok or how the write failed."""
    stream = body.write()
    try:
        write_all(stream, data)
    except Err as error:
        failure = error.value
        if isinstance(failure, streams.StreamError_LastOperationFailed):
            code = types.http_error_code(failure.value)
            return f"last-operation-failed ({'no error-code' if code is None else error_code(code)})"
        return "closed"
    finally:
        stream.__exit__(None, None, None)
    return "ok"


def _handle(request: types.OutgoingRequest) -> types.FutureIncomingResponse | None:
    """outgoing-handler.handle; None (and says why) if it rejects the request at once."""
    try:
        return outgoing_handler.handle(request, None)
    except Err as error:
        print(f"handle: error-code: {error_code(error.value)}")
        return None


def _response(future: types.FutureIncomingResponse | None) -> types.IncomingResponse | None:
    """The response, or None (and the error-code printed) when the request failed."""
    if future is None:
        return None
    try:
        return wait(future)
    except Err as error:
        print(f"response: error-code: {error_code(error.value)}")
        return None


def _outcome(future: types.FutureIncomingResponse | None) -> None:
    if (response := _response(future)) is not None:
        print_response(response)


def _trailers(future: types.FutureTrailers) -> str:
    while (result := future.get()) is None:
        future.subscribe().block()
    inner = result.value
    if isinstance(inner, Err):
        return f"error-code: {error_code(inner.value)}"
    if inner.value is None:
        return "none"
    return repr([(name.lower(), text(value)) for name, value in inner.value.entries()])


def empty_bodies() -> None:
    """A POST whose body is written empty and finished, a GET finishing an untouched body."""
    print("--- POST, empty body written")
    request = _request("POST", "/empty-written")
    body = request.body()
    future = _handle(request)
    print(f"write: {_write(body, b'')}")
    print(f"finish: {_finish(body)}")
    _outcome(future)
    print("--- GET, body finished untouched")
    request = _request("GET", "/untouched")
    body = request.body()
    future = _handle(request)
    print(f"finish: {_finish(body)}")
    _outcome(future)


def body_never_requested() -> None:
    """A POST sent without ever calling outgoing-request.body()."""
    _outcome(_handle(_request("POST", "/no-body-call")))


def large_body() -> None:
    """1 MiB written in 4 KiB pieces, first with a declared Content-Length, then without one."""
    for label, headers in (("declared", [("Content-Length", str(len(_LARGE)).encode())]), ("undeclared", [])):
        print(f"--- {label}")
        request = _request("POST", f"/large-{label}", headers)
        body = request.body()
        future = _handle(request)
        print(f"write: {_write(body, _LARGE)}")
        print(f"finish: {_finish(body)}")
        _outcome(future)


def content_length_short() -> None:
    """Content-Length: 10, 5 bytes written: what finish returns, then what the response future yields."""
    request = _request("POST", "/short", [("Content-Length", b"10")])
    body = request.body()
    future = _handle(request)
    print(f"write: {_write(body, b'12345')}")
    print(f"finish: {_finish(body)}")
    _outcome(future)


def content_length_long() -> None:
    """Content-Length: 3, then 3 bytes and a whole second request written: does the excess get out?"""
    request = _request("POST", "/long", [("Content-Length", b"3")])
    body = request.body()
    future = _handle(request)
    print(f"write: {_write(body, b'abc' + _SMUGGLED)}")
    print(f"finish: {_finish(body)}")
    _outcome(future)


def body_twice() -> None:
    """incoming-response.consume() called twice, then outgoing-request.body() called twice."""
    request = _request("GET", "/consume")
    body = request.body()
    future = _handle(request)
    print(f"finish: {_finish(body)}")
    if (response := _response(future)) is None:
        return
    print(f"status: {response.status()}")
    incoming = response.consume()
    try:
        response.consume()
        print("second consume(): ok")
    except Err:
        print("second consume(): err")
    stream = incoming.stream()
    data = bytearray()
    while True:
        try:
            data += stream.blocking_read(65536)
        except Err:
            break
    stream.__exit__(None, None, None)
    types.IncomingBody.finish(incoming)
    print(f"body: {text(bytes(data))!r}")
    request = _request("POST", "/twice")
    body = request.body()
    sys.stdout.flush()  # an engine may trap on the second call: keep what was seen so far
    try:
        request.body()
        print("second body(): ok")
    except Err:
        print("second body(): err")
    future = _handle(request)
    print(f"write: {_write(body, b'once')}")
    print(f"finish: {_finish(body)}")
    _outcome(future)


def response_trailers() -> None:
    """Read a chunked body with an X-Checksum trailer, then a body without trailers; print each future."""
    for path in ("/with-trailers", "/without-trailers"):
        print(f"--- {path}")
        request = _request("GET", path)
        body = request.body()
        future = _handle(request)
        print(f"finish: {_finish(body)}")
        if (response := _response(future)) is None:
            continue
        print(f"status: {response.status()}")
        incoming = response.consume()
        stream = incoming.stream()
        data = bytearray()
        ending = "closed"
        while True:
            try:
                data += stream.blocking_read(65536)
            except Err as error:
                if not isinstance(error.value, streams.StreamError_Closed):
                    ending = "failed"
                break
        stream.__exit__(None, None, None)
        print(f"body: {text(bytes(data))!r} ({ending})")
        print(f"trailers: {_trailers(types.IncomingBody.finish(incoming))}")


def _post_with_trailers(path: str, headers: Sequence[tuple[str, bytes]]) -> None:
    request = _request("POST", path, headers)
    body = request.body()
    future = _handle(request)
    print(f"write: {_write(body, b'hello')}")
    trailers = types.Fields.from_list([("X-Checksum", b"abc")])
    finished = _finish(body, trailers)
    print(f"finish: {finished}")
    if finished == "ok":
        _outcome(future)


def request_trailers() -> None:
    """POST a body, then finish it with an X-Checksum trailer no Trailer header announced."""
    _post_with_trailers("/trailers", [])


def request_trailers_declared() -> None:
    """POST a body announcing Trailer: X-Checksum, then finish it with that trailer."""
    _post_with_trailers("/trailers-declared", [("Trailer", b"X-Checksum")])


def no_content_statuses() -> None:
    """204 and 304 with a Content-Length, HEAD with Transfer-Encoding: chunked; then a plain GET."""
    cases = (("GET", "/no-content"), ("GET", "/not-modified"), ("HEAD", "/head-chunked"), ("GET", "/after"))
    for verb, path in cases:
        print(f"--- {verb} {path}")
        request = _request(verb, path)
        body = request.body()
        future = _handle(request)
        _finish(body)
        _outcome(future)
