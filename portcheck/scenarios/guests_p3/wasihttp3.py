"""Small helpers over the wasi:http 0.3 bindings componentize-py generates, shared by the probes.

They print exactly what the WASI 0.2 probes' helpers (guests/wasihttp.py) print, so that a 0.3
scenario's output compares with its 0.2 twin's line for line: only the API underneath differs
(`client.send` and `handler.handle` are async, bodies are `stream<u8>` and trailers a `future`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable

import componentize_py_async_support
import wit_world
from componentize_py_async_support.streams import ByteStreamReader
from componentize_py_types import Ok
from wit_world.imports import client
from wit_world.imports import wasi_http_types as types

CHUNK = 4096  # the 0.2 probes write at most 4096 bytes at a time; these do the same
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
    """An error-code variant as its WIT name, with its payload when it has one (as in 0.2).

    internal-error's message goes to stderr only: the WIT says it is not required to be
    consistent between implementations.
    """
    name = kebab(type(error).__name__.split("_", 1)[-1])
    payload = getattr(error, "value", None)
    if name == "internal-error":
        print(f"internal-error message: {payload!r}", file=sys.stderr)
        return name
    return name if payload is None else f"{name}({payload!r})"


def text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def no_trailers() -> wit_world.FutureReader:
    """A trailers future that resolves to ok(none): its writer is dropped, which sends the default."""
    return wit_world.result_option_wasi_http_types_fields_wasi_http_types_error_code_future(lambda: Ok(None))[
        1
    ]


def body_stream(data: bytes) -> ByteStreamReader:
    """A stream<u8> carrying `data` in CHUNK-sized writes, then closed; written as the task goes on."""
    writer, reader = wit_world.byte_stream()

    async def write() -> None:
        with writer:
            for start in range(0, len(data), CHUNK):
                await writer.write_all(data[start : start + CHUNK])

    componentize_py_async_support.spawn(write())
    return reader


async def read_stream(stream: ByteStreamReader) -> bytes:
    data = bytearray()
    with stream:
        while not stream.writer_dropped:
            data += await stream.read(65536)
    return bytes(data)


def finished() -> wit_world.FutureReader:
    """The `res` future consume-body takes: ok once the guest is done with the body (its writer dropped)."""
    return wit_world.result_unit_wasi_http_types_error_code_future(lambda: Ok(None))[1]


async def read_body(message: types.Request | types.Response) -> bytes:
    """The whole body of a request or response (consume-body), then its trailers future read."""
    body, trailers = type(message).consume_body(message, finished())
    data = await read_stream(body)
    with trailers:
        await trailers.read()
    return data


async def send(
    verb: str,
    path: str,
    headers: Iterable[tuple[str, str]] | types.Fields = (),
    body: bytes | None = None,
    authority: str | None = None,
) -> types.Response:
    """Send a request to the origin (http, its authority), wait for the response; raises Err(error-code)."""
    given = headers if isinstance(headers, types.Fields) else fields(headers)
    contents = body_stream(body) if body else None
    request, _transmitted = types.Request.new(given, contents, no_trailers(), None)
    request.set_method(method(verb))
    request.set_scheme(types.Scheme_Http())
    request.set_authority(authority if authority is not None else origin_authority())
    request.set_path_with_query(path)
    return await client.send(request)


async def print_response(response: types.Response, names: Iterable[str] = ()) -> bytes:
    """Print the status, every value of each named header (via fields.get), and the body."""
    print(f"status: {response.get_status_code()}")
    headers = response.get_headers()
    for name in names:
        for value in headers.get(name):
            print(f"{name}: {text(value)}")
    body = await read_body(response)
    print(f"body: {text(body)!r}")
    return body


def respond(status: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b"") -> types.Response:
    """A complete response: its body is written as the handler's task goes on, after it returns."""
    response, _transmitted = types.Response.new(fields(headers), body_stream(body), no_trailers())
    response.set_status_code(status)
    return response
