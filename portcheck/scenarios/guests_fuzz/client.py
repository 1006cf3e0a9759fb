"""The generic client guest of `portcheck fuzz`'s client-messages generator.

Each case says which request to send (method, path, headers, body, timeouts); the origin
answers with the generated response. The guest prints everything the WIT API shows of it:
the status, every entries() line, get() of each name, the body and how its stream ended, the
trailers, or the error-code the request ended with (see show.py for the loop and the format).
"""

from __future__ import annotations

from typing import Any

from componentize_py_types import Err
from show import (
    failure,
    request_to_origin,
    run_cases,
    say,
    show_body,
    show_fields,
    wait,
    wire,
    write_all,
)
from wit_world import exports
from wit_world.imports import outgoing_handler, types

MILLISECOND = 1_000_000  # durations are nanoseconds


def options(case: dict[str, Any]) -> types.RequestOptions | None:
    """Request options when the case sets a timeout (a case whose origin stalls does)."""
    first_byte, between_bytes = case.get("first_byte_ms"), case.get("between_bytes_ms")
    if first_byte is None and between_bytes is None:
        return None
    chosen = types.RequestOptions()
    if first_byte is not None:
        chosen.set_first_byte_timeout(first_byte * MILLISECOND)
    if between_bytes is not None:
        chosen.set_between_bytes_timeout(between_bytes * MILLISECOND)
    return chosen


def exchange(case: dict[str, Any]) -> None:
    headers = types.Fields()
    for name, value in case.get("headers", []):
        try:
            headers.append(name, wire(value))
        except Err as error:
            say(f"append {name!r}: {failure(error.value)}")
    request = request_to_origin(case.get("method", "GET"), case.get("path", "/"), headers)
    outgoing = request.body()
    try:
        future = outgoing_handler.handle(request, options(case))
    except Err as error:
        say(f"handle: {failure(error.value)}")
        return
    stream = outgoing.write()
    write_all(stream, wire(case.get("body", "")))
    stream.__exit__(None, None, None)
    types.OutgoingBody.finish(outgoing, None)
    try:
        response = wait(future)
    except Err as error:
        say(f"response: {failure(error.value)}")
        return
    say(f"status: {response.status()}")
    fields = response.headers()
    show_fields(fields)
    fields.__exit__(None, None, None)
    show_body(response.consume())
    response.__exit__(None, None, None)
    future.__exit__(None, None, None)


class Run(exports.Run):
    def run(self) -> None:
        run_cases(exchange)
