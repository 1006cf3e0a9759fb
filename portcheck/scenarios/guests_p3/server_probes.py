"""The WASI 0.3 server component: every 0.3 server probe, chosen per request by PORTCHECK_PROBE.

Each probe has the name of its WASI 0.2 twin's probe (guests/server_*.py) and answers the same.
`handle` returns the response; its body is written as the task goes on (wasihttp3.respond).
"""

from __future__ import annotations

import os

from componentize_py_types import Err
from wasihttp3 import method_name, read_body, respond, text
from wit_world import exports
from wit_world.imports import wasi_http_types as types

_PLAIN = [("Content-Type", "text/plain")]
_PATTERN = b"0123456789abcdef"


async def fixed(request: types.Request) -> types.Response:
    """A fixed status, headers and body, whatever the request."""
    return respond(
        201, [("Content-Type", "text/plain"), ("X-Portcheck", "fixed")], b"created by the handler\n"
    )


async def repeated_headers(request: types.Request) -> types.Response:
    """Three Set-Cookie and two X-Order, in this order."""
    headers = [
        ("Set-Cookie", "a=1; Path=/"),
        ("Set-Cookie", "b=2; Path=/"),
        ("X-Order", "first"),
        ("Set-Cookie", "c=3; Path=/"),
        ("X-Order", "second"),
    ]
    return respond(200, headers, b"cookies\n")


async def echo(request: types.Request) -> types.Response:
    """Answer with the method, path with query, every request header and the body, as seen."""
    lines = [f"method: {method_name(request.get_method())}", f"path: {request.get_path_with_query()}"]
    entries = sorted(request.get_headers().copy_all(), key=lambda entry: entry[0].lower())
    lines += [f"header {name}: {text(value)}" for name, value in entries]
    body = await read_body(request)
    lines.append(f"body: {text(body)!r}")
    return respond(200, _PLAIN, ("\n".join(lines) + "\n").encode())


async def fails_first(request: types.Request) -> types.Response:
    """Raises before returning a response on /fail; answers normally otherwise."""
    if request.get_path_with_query() == "/fail":
        raise RuntimeError("handler failed before responding")
    return respond(200, _PLAIN, b"still serving\n")


async def error_response(request: types.Request) -> types.Response:
    """Returns an error-code instead of a response: /denied, /internal; answers normally otherwise."""
    path = request.get_path_with_query()
    if path == "/denied":
        raise Err(types.ErrorCode_HttpRequestDenied())
    if path == "/internal":
        raise Err(types.ErrorCode_InternalError("chosen by the probe"))
    return respond(200, _PLAIN, b"answered\n")


async def large_body(request: types.Request) -> types.Response:
    """1 MiB of a 16-byte pattern, written in 4096-byte writes."""
    return respond(
        200, [("Content-Type", "application/octet-stream")], _PATTERN * (1024 * 1024 // len(_PATTERN))
    )


HANDLERS = {
    probe.__name__: probe
    for probe in (fixed, repeated_headers, echo, fails_first, error_response, large_body)
}


class Handler(exports.Handler):
    async def handle(self, request: types.Request) -> types.Response:
        return await HANDLERS[os.environ["PORTCHECK_PROBE"]](request)
