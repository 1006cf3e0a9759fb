"""Sends scripted requests to a served component and records the raw responses."""

from __future__ import annotations

import socket

from portcheck.harness.http1 import (
    Incomplete,
    Reader,
    header_values,
    read_body,
    read_head,
    serialize_head,
)
from portcheck.model.observation import Exchange, Header
from portcheck.model.scenario import ScriptedRequest


def request_bytes(request: ScriptedRequest, host: str, port: int) -> bytes:
    """The request as written in the scenario, plus Host and Content-Length when it lacks them."""
    headers: list[Header] = list(request.headers)
    if not header_values(headers, "host"):
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


def send(request: ScriptedRequest, host: str, port: int, timeout: float) -> Exchange:
    """One request on a fresh connection; a transport failure is recorded, not raised."""
    exchange = Exchange(request=f"{request.method} {request.path}")
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        exchange.failure = "refused"
        return exchange
    except OSError as error:
        exchange.failure = "timeout" if isinstance(error, TimeoutError) else "refused"
        return exchange
    reader = Reader(sock)
    with sock:
        try:
            sock.sendall(request_bytes(request, host, port))
            status, reason, headers = read_final_head(reader)
            exchange.status, exchange.reason, exchange.headers = status, reason, headers
            if request.method == "HEAD" or status in (204, 304):
                exchange.body, exchange.framing = b"", "none"
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


def read_final_head(reader: Reader) -> tuple[int, str, list[Header]]:
    """Skip interim 1xx responses (100 Continue) and return the final status and headers."""
    while True:
        start, headers = read_head(reader)
        status, reason = parse_status(start)
        if status >= 200 or status == 101:
            return status, reason, headers
