"""Server probes for fields as a handler sees and sets them, and the request's shape as it sees it."""

from __future__ import annotations

from collections.abc import Callable

from componentize_py_types import Err, Ok
from wasihttp import error_code, kebab, method_name, respond, text
from wit_world.imports import types
from wit_world.imports.types import IncomingRequest, ResponseOutparam

_PLAIN = [("Content-Type", "text/plain")]
# Names a handler might not be allowed to set on a response (the WIT does not list them).
_HOP_BY_HOP = [
    ("connection", "close"),
    ("keep-alive", "timeout=5"),
    ("transfer-encoding", "chunked"),
    ("upgrade", "websocket"),
    ("proxy-connection", "keep-alive"),
    ("te", "trailers"),
    ("host", "example.com"),
]


def _answer(out: ResponseOutparam, lines: list[str], headers: list[tuple[str, str]] | None = None) -> None:
    respond(out, 200, _PLAIN + (headers or []), ("\n".join(lines) + "\n").encode())


def _values(values: list[bytes]) -> str:
    return repr([text(value) for value in values])


def _outcome(call: Callable[[], object]) -> str:
    """`ok`, or the WIT name of the error a fields call returned (header-error.immutable, say)."""
    try:
        call()
    except Err as error:
        value = error.value
        if type(value).__name__.startswith("HeaderError_"):
            return "header-error." + kebab(type(value).__name__.removeprefix("HeaderError_"))
        if type(value).__name__.startswith("ErrorCode_"):
            return "error-code." + error_code(value)
        return f"error {value!r}"
    return "ok"


def _appending(name: str, value: str) -> Callable[[], object]:
    return lambda: types.Fields().append(name, value.encode())


def _listing(name: str, value: str) -> Callable[[], object]:
    return lambda: types.Fields.from_list([(name, value.encode())])


def request_repeats(request: IncomingRequest, out: ResponseOutparam) -> None:
    """fields.get (lower and upper case) and entries() for repeated and empty request headers."""
    headers = request.headers()
    lines = [f"get {name}: {_values(headers.get(name))}" for name in ("x-dup", "X-DUP", "cookie", "x-empty")]
    watched = ("x-dup", "cookie", "x-empty")
    lines += [
        f"entry {name.lower()}: {text(value)!r}"
        for name, value in headers.entries()
        if name.lower() in watched
    ]
    _answer(out, lines)


def name_case(request: IncomingRequest, out: ResponseOutparam) -> None:
    """The case of request header names in entries(); sets X-Handler-Case on the response."""
    names = [name for name, _ in request.headers().entries() if name.lower().startswith("x-")]
    lines = [f"entry name: {name}" for name in names]
    _answer(out, lines, [("X-Handler-Case", "as-written")])


def value_bytes(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Every value of X-Text as the handler received it, in hex (bytes, whatever their encoding)."""
    lines = [f"x-text hex: {value.hex()}" for value in request.headers().get("x-text")]
    _answer(out, lines or ["x-text: absent"])


def immutable_request_headers(request: IncomingRequest, out: ResponseOutparam) -> None:
    """append, set and delete on the request's headers, which the WIT says are immutable."""
    headers = request.headers()
    lines = [
        f"append: {_outcome(lambda: headers.append('x-added', b'1'))}",
        f"set: {_outcome(lambda: headers.set('x-present', [b'changed']))}",
        f"delete: {_outcome(lambda: headers.delete('x-present'))}",
        f"x-present after: {_values(headers.get('x-present'))}",
        f"x-added after: {_values(headers.get('x-added'))}",
    ]
    _answer(out, lines)


def hop_by_hop_response_headers(request: IncomingRequest, out: ResponseOutparam) -> None:
    """/report: append and from-list of each hop-by-hop name on fresh fields, and what each returned.
    /NAME: a response carrying that one header (with a plausible value), if the fields accept it."""
    path = (request.path_with_query() or "/").strip("/")
    if path == "report":
        lines = []
        for name, value in _HOP_BY_HOP:
            lines.append(f"append {name}: {_outcome(_appending(name, value))}")
            lines.append(f"from-list {name}: {_outcome(_listing(name, value))}")
        _answer(out, lines)
        return
    value = dict(_HOP_BY_HOP)[path]
    headers = types.Fields.from_list([("Content-Type", b"text/plain")])
    outcome = _outcome(lambda: headers.append(path, value.encode()))
    response = types.OutgoingResponse(headers)
    body = response.body()
    types.ResponseOutparam.set(out, Ok(response))
    stream = body.write()
    stream.blocking_write_and_flush(f"append {path}: {outcome}\n".encode())
    stream.__exit__(None, None, None)
    types.OutgoingBody.finish(body, None)


def header_order(request: IncomingRequest, out: ResponseOutparam) -> None:
    """The order of the request's X- headers in entries() (names lower-cased: case is another probe);
    the response carries X- headers of its own, in a fixed order across names."""
    lines = [
        f"{name.lower()}: {text(value)}"
        for name, value in request.headers().entries()
        if name.lower().startswith("x-")
    ]
    response_headers = [("X-Zeta", "1"), ("X-Alpha", "2"), ("X-Mid", "3"), ("X-Alpha", "4"), ("X-Beta", "5")]
    _answer(out, lines, response_headers)


def request_shape(request: IncomingRequest, out: ResponseOutparam) -> None:
    """Method, scheme, authority, path with query and Host header values, as the handler sees them."""
    lines = [
        f"method: {_method(request.method())}",
        f"scheme: {_scheme(request.scheme())}",
        f"authority: {request.authority()}",
        f"path-with-query: {request.path_with_query()}",
        f"host header: {_values(request.headers().get('host'))}",
    ]
    _answer(out, lines)


def _method(value: types.Method) -> str:
    if isinstance(value, types.Method_Other):
        return f"other({value.value})"
    return method_name(value).lower()


def _scheme(value: types.Scheme | None) -> str:
    if value is None:
        return "none"
    if isinstance(value, types.Scheme_Other):
        return f"other({value.value})"
    return type(value).__name__.removeprefix("Scheme_").lower()
