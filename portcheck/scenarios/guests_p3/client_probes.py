"""The WASI 0.3 client component: every 0.3 client probe, chosen at run time by PORTCHECK_PROBE.

Each probe has the name of its WASI 0.2 twin's probe (guests/client_*.py) and prints the same.
"""

from __future__ import annotations

import os

from componentize_py_types import Err
from wasihttp3 import error_code, print_response, send, text
from wit_world import exports
from wit_world.imports import wasi_http_types as types


async def get_basic() -> None:
    """GET a resource and print status, content-type and body."""
    await print_response(await send("GET", "/greeting"), ["content-type"])


async def repeated_response_headers() -> None:
    """Print every value of Set-Cookie and X-Order, via fields.get and in copy-all() order."""
    response = await send("GET", "/cookies")
    entries = response.get_headers().copy_all()  # before consume-body takes the response
    await print_response(response, ["set-cookie", "x-order"])
    for name, value in entries:
        if name.lower() in ("set-cookie", "x-order"):
            print(f"entry {name}: {text(value)}")


async def connection_refused() -> None:
    """Request a local port nobody listens on; print the error-code variant."""
    try:
        response = await send("GET", "/")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"unexpected response: {response.get_status_code()}")


async def head_and_delete() -> None:
    """HEAD then DELETE the same resource; HEAD's body must be empty."""
    for verb in ("HEAD", "DELETE"):
        print(f"--- {verb}")
        body = await print_response(await send(verb, "/resource"), ["content-length"])
        print(f"body length: {len(body)}")


async def body_methods() -> None:
    """POST, PUT and PATCH a JSON body with Content-Type and a custom header."""
    for verb in ("POST", "PUT", "PATCH"):
        payload = f'{{"method": "{verb}", "n": 1}}'.encode()
        headers = [("Content-Type", "application/json"), ("X-Portcheck-Probe", verb.lower())]
        print(f"--- {verb}")
        await print_response(await send(verb, f"/items/{verb.lower()}", headers, payload))


async def repeated_request_headers() -> None:
    """Two X-Dup and two Cookie lines in a request: the guest's view, then what reaches the origin."""
    headers = types.Fields.from_list(
        [("X-Dup", b"one"), ("Cookie", b"a=1"), ("X-Dup", b"two"), ("Cookie", b"b=2")]
    )
    for name in ("x-dup", "cookie"):
        for value in headers.get(name):
            print(f"get {name}: {text(value)}")
    try:
        response = await send("GET", "/dup", headers)
    except Err as error:
        print(f"request: error-code: {error_code(error.value)}")
        return
    await print_response(response)


PROBES = {
    probe.__name__: probe
    for probe in (
        get_basic,
        repeated_response_headers,
        connection_refused,
        head_and_delete,
        body_methods,
        repeated_request_headers,
    )
}


class Run(exports.Run):
    async def run(self) -> None:
        await PROBES[os.environ["PORTCHECK_PROBE"]]()
