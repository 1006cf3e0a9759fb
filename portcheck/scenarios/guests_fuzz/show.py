"""What the generic fuzz guests share: the case loop, and everything the WIT API shows, as text.

A fuzz guest runs one case given in PORTCHECK_FUZZ_CASE (JSON) and exits: that is how
`portcheck run` reproduces a case. Without it, the guest loops: it asks the origin for the next
case (GET /portcheck/fuzz/next answers with the case's JSON, held until portcheck has one),
runs it, prints MARK, and asks again, until the origin answers {"stop": true}. One guest
process then serves thousands of cases.

Every line names what it shows (`status: `, `entry 'name': `, `get 'name': `, `body: `), values
as Python reprs, so a line never holds a raw newline and portcheck can parse what it prints.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from componentize_py_types import Err, Ok
from wit_world.imports import outgoing_handler, streams, types

MARK = "--- portcheck-fuzz: end of case ---"
NEXT_PATH = "/portcheck/fuzz/next"
CHUNK = 4096  # blocking-write-and-flush takes at most 4096 bytes
SHOWN_BODY = 200  # longer bodies are shown by length, checksum, head and tail
FETCH_ATTEMPTS = 20
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


def say(line: str) -> None:
    print(line)


def flush() -> None:
    sys.stdout.flush()
    sys.stderr.flush()


def wire(text: str) -> bytes:
    """A case's bytes: JSON carries them as latin-1 text, one character per byte."""
    return text.encode("latin-1")


def kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def error_code(error: Any) -> str:
    """An error-code variant as its WIT name, with its payload; internal-error's message (which the WIT
    says need not be consistent between implementations) goes to stderr only."""
    name = kebab(type(error).__name__.split("_", 1)[-1])
    payload = getattr(error, "value", None)
    if name == "internal-error" or payload is None:
        if payload is not None:
            print(f"internal-error message: {payload!r}", file=sys.stderr)
        return f"error-code.{name}"
    return f"error-code.{name}({payload!r})"


def failure(value: Any) -> str:
    """Any error the API returns, by its WIT name."""
    if value is None:
        return "error"
    kind = type(value).__name__
    if kind.startswith("ErrorCode_"):
        return error_code(value)
    for prefix, wit in (("StreamError_", "stream-error."), ("HeaderError_", "header-error.")):
        if kind.startswith(prefix):
            if kind == "StreamError_LastOperationFailed":
                code = types.http_error_code(value.value)
                return f"{wit}last-operation-failed({'none' if code is None else error_code(code)})"
            return wit + kebab(kind.removeprefix(prefix))
    return f"error {value!r}"


def method(name: str) -> types.Method:
    return METHODS[name]() if name in METHODS else types.Method_Other(name)


def method_name(value: types.Method) -> str:
    if isinstance(value, types.Method_Other):
        return f"other({value.value!r})"
    return type(value).__name__.removeprefix("Method_").upper()


def scheme_name(value: types.Scheme | None) -> str:
    if value is None:
        return "none"
    if isinstance(value, types.Scheme_Other):
        return f"other({value.value!r})"
    return type(value).__name__.removeprefix("Scheme_").lower()


def shown(data: bytes) -> str:
    if len(data) <= SHOWN_BODY:
        return repr(data)
    return f"{len(data)} bytes, adler32 {zlib.adler32(data):08x}, starts {data[:24]!r}, ends {data[-24:]!r}"


def show_fields(fields: types.Fields, skip: str = "", say: Callable[[str], None] = say) -> None:
    """entries() in order, then get() of each name (lower-cased) once, and get() of its upper-case
    spelling when that gives something else (get is case-insensitive). `skip`: a name left out."""
    entries = [(name, value) for name, value in fields.entries() if name.lower() != skip]
    for name, value in entries:
        say(f"entry {name!r}: {value!r}")
    for name in dict.fromkeys(name.lower() for name, _ in entries):
        values = fields.get(name)
        say(f"get {name!r}: {values!r}")
        upper = fields.get(name.upper())
        if upper != values:
            say(f"get-upper {name.upper()!r}: {upper!r}")


def read_stream(stream: streams.InputStream) -> tuple[bytes, str]:
    """Everything until the stream ends, and how it ended (closed, or the error)."""
    data = bytearray()
    while True:
        try:
            data += stream.blocking_read(65536)
        except Err as error:
            if isinstance(error.value, streams.StreamError_Closed):
                return bytes(data), "closed"
            return bytes(data), failure(error.value)


def block(future: Any) -> None:
    pollable = future.subscribe()
    pollable.block()
    pollable.__exit__(None, None, None)


def trailers_of(future: types.FutureTrailers) -> str:
    block(future)
    result = future.get()
    if result is None:
        return "not ready"
    inner = result.value
    if isinstance(inner, Err):
        return failure(inner.value)
    if inner.value is None:
        return "none"
    trailers = inner.value
    entries = repr(trailers.entries())
    trailers.__exit__(None, None, None)
    return entries


def show_body(body: types.IncomingBody, say: Callable[[str], None] = say) -> bytes:
    """The body's bytes, how its stream ended, then (when it closed) the trailers."""
    stream = body.stream()
    data, ending = read_stream(stream)
    stream.__exit__(None, None, None)
    say(f"body: {shown(data)} ({ending})")
    if ending == "closed":
        future = types.IncomingBody.finish(body)
        say(f"trailers: {trailers_of(future)}")
        future.__exit__(None, None, None)
    else:
        body.__exit__(None, None, None)
    return data


def write_all(stream: streams.OutputStream, data: bytes) -> None:
    for start in range(0, len(data), CHUNK):
        stream.blocking_write_and_flush(data[start : start + CHUNK])


def wait(future: types.FutureIncomingResponse) -> types.IncomingResponse:
    """The response, or Err(error-code) raised."""
    while (result := future.get()) is None:
        block(future)
    inner = result.value
    if isinstance(inner, Ok):
        return inner.value
    raise inner


def origin_authority() -> str:
    return os.environ["PORTCHECK_ORIGIN"].split("://", 1)[1].rstrip("/")


def request_to_origin(verb: str, path: str, headers: types.Fields | None = None) -> types.OutgoingRequest:
    request = types.OutgoingRequest(headers if headers is not None else types.Fields())
    request.set_method(method(verb))
    request.set_scheme(types.Scheme_Http())
    request.set_authority(origin_authority())
    request.set_path_with_query(path)
    return request


def fetch_case() -> dict[str, Any] | None:
    """The next case from the origin (None when it says stop); retried if the fetch fails (a wait
    longer than an engine's first-byte timeout), given up when the origin is gone."""
    for _ in range(FETCH_ATTEMPTS):
        try:
            request = request_to_origin("GET", NEXT_PATH)
            outgoing = request.body()
            future = outgoing_handler.handle(request, None)
            types.OutgoingBody.finish(outgoing, None)
            response = wait(future)
        except Err as error:
            if isinstance(error.value, types.ErrorCode_ConnectionRefused):
                return None
            continue
        body = response.consume()
        stream = body.stream()
        data, _ = read_stream(stream)
        stream.__exit__(None, None, None)  # a child: dropped before its body is finished
        for resource in (types.IncomingBody.finish(body), response, future):
            resource.__exit__(None, None, None)
        case = json.loads(data)
        return None if case.get("stop") else case
    return None


def cases() -> Iterator[dict[str, Any]]:
    """The one case of PORTCHECK_FUZZ_CASE, or (without it) every case the origin hands out."""
    given = os.environ.get("PORTCHECK_FUZZ_CASE")
    if given is not None:
        yield json.loads(given)
        return
    while (case := fetch_case()) is not None:
        yield case
        say(MARK)
        flush()


def run_cases(run_one: Callable[[dict[str, Any]], None]) -> None:
    for case in cases():
        run_one(case)
        flush()
