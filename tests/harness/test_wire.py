"""The origin server and the request driver keep header order, case and repeats, and add nothing."""

from __future__ import annotations

import errno
import socket
import threading

from portcheck.harness import driver
from portcheck.harness.http1 import Reader, read_head
from portcheck.harness.origin import OriginServer
from portcheck.model.scenario import Origin, OriginResponse, ScriptedRequest


def raw_exchange(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError as error:  # a reset that arrived first (seen under load) leaves nothing to shut
            if error.errno != errno.ENOTCONN:
                raise
            raise ConnectionResetError(errno.ECONNRESET, "reset before the request was sent") from error
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_origin_sends_scripted_headers_exactly_and_adds_only_framing() -> None:
    response = OriginResponse(200, (("Set-Cookie", "a=1"), ("x-ORDER", "1"), ("Set-Cookie", "b=2")), b"hi")
    with OriginServer(Origin(responses=(response,))) as origin:
        data = raw_exchange(origin.url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert data == (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nx-ORDER: 1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nhi"
    )


def test_origin_records_requests_as_received() -> None:
    with OriginServer(Origin(responses=(OriginResponse(204),))) as origin:
        raw_exchange(
            origin.url,
            b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Dup: 1\r\nx-dup: 2\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        [request] = origin.recorded()
    assert (request.method, request.target, request.body, request.framing) == (
        "POST",
        "/a?b=1",
        b"abcde",
        "chunked",
    )
    assert request.headers[:3] == [("Host", "x"), ("X-Dup", "1"), ("x-dup", "2")]


def test_origin_serves_responses_in_order_then_repeats_the_last() -> None:
    responses = (OriginResponse(200, body=b"one"), OriginResponse(201, body=b"two"))
    with OriginServer(Origin(responses=responses)) as origin:
        statuses = [
            raw_exchange(origin.url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").split(b" ")[1]
            for _ in range(3)
        ]
    assert statuses == [b"200", b"201", b"201"]


def test_origin_answers_head_without_a_body() -> None:
    with OriginServer(
        Origin(responses=(OriginResponse(200, (("Content-Length", "5"),), b"hello"),))
    ) as origin:
        data = raw_exchange(origin.url, b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert data == b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"


def test_refusing_origin_refuses() -> None:
    with OriginServer(Origin(refuse=True)) as origin:
        host, port = origin.url.removeprefix("http://").split(":")
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
            refused = False
        except ConnectionRefusedError:
            refused = True
    assert refused


def serve_once(reply: bytes) -> tuple[int, list[bytes]]:
    """A one-shot raw TCP peer that records the request bytes and sends `reply`."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def answer() -> None:
        connection, _ = listener.accept()
        with connection, listener:
            reader = Reader(connection)
            start, headers = read_head(reader)
            seen.append(start.encode() + b"|" + b"|".join(f"{k}: {v}".encode() for k, v in headers))
            if reply:
                connection.sendall(reply)

    threading.Thread(target=answer, daemon=True).start()
    return listener.getsockname()[1], seen


def test_driver_keeps_request_header_order_case_and_repeats() -> None:
    port, seen = serve_once(b"HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n\r\nok")
    request = ScriptedRequest("PURGE", "/p?q=1", (("X-A", "1"), ("x-a", "2"), ("Accept", "*/*")))
    exchange = driver.send(request, "127.0.0.1", port, timeout=10)
    assert seen == [f"PURGE /p?q=1 HTTP/1.1|Host: 127.0.0.1:{port}|X-A: 1|x-a: 2|Accept: */*".encode()]
    assert (exchange.status, exchange.headers, exchange.body) == (
        200,
        [("X-A", "1"), ("x-a", "2"), ("Content-Length", "2")],
        b"ok",
    )


def test_driver_records_a_closed_connection_as_no_response() -> None:
    port, _ = serve_once(b"")
    exchange = driver.send(ScriptedRequest("GET", "/"), "127.0.0.1", port, timeout=10)
    assert exchange.failure == "no-response" and exchange.status is None


def test_driver_decodes_chunked_bodies() -> None:
    port, _ = serve_once(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"
    )
    exchange = driver.send(ScriptedRequest("GET", "/"), "127.0.0.1", port, timeout=10)
    assert (exchange.body, exchange.framing) == (b"abc", "chunked")


def one_response(**fields: object) -> Origin:
    return Origin(responses=(OriginResponse(**{"status": 200, **fields}),))  # type: ignore[arg-type]


GET_CLOSE = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def test_origin_sends_trailers_chunked() -> None:
    with OriginServer(one_response(body=b"abc", trailers=(("X-Sum", "6"),))) as origin:
        data = raw_exchange(origin.url, GET_CLOSE)
    assert data == b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 6\r\n\r\n"


def test_origin_latin1_header_bytes() -> None:
    with OriginServer(one_response(headers=(("X-Name", "café"),), header_encoding="latin-1")) as origin:
        data = raw_exchange(origin.url, GET_CLOSE)
    assert b"X-Name: caf\xe9\r\n" in data


def test_origin_misbehaves_on_request() -> None:
    with OriginServer(one_response(body=b"0123456789", action="close-mid-body")) as origin:
        assert raw_exchange(origin.url, GET_CLOSE).endswith(b"Content-Length: 10\r\n\r\n01234")
    with OriginServer(one_response(action="close")) as origin:
        assert raw_exchange(origin.url, GET_CLOSE) == b""
        assert [r.method for r in origin.recorded()] == ["GET"]
    with OriginServer(one_response(action="reset")) as origin:
        try:
            raw_exchange(origin.url, GET_CLOSE)
            outcome = "no reset"
        except ConnectionResetError:
            outcome = "reset"
    assert outcome == "reset"


def test_origin_stall_holds_until_the_client_leaves() -> None:
    with OriginServer(one_response(action="stall")) as origin:
        host, port = origin.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(GET_CLOSE)
            sock.settimeout(0.3)
            try:
                sock.recv(1)
                outcome = "answered"
            except TimeoutError:
                outcome = "stalled"
    assert outcome == "stalled"


def test_blackhole_origin_never_completes_a_connect() -> None:
    with OriginServer(Origin(blackhole=True)) as origin:
        host, port = origin.url.removeprefix("http://").split(":")
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
            outcome = "connected"
        except TimeoutError:
            outcome = "timed out"
    assert outcome == "timed out"


def test_origin_on_ipv6_loopback() -> None:
    with OriginServer(Origin(responses=(OriginResponse(200, body=b"six"),), host="::1")) as origin:
        assert origin.url.startswith("http://[::1]:")
        port = int(origin.authority.rsplit(":", 1)[1])
        with socket.create_connection(("::1", port), timeout=10) as sock:
            sock.sendall(GET_CLOSE)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    assert data.endswith(b"\r\n\r\nsix")
