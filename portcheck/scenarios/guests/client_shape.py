"""Client probes for request shape: authorities, paths, methods, Host."""

from __future__ import annotations

from collections.abc import Callable

from componentize_py_types import Err
from wasihttp import error_code, origin_authority, outgoing_request, print_response, wait, write_body
from wit_world.imports import outgoing_handler, types

_LONG_QUERY = "/long?q=" + "a" * 4000


def _set(label: str, action: Callable[..., object], *args: object) -> bool:
    """Call `action(*args)`, print `label: ok` or `label: err`; True when it succeeded."""
    try:
        action(*args)
    except Err:
        print(f"{label}: err")
        return False
    print(f"{label}: ok")
    return True


def _send(request: types.OutgoingRequest) -> None:
    """Send the request with an empty body; print the status and body, or the error-code."""
    body = request.body()
    try:
        future = outgoing_handler.handle(request, None)
    except Err as error:
        print(f"handle: error-code: {error_code(error.value)}")
        return
    write_body(body, b"")
    try:
        response = wait(future)
    except Err as error:
        print(f"response: error-code: {error_code(error.value)}")
        return
    print_response(response)


def authority_ipv6() -> None:
    """The origin listens on [::1]: request it by its bracketed IPv6 authority."""
    request = types.OutgoingRequest(types.Fields())
    request.set_scheme(types.Scheme_Http())
    request.set_path_with_query("/v6")
    if _set("set-authority [::1]:port", request.set_authority, origin_authority()):
        print(f"authority read back: {request.authority()!r}")
        _send(request)


def authority_userinfo() -> None:
    """user@host:port as the authority: RFC 3986 allows userinfo, RFC 9110 4.2.4 forbids sending it."""
    request = outgoing_request()
    if _set("set-authority user@", request.set_authority, f"user@{origin_authority()}"):
        print(f"authority read back: {request.authority()!r}")
        request.set_path_with_query("/userinfo")
        _send(request)


def authority_invalid() -> None:
    """Authorities no http request can use: port out of range or not digits, empty, a space, none."""
    host, port = origin_authority().rsplit(":", 1)
    cases = (
        ("port 99999", f"{host}:99999"),
        ("port abc", f"{host}:abc"),
        ("empty", ""),
        ("space", f"{host} :{port}"),
        ("none", None),
    )
    for label, authority in cases:
        request = outgoing_request()
        request.set_path_with_query(f"/{label.replace(' ', '-')}")
        if _set(f"set-authority {label}", request.set_authority, authority):
            _send(request)


def path_valid() -> None:
    """Paths and queries RFC 3986 allows: query only, escapes, params, a long query, dots, none."""
    cases = (
        ("query only", "?x=1"),
        ("escapes", "/a%20b?x=1&y=%41"),
        ("params", "/p;v=1/q?a=b&a=c&e="),
        ("long query", _LONG_QUERY),
        ("dots", "/dots/../x/./y"),
        ("none", None),
    )
    for label, path in cases:
        request = outgoing_request()
        if _set(f"set-path-with-query {label}", request.set_path_with_query, path):
            _send(request)


def path_invalid() -> None:
    """Strings that are not a path-and-query: a space, a bad escape, a fragment, CR LF; and no slash."""
    cases = (
        ("space", "/a b"),
        ("bad escape", "/x?y=%zz"),
        ("fragment", "/frag#frag"),
        ("crlf", "/x\r\nX-Injected: 1"),
        ("no slash", "no-slash"),
    )
    for label, path in cases:
        request = outgoing_request()
        if _set(f"set-path-with-query {label}", request.set_path_with_query, path):
            _send(request)


def custom_methods() -> None:
    """method.other: PURGE, mixed-case pAtCh, then invalid tokens (a space, empty, a slash)."""
    for name in ("PURGE", "pAtCh", "BAD METHOD", "", "GET/1"):
        request = outgoing_request()
        request.set_path_with_query("/method")
        if _set(f"set-method {name!r}", request.set_method, types.Method_Other(name)):
            print(f"read back: {request.method()!r}")
            _send(request)


def host_header() -> None:
    """The Host an engine sends by default, then with the guest's own Host header."""
    print("--- default")
    request = outgoing_request()
    request.set_path_with_query("/host-default")
    _send(request)
    print("--- guest sets Host: example.test")
    headers = types.Fields()
    _set("append host", headers.append, "host", b"example.test")
    request = outgoing_request("GET", None, headers)
    request.set_path_with_query("/host-custom")
    _send(request)


def scheme_variants() -> None:
    """Schemes http, none, other("ftp") and https, against a port that refuses connections."""
    cases = (
        ("http", types.Scheme_Http()),
        ("none", None),
        ("ftp", types.Scheme_Other("ftp")),
        ("https", types.Scheme_Https()),
    )
    for label, scheme in cases:
        print(f"--- {label}")
        request = outgoing_request()
        request.set_path_with_query(f"/scheme-{label}")
        if _set(f"set-scheme {label}", request.set_scheme, scheme):
            _send(request)
