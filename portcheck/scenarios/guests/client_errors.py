"""Client probes for errors and time: refused, unresolvable, reset, cut short, timeouts."""

from __future__ import annotations

import sys

from componentize_py_types import Err
from wasihttp import dispatch, error_code, origin_authority, outgoing_request, send, text
from wit_world.imports import streams, types

_SHORT = 300_000_000  # 300 ms, in nanoseconds: the origin never answers, so only this can end the wait


def _print_error_or_status(path: str, authority: str | None = None) -> None:
    try:
        response = send("GET", path, authority=authority)
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"unexpected response: {response.status()}")


def _read_until_end(body: types.IncomingBody) -> None:
    """Read a body to its end and print how it ended: the bytes, closed or failed (and why), trailers."""
    stream = body.stream()
    data = bytearray()
    failure: streams.StreamError_LastOperationFailed | None = None
    while True:
        try:
            data += stream.blocking_read(65536)
        except Err as error:
            if isinstance(error.value, streams.StreamError_LastOperationFailed):
                failure = error.value
            break
    print(f"body read: {text(bytes(data))!r}")
    print(f"body end: {'closed' if failure is None else 'last-operation-failed'}")
    if failure is not None:
        sys.stdout.flush()  # an engine may trap in http-error-code: keep what was seen so far
        code = types.http_error_code(failure.value)
        print(f"stream error-code: {'none' if code is None else error_code(code)}")
    stream.__exit__(None, None, None)
    future = types.IncomingBody.finish(body)
    while (result := future.get()) is None:
        future.subscribe().block()
    inner = result.value
    if isinstance(inner, Err):
        print(f"trailers: error-code: {error_code(inner.value)}")
    else:
        print(f"trailers: {'none' if inner.value is None else len(inner.value.entries())}")


def _with_timeout(setting: str) -> types.RequestOptions | None:
    """Request options with one timeout set to 300 ms; None (and says so) if it is not supported."""
    options = types.RequestOptions()
    try:
        getattr(options, f"set_{setting}")(_SHORT)
    except Err:
        print(f"set-{setting.replace('_', '-')}: unsupported")
        return None
    print(f"set-{setting.replace('_', '-')}: ok")
    print(f"read back: {getattr(options, setting)()}")
    return options


def _send_with(options: types.RequestOptions, path: str) -> types.IncomingResponse:
    return dispatch(outgoing_request("GET", path), options=options)


def dns_invalid_name() -> None:
    """Request nonexistent.invalid (RFC 6761 6.4: never resolves) on the origin's port."""
    port = origin_authority().rsplit(":", 1)[1]
    _print_error_or_status("/", authority=f"nonexistent.invalid:{port}")


def origin_reset() -> None:
    """The origin reads the request, then resets the connection: print the error-code variant."""
    _print_error_or_status("/reset")


def origin_close_before_response() -> None:
    """The origin reads the request, then closes without answering: print the error-code variant."""
    _print_error_or_status("/close")


def origin_close_mid_body() -> None:
    """The origin sends the head with the full Content-Length, half the body, then closes."""
    try:
        response = send("GET", "/half")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"status: {response.status()}")
    _read_until_end(response.consume())


def first_byte_timeout() -> None:
    """first-byte-timeout of 300 ms against an origin that reads the request and never answers."""
    options = _with_timeout("first_byte_timeout")
    if options is None:
        return
    try:
        response = _send_with(options, "/stall")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"unexpected response: {response.status()}")


def between_bytes_timeout() -> None:
    """between-bytes-timeout of 300 ms; the origin sends the head and half the body, then nothing."""
    options = _with_timeout("between_bytes_timeout")
    if options is None:
        return
    try:
        response = _send_with(options, "/stall-mid-body")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"status: {response.status()}")
    _read_until_end(response.consume())


def connect_timeout() -> None:
    """connect-timeout of 300 ms against a port whose connect never completes."""
    options = _with_timeout("connect_timeout")
    if options is None:
        return
    try:
        response = _send_with(options, "/blackhole")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"unexpected response: {response.status()}")


_TIMEOUTS = ("connect_timeout", "first_byte_timeout", "between_bytes_timeout")


def timeout_defaults() -> None:
    """A new request-options' three timeouts read before any is set, then each set to 300 ms and
    read back, then a request sent with them (found by portcheck fuzz: the defaults differ)."""
    options = types.RequestOptions()
    for setting in _TIMEOUTS:
        print(f"{setting.replace('_', '-')} of a new request-options: {getattr(options, setting)()}")
    for setting in _TIMEOUTS:
        try:
            getattr(options, f"set_{setting}")(_SHORT)
        except Err:
            print(f"set-{setting.replace('_', '-')}: unsupported")
            continue
        print(f"set-{setting.replace('_', '-')}: ok, read back {getattr(options, setting)()}")
    response = _send_with(options, "/")
    print(f"status: {response.status()}")
