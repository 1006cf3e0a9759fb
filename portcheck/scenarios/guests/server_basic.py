"""Server probes for the basics: fixed answers, repeated headers, echo, HEAD, a failing handler, a proxy."""

from __future__ import annotations

from componentize_py_types import Err, Ok
from wasihttp import fields, method_name, read_all, respond, send, text, write_all
from wit_world.imports import streams, types
from wit_world.imports.types import IncomingRequest, ResponseOutparam


def fixed(request: IncomingRequest, out: ResponseOutparam) -> None:
    """A fixed status, headers and body, whatever the request."""
    respond(out, 201, [("Content-Type", "text/plain"), ("X-Portcheck", "fixed")], b"created by the handler\n")


def repeated_headers(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Three Set-Cookie and two X-Order, appended in this order."""
    headers = [
        ("Set-Cookie", "a=1; Path=/"),
        ("Set-Cookie", "b=2; Path=/"),
        ("X-Order", "first"),
        ("Set-Cookie", "c=3; Path=/"),
        ("X-Order", "second"),
    ]
    respond(out, 200, headers, b"cookies\n")


def echo(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Answer with the method, path with query, every request header and the body, as seen.

    Headers are listed by name (values of one name keep their order): the relative order of
    different names is not significant in HTTP, and a probe of its own covers it.
    """
    lines = [f"method: {method_name(request.method())}", f"path: {request.path_with_query()}"]
    entries = sorted(request.headers().entries(), key=lambda entry: entry[0].lower())
    lines += [f"header {name}: {text(value)}" for name, value in entries]
    body = read_all(request.consume())
    lines.append(f"body: {text(body)!r}")
    respond(out, 200, [("Content-Type", "text/plain")], ("\n".join(lines) + "\n").encode())


def head_with_body(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Writes a body whatever the method: a HEAD response must not carry it on the wire.

    For HEAD, an engine may close the body stream once the head is sent; whether that happens
    before or after the write is timing, not behaviour, so a closed stream ends the write quietly.
    """
    response = types.OutgoingResponse(fields([("Content-Type", "text/plain")]))
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    try:
        write_all(stream, b"a body the handler always writes\n")
    except Err as error:
        if not isinstance(error.value, streams.StreamError_Closed):
            raise
    stream.__exit__(None, None, None)
    types.OutgoingBody.finish(body, None)


def fails_first(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Raises before setting a response on /fail; answers normally otherwise."""
    if request.path_with_query() == "/fail":
        raise RuntimeError("handler failed before responding")
    respond(out, 200, [("Content-Type", "text/plain")], b"still serving\n")


def proxy(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Calls the origin with the incoming path and relays its status, content-type and body."""
    upstream = send("GET", request.path_with_query() or "/", [("X-Forwarded-By", "portcheck-proxy")])
    content_type = [text(value) for value in upstream.headers().get("content-type")]
    body = read_all(upstream.consume())
    headers = [("Content-Type", value) for value in content_type] + [
        ("X-Upstream-Status", str(upstream.status()))
    ]
    respond(out, 200, headers, body)
