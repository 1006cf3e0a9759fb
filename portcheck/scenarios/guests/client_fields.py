"""Client probes for fields: forbidden and invalid names, case, immutability, odd bytes."""

from __future__ import annotations

from collections.abc import Callable

from componentize_py_types import Err
from wasihttp import (
    dispatch,
    error_code,
    outgoing_request,
    print_response,
    send,
    text,
)
from wit_world.imports import types

# Names an engine may refuse (hop-by-hop, framing, or connection-level fields); the WIT does
# not list which are forbidden, so each is tried with a plausible value and the answer printed.
_MAYBE_FORBIDDEN = (
    ("connection", b"close"),
    ("keep-alive", b"timeout=5"),
    ("host", b"example.test"),
    ("transfer-encoding", b"chunked"),
    ("upgrade", b"websocket"),
    ("proxy-authorization", b"Basic dXNlcjpwYXNz"),
    ("proxy-connection", b"keep-alive"),
    ("te", b"trailers"),
    ("http2-settings", b"AAMAAABkAAQAAP__"),
    ("x-portcheck-control", b"1"),
)
_INVALID_NAMES = ("bad name", "bad:name", "", "bad\r\nname", "bad\x00name", "b\xe4d")
_INVALID_VALUES = (b"a\r\nb", b"a\nb", b"a\rb", b"a\x00b")


def _outcome(action: Callable[..., object], *args: object) -> str:
    """ok, or the header-error / error-code variant `action(*args)` failed with."""
    try:
        action(*args)
    except Err as error:
        return "err" if error.value is None else error_code(error.value)
    return "ok"


def _lowered(entries: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """Entries with lower-cased names, for probes where case is not the question."""
    return [(name.lower(), text(value)) for name, value in entries]


def _send_fields(headers: types.Fields, path: str) -> types.IncomingResponse:
    """GET `path` from the origin with `headers`, an empty body; raises Err(error-code)."""
    return dispatch(outgoing_request("GET", path, headers))


def _print_outcome(label: str, send_it: Callable[..., types.IncomingResponse], *args: object) -> None:
    try:
        response = send_it(*args)
    except Err as error:
        print(f"{label}: error-code: {error_code(error.value)}")
        return
    print_response(response)


def fields_forbidden() -> None:
    """set, append and from-list on each name an engine may forbid; prints ok or the header-error."""
    for name, value in _MAYBE_FORBIDDEN:
        fresh = types.Fields()
        print(f"set {name}: {_outcome(fresh.set, name, [value])}")
        other = types.Fields()
        print(f"append {name}: {_outcome(other.append, name, value)}")
        print(f"from-list {name}: {_outcome(types.Fields.from_list, [(name, value)])}")


def fields_name_case() -> None:
    """Header-name case as entries() returns it, before and after the request owns the fields."""
    headers = types.Fields.from_list([("X-MiXeD-Case", b"1"), ("x-lower", b"2"), ("X-UPPER", b"3")])
    print(f"append x-MIXED-case: {_outcome(headers.append, 'x-MIXED-case', b'4')}")
    for name, value in headers.entries():
        print(f"entry {name}: {text(value)}")
    request = outgoing_request("GET", "/case", headers)
    with request.headers() as owned:
        for name, value in owned.entries():
            print(f"request entry {name}: {text(value)}")
    try:
        response = dispatch(request)
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print_response(response)


def fields_get_has() -> None:
    """get/has/delete with names in another case, absent names, invalid names and empty values."""
    headers = types.Fields.from_list(
        [("X-Token", b"abc"), ("X-Empty", b""), ("x-multi", b"1"), ("X-Multi", b"2")]
    )
    for name in ("x-token", "X-TOKEN", "x-empty", "X-MULTI", "x-absent", "bad name"):
        print(f"get {name!r}: {[text(v) for v in headers.get(name)]}")
        print(f"has {name!r}: {headers.has(name)}")
    print(f"delete 'X-TOKEN': {_outcome(headers.delete, 'X-TOKEN')}")
    print(f"has 'x-token' after delete: {headers.has('x-token')}")
    try:
        response = send("GET", "/reply")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    with response.headers() as received:
        print(f"response get 'x-REPLY': {[text(v) for v in received.get('x-REPLY')]}")
        print(f"response has 'X-REPLY': {received.has('X-REPLY')}")
    print_response(response)


def fields_odd_values() -> None:
    """Non-ASCII UTF-8, an obs-text byte and a tab in request values; a latin-1 response value."""
    headers = types.Fields()
    for name, value in (("x-utf8", "café ☕".encode()), ("x-obs", b"caf\xe9"), ("x-tab", b"a\tb")):
        print(f"append {name}: {_outcome(headers.append, name, value)}")
        print(f"get {name}: {[bytes(v) for v in headers.get(name)]}")
    try:
        response = _send_fields(headers, "/odd")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    with response.headers() as received:
        print(f"response x-latin: {[bytes(v) for v in received.get('x-latin')]}")
    print_response(response)


def fields_invalid() -> None:
    """Invalid names (space, colon, empty, CR LF, NUL, non-ASCII) and values (CR, LF, NUL)."""
    headers = types.Fields()
    for name in _INVALID_NAMES:
        print(f"append name {name!r}: {_outcome(headers.append, name, b'v')}")
        print(f"set name {name!r}: {_outcome(headers.set, name, [b'v'])}")
        print(f"from-list name {name!r}: {_outcome(types.Fields.from_list, [(name, b'v')])}")
    for value in _INVALID_VALUES:
        print(f"append value {value!r}: {_outcome(headers.append, 'x-bad', value)}")
        print(f"set value {value!r}: {_outcome(headers.set, 'x-bad', [value])}")
        print(f"from-list value {value!r}: {_outcome(types.Fields.from_list, [('x-bad', value)])}")
    print(f"entries after: {len(headers.entries())}")
    # RFC 9110 5.5: a field value has no leading or trailing whitespace; whether a value that
    # has some is rejected or kept is left open, so it is printed after the defined answers.
    for value in (b" padded", b"padded ", b"\tpadded"):
        print(f"append value {value!r}: {_outcome(headers.append, 'x-space', value)}")


def fields_immutable() -> None:
    """outgoing-request.headers() and incoming-response.headers() refuse changes; clones accept them."""
    request = outgoing_request("GET", "/immutable", types.Fields.from_list([("X-Before", b"1")]))
    with request.headers() as owned:
        print(f"request append: {_outcome(owned.append, 'x-after', b'2')}")
        print(f"request set: {_outcome(owned.set, 'x-before', [b'3'])}")
        print(f"request delete: {_outcome(owned.delete, 'x-before')}")
        print(f"request entries: {_lowered(owned.entries())}")
        with owned.clone() as copy:
            print(f"request clone append: {_outcome(copy.append, 'x-after', b'2')}")
            print(f"request clone entries: {_lowered(copy.entries())}")
    try:
        response = dispatch(request)
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    with response.headers() as received:
        print(f"response append: {_outcome(received.append, 'x-after', b'2')}")
        print(f"response set: {_outcome(received.set, 'x-reply', [b'changed'])}")
        print(f"response delete: {_outcome(received.delete, 'x-reply')}")
        print(f"response get x-reply: {[text(v) for v in received.get('x-reply')]}")
        with received.clone() as copy:
            print(f"response clone set: {_outcome(copy.set, 'x-reply', [b'changed'])}")
            print(f"response clone get x-reply: {[text(v) for v in copy.get('x-reply')]}")
    print_response(response)


def repeated_request_headers() -> None:
    """Two X-Dup and two Cookie lines in a request: the guest's view, then what reaches the origin."""
    headers = types.Fields.from_list(
        [("X-Dup", b"one"), ("Cookie", b"a=1"), ("X-Dup", b"two"), ("Cookie", b"b=2")]
    )
    for name in ("x-dup", "cookie"):
        for value in headers.get(name):
            print(f"get {name}: {text(value)}")
    _print_outcome("request", _send_fields, headers, "/dup")


def repeated_list_response_headers() -> None:
    """Vary and Cache-Control on two lines each (list fields), via get and in entries() order."""
    response = send("GET", "/lists")
    with response.headers() as received:
        for name in ("vary", "cache-control"):
            for value in received.get(name):
                print(f"{name}: {text(value)}")
        for name, value in received.entries():
            if name.lower() in ("vary", "cache-control"):
                print(f"entry {name.lower()}: {text(value)}")
    print_response(response)
