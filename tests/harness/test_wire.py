"""The origin server and the request driver keep header order, case and repeats, and add nothing."""

from __future__ import annotations

import errno
import socket
import threading

import pytest

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


def test_driver_keeps_the_chunks_that_arrived_before_the_connection_closed() -> None:
    port, _ = serve_once(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n5\r\ncd")
    exchange = driver.send(ScriptedRequest("GET", "/"), "127.0.0.1", port, timeout=10)
    assert (exchange.failure, exchange.body, exchange.framing) == ("incomplete", b"abcd", "chunked")


def test_driver_sends_no_host_when_told() -> None:
    port, seen = serve_once(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    exchange = driver.send(ScriptedRequest("GET", "/", host=False), "127.0.0.1", port, timeout=10)
    assert seen == [b"GET / HTTP/1.1|"] and exchange.status == 400


READ = b""  # a step of serve_script: read the next request head


def serve_script(steps: list[bytes | threading.Event]) -> int:
    """A raw TCP peer: reads a request head, then per step sends bytes, reads a head (READ) or waits
    for the event, then closes."""
    listener = socket.create_server(("127.0.0.1", 0))

    def play() -> None:
        connection, _ = listener.accept()
        with connection, listener:
            reader = Reader(connection)
            read_head(reader)
            for step in steps:
                if isinstance(step, threading.Event):
                    step.wait(timeout=10)
                elif step == READ:
                    read_head(reader)
                else:
                    connection.sendall(step)

    threading.Thread(target=play, daemon=True).start()
    return listener.getsockname()[1]


def test_driver_records_bytes_after_a_head_without_body() -> None:
    # The server smuggles bytes after a HEAD head; the driver asks again and stops at the next status line.
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    port = serve_script([head + b"hello", READ, head])
    exchange = driver.send(ScriptedRequest("HEAD", "/"), "127.0.0.1", port, timeout=10)
    assert (exchange.status, exchange.body, exchange.framing, exchange.extra) == (200, b"", "none", b"hello")
    port, _ = serve_once(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\nsmuggled")
    assert driver.send(ScriptedRequest("GET", "/"), "127.0.0.1", port, timeout=10).extra == b"smuggled"
    port, _ = serve_once(b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")
    assert driver.send(ScriptedRequest("GET", "/"), "127.0.0.1", port, timeout=10).extra == b""


@pytest.mark.parametrize("when", ["head", "body"])
def test_driver_confirms_once_the_awaited_bytes_arrived(when: str) -> None:
    # The peer sends the rest only after the driver confirmed: without the handshake this would hang.
    confirmed = threading.Event()
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    steps: list[bytes | threading.Event] = (
        [head, confirmed, b"5\r\nfirst\r\n0\r\n\r\n"]
        if when == "head"
        else [head + b"5\r\nfirst\r\n", confirmed, b"4\r\nrest\r\n0\r\n\r\n"]
    )
    calls: list[str] = []
    port = serve_script(steps)
    request = ScriptedRequest("GET", "/", handshake=when)
    exchange = driver.send(
        request, "127.0.0.1", port, 10, confirm=lambda: (calls.append(when), confirmed.set())
    )
    assert exchange.failure is None and exchange.body in (b"first", b"firstrest") and calls == [when]


def test_driver_confirms_at_the_end_and_even_when_nothing_came() -> None:
    calls: list[str] = []
    port, _ = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    request = ScriptedRequest("GET", "/", handshake="end")
    assert driver.send(request, "127.0.0.1", port, 10, confirm=lambda: calls.append("end")).body == b"ok"
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    refused = driver.send(
        ScriptedRequest("GET", "/", handshake="body"), "127.0.0.1", port, 10, lambda: calls.append("x")
    )
    assert refused.failure == "refused" and calls == ["end", "x"]


def test_origin_holds_a_handshake_answer_until_the_driver_confirms() -> None:
    with OriginServer(one_response(body=b"go", action="handshake")) as origin:
        host, port = origin.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(GET_CLOSE)
            sock.settimeout(0.3)
            with pytest.raises(TimeoutError):
                sock.recv(1)
            origin.confirm()
            sock.settimeout(10)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        assert data.endswith(b"Content-Length: 2\r\n\r\ngo")
        held = socket.create_connection((host, int(port)), timeout=10)
        held.sendall(GET_CLOSE)  # never confirmed: closing the origin must still end its thread
    held.close()
