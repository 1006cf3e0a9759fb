"""Sends scripted requests to a served component and records the raw responses."""

from __future__ import annotations

import socket
from collections.abc import Callable

from portcheck.harness.http1 import (
    Incomplete,
    Reader,
    framing_of,
    header_values,
    read_body,
    read_head,
    serialize_head,
)
from portcheck.model.observation import Exchange, Header
from portcheck.model.scenario import ScriptedRequest

STATUS_LINE_START = b"HTTP/1."


def request_bytes(request: ScriptedRequest, host: str, port: int) -> bytes:
    """The request as written in the scenario, plus Host (unless `host = false`) and Content-Length
    when it lacks them."""
    headers: list[Header] = list(request.headers)
    if request.host and not header_values(headers, "host"):
        headers.insert(0, ("Host", f"{host}:{port}"))
    framed = header_values(headers, "content-length") or header_values(headers, "transfer-encoding")
    if request.body and not framed:
        headers.append(("Content-Length", str(len(request.body))))
    start = f"{request.method} {request.path} HTTP/1.1"
    return serialize_head(start, headers, request.header_encoding) + request.body


def parse_status(line: str) -> tuple[int, str]:
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP status line: {line!r}")
    return int(parts[1]), parts[2] if len(parts) > 2 else ""


def once(action: Callable[[], None] | None) -> Callable[[], None]:
    """`action`, callable any number of times but run at most once (and never if None)."""
    pending = [action] if action is not None else []

    def run() -> None:
        while pending:
            pending.pop()()

    return run


def send(
    request: ScriptedRequest, host: str, port: int, timeout: float, confirm: Callable[[], None] | None = None
) -> Exchange:
    """One request on a fresh connection; a transport failure is recorded, not raised.

    `confirm` is the handshake (the request's `handshake` key says when): called once the head,
    the first body bytes or the whole response arrived, and in any case once the exchange is over.
    """
    release = once(confirm)
    try:
        return exchange_on(request, host, port, timeout, release)
    finally:
        release()


def exchange_on(
    request: ScriptedRequest, host: str, port: int, timeout: float, release: Callable[[], None]
) -> Exchange:
    exchange = Exchange(request=f"{request.method} {request.path}")
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        exchange.failure = "refused"
        return exchange
    except OSError as error:
        exchange.failure = "timeout" if isinstance(error, TimeoutError) else "refused"
        return exchange
    reader = Reader(sock, on_body=release if request.handshake == "body" else None)
    with sock:
        sent = request_bytes(request, host, port)
        try:
            sock.sendall(sent)
            status, reason, headers = read_final_head(reader)
            exchange.status, exchange.reason, exchange.headers = status, reason, headers
            exchange.framing = framing_of(headers)
            if request.handshake == "head":
                release()
            if request.method == "HEAD" or status in (204, 304):
                exchange.body, exchange.framing = b"", "none"
                release()
                exchange.extra = bytes_after_head(reader, sock, sent, headers)
            else:
                exchange.body, exchange.framing, exchange.trailers = read_body(
                    reader, headers, until_close=True
                )
        except Incomplete as error:
            exchange.failure = "incomplete" if exchange.status is not None else "no-response"
            if exchange.status is not None:
                exchange.body = error.partial
        except ConnectionResetError:
            exchange.failure = "reset" if exchange.status is None else "incomplete"
        except TimeoutError:
            exchange.failure = "timeout"
        except (OSError, ValueError) as error:
            exchange.failure, exchange.detail = "protocol-error", str(error)
    return exchange


def bytes_after_head(reader: Reader, sock: socket.socket, sent: bytes, headers: list[Header]) -> bytes:
    """What the server sends after a response that has no body (HEAD, 204, 304): nothing belongs there.

    Read without a timed wait: send the same request again on this connection and take what
    arrives before the next status line, or everything until the server closes.
    """
    closing = any(value.lower() == "close" for value in header_values(headers, "connection"))
    try:
        if not closing:
            sock.sendall(sent)
        while (found := reader.buffer.find(STATUS_LINE_START)) < 0 and reader.fill():
            pass
    except OSError:
        found = -1  # reset, timeout: keep what arrived
    data = bytes(reader.buffer if found < 0 else reader.buffer[:found])
    reader.buffer.clear()
    return data


def read_final_head(reader: Reader) -> tuple[int, str, list[Header]]:
    """Skip interim 1xx responses (100 Continue) and return the final status and headers."""
    while True:
        start, headers = read_head(reader)
        status, reason = parse_status(start)
        if status >= 200 or status == 101:
            return status, reason, headers
