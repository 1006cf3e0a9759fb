"""Small helpers over the wasi:http 0.2 bindings componentize-py generates, shared by the probes.

They use the blocking calls only (`pollable.block`, `blocking-read`,
`blocking-write-and-flush`), so a probe reads top to bottom like the scenario it checks.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable

from componentize_py_types import Err, Ok
from wit_world.imports import outgoing_handler, streams, types

CHUNK = 4096  # blocking-write-and-flush accepts at most 4096 bytes per call
METHODS = {
    "GET": types.Method_Get,
    "HEAD": types.Method_Head,
    "POST": types.Method_Post,
    "PUT": types.Method_Put,
    "DELETE": types.Method_Delete,
    "CONNECT": types.Method_Connect,
    "OPTIONS": types.Method_Options,
    "TRACE": types.Method_Trace,
    "PATCH": types.Method_Patch,
}


def origin_authority() -> str:
    """host:port of the origin portcheck started (PORTCHECK_ORIGIN is http://host:port)."""
    return os.environ["PORTCHECK_ORIGIN"].split("://", 1)[1].rstrip("/")


def method(name: str) -> types.Method:
    return METHODS[name]() if name in METHODS else types.Method_Other(name)


def method_name(value: types.Method) -> str:
    if isinstance(value, types.Method_Other):
        return value.value
    return type(value).__name__.removeprefix("Method_").upper()


def fields(pairs: Iterable[tuple[str, str]]) -> types.Fields:
    return types.Fields.from_list([(name, value.encode()) for name, value in pairs])


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def error_code(error: object) -> str:
    """An error-code variant as its WIT name, with its payload when it has one.

    internal-error's message goes to stderr only: the WIT says it is not required to be
    consistent between implementations, so comparing it would report noise.
    """
    name = kebab(type(error).__name__.split("_", 1)[-1])
    payload = getattr(error, "value", None)
    if name == "internal-error":
        print(f"internal-error message: {payload!r}", file=sys.stderr)
        return name
    return name if payload is None else f"{name}({payload!r})"


def failure_name(value: object) -> str:
    """An error as its WIT name: stream-error.closed, error-code.connection-refused, header-error.forbidden.

    `error` alone for a result without an error type (`result<T>`, such as a second `body()`).
    """
    if value is None:
        return "error"
    for prefix, wit in (("StreamError_", "stream-error."), ("HeaderError_", "header-error.")):
        if type(value).__name__.startswith(prefix):
            return wit + kebab(type(value).__name__.removeprefix(prefix))
    if type(value).__name__.startswith("ErrorCode_"):
        return "error-code." + error_code(value)
    return f"error {value!r}"


def step(what: str) -> None:
    """Say what the probe does next and get it out at once: if the step traps, the line is written."""
    print(what)
    sys.stdout.flush()
    sys.stderr.flush()


def text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def write_all(stream: streams.OutputStream, data: bytes) -> None:
    for start in range(0, len(data), CHUNK):
        stream.blocking_write_and_flush(data[start : start + CHUNK])


def write_body(body: types.OutgoingBody, data: bytes) -> None:
    """Write `data` to an outgoing body and finish it without trailers."""
    stream = body.write()
    write_all(stream, data)
    stream.__exit__(None, None, None)  # the stream must be dropped before the body is finished
    types.OutgoingBody.finish(body, None)


def read_all(body: types.IncomingBody) -> bytes:
    stream = body.stream()
    data = bytearray()
    while True:
        try:
            data += stream.blocking_read(65536)
        except Err as error:
            if isinstance(error.value, streams.StreamError_Closed):
                break
            raise
    stream.__exit__(None, None, None)
    types.IncomingBody.finish(body)
    return bytes(data)


def outgoing_request(
    verb: str = "GET",
    path: str | None = None,
    headers: types.Fields | None = None,
    authority: str | None = None,
) -> types.OutgoingRequest:
    """A request to the origin (http, its authority unless given); the path only when given."""
    request = types.OutgoingRequest(headers if headers is not None else types.Fields())
    request.set_method(method(verb))
    request.set_scheme(types.Scheme_Http())
    request.set_authority(authority if authority is not None else origin_authority())
    if path is not None:
        request.set_path_with_query(path)
    return request


def dispatch(
    request: types.OutgoingRequest, body: bytes = b"", options: types.RequestOptions | None = None
) -> types.IncomingResponse:
    """Hand the request to the engine, write and finish its body, wait for the response head.

    Raises Err(error-code). The body is written after `handle`, so an engine that streams the
    body never waits on a request it has not started.
    """
    outgoing = request.body()
    future = outgoing_handler.handle(request, options)
    write_body(outgoing, body)
    return wait(future)


def send(
    verb: str,
    path: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes | None = None,
    authority: str | None = None,
) -> types.IncomingResponse:
    """Send a request to the origin and wait for the response head; raises Err(error-code)."""
    return dispatch(outgoing_request(verb, path, fields(headers), authority), body or b"")


def wait(future: types.FutureIncomingResponse) -> types.IncomingResponse:
    while (result := future.get()) is None:
        future.subscribe().block()
    inner = result.value  # the outer result only says whether the future was read before
    if isinstance(inner, Ok):
        return inner.value
    raise inner


def print_response(response: types.IncomingResponse, names: Iterable[str] = ()) -> bytes:
    """Print the status, every value of each named header (via fields.get), and the body."""
    print(f"status: {response.status()}")
    headers = response.headers()
    for name in names:
        for value in headers.get(name):
            print(f"{name}: {text(value)}")
    body = read_all(response.consume())
    print(f"body: {text(body)!r}")
    return body


HANDSHAKE_PATH = "/portcheck/handshake"


def await_handshake() -> None:
    """Block until portcheck's driver has received what this handler sent so far.

    The origin holds its answer to this request until the driver confirms (a scenario request
    with `handshake`, an origin response with `action = "handshake"`): no timed wait, so what
    was flushed is on the wire before the handler's next step, on every engine.
    """
    response = send("GET", HANDSHAKE_PATH)
    read_all(response.consume())
    response.__exit__(None, None, None)


def respond(
    out: types.ResponseOutparam, status: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
) -> None:
    """Send a complete response through the outparam."""
    response = types.OutgoingResponse(fields(headers))
    response.set_status_code(status)
    outgoing = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    write_body(outgoing, body)
