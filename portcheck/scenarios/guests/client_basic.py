"""Client probes for the basics: a GET, repeated response headers, a refused connection, methods."""

from __future__ import annotations

from componentize_py_types import Err
from wasihttp import error_code, print_response, send, text


def get_basic() -> None:
    """GET a resource and print status, content-type and body."""
    print_response(send("GET", "/greeting"), ["content-type"])


def repeated_response_headers() -> None:
    """Print every value of Set-Cookie and X-Order, via fields.get and in entries() order."""
    response = send("GET", "/cookies")
    print_response(response, ["set-cookie", "x-order"])
    for name, value in response.headers().entries():
        if name.lower() in ("set-cookie", "x-order"):
            print(f"entry {name}: {text(value)}")


def connection_refused() -> None:
    """Request a local port nobody listens on; print the error-code variant."""
    try:
        response = send("GET", "/")
    except Err as error:
        print(f"error-code: {error_code(error.value)}")
        return
    print(f"unexpected response: {response.status()}")


def head_and_delete() -> None:
    """HEAD then DELETE the same resource; HEAD's body must be empty."""
    for verb in ("HEAD", "DELETE"):
        print(f"--- {verb}")
        body = print_response(send(verb, "/resource"), ["content-length"])
        print(f"body length: {len(body)}")


def body_methods() -> None:
    """POST, PUT and PATCH a JSON body with Content-Type and a custom header."""
    for verb in ("POST", "PUT", "PATCH"):
        payload = f'{{"method": "{verb}", "n": 1}}'.encode()
        headers = [("Content-Type", "application/json"), ("X-Portcheck-Probe", verb.lower())]
        print(f"--- {verb}")
        print_response(send(verb, f"/items/{verb.lower()}", headers, payload))
