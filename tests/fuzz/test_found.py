"""found.toml loads as a matrix holding each case exactly; [[known]] files and raw responses are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.errors import InputError
from portcheck.fuzz import GENERATORS
from portcheck.fuzz.buckets import Bucket
from portcheck.fuzz.client_messages import ClientCase, Message, wire
from portcheck.fuzz.found import found_toml, write_found
from portcheck.fuzz.known import KnownClass, read_known
from portcheck.fuzz.server_requests import ServerCase
from portcheck.fuzz.targets import Target
from portcheck.matrix.load import load_matrix, parse_matrix
from portcheck.model.scenario import EngineSpec

SPECS = (EngineSpec("wasmtime", "wasmtime"), EngineSpec("jco-bun", "jco", (("runtime", "bun"),)))


def target(name: str) -> Target:
    generator = GENERATORS[name]()
    return Target(generator, Path("x.wasm"), f"builtin:{generator.guests['python']}", "python", {}, {})


def test_found_toml_reproduces_each_case_byte_for_byte(tmp_path: Path) -> None:
    odd = Message(200, "OK", (("X-Odd", b"\x00caf\xe9\x7f"),), "chunked", b"hi", trailers=(("X-T", b"1"),))
    client = Bucket("stdout.trailers: none vs []", "client-messages", ClientCase("GET", odd), None, 1)
    server_case = ServerCase("POST", "/p?\xe9", (("X-B", b"\xff"),), b"\x00\xff not utf-8")
    server = Bucket("responses[*].status: 2xx vs 4xx", "server-requests", server_case, None, 2)
    targets = {"client-messages": target("client-messages"), "server-requests": target("server-requests")}
    text, files = found_toml([client, server], targets, SPECS, "wasmtime", 7, tmp_path)
    assert "/cache" not in text and 'source = "builtin:guests_fuzz/client.py"' in text
    matrix = load_matrix(write_found(tmp_path, text, files))
    assert [e.name for e in matrix.engines] == ["wasmtime", "jco-bun"] and matrix.baseline == "wasmtime"
    first, second = matrix.scenarios
    assert first.name == client.name and first.origin is not None
    assert first.origin.responses[0].raw == wire(odd) and first.origin.responses[0].action == "respond-close"
    request = second.requests[0]
    assert (request.method, request.path, request.body) == ("POST", "/p?\xe9", b"\x00\xff not utf-8")
    assert request.headers == (("X-B", "\xff"),) and request.header_encoding == "latin-1"


def test_raw_responses_are_checked(tmp_path: Path) -> None:
    base = {"matrix": {"engines": ["wasmtime"]}}
    scenario = {"name": "r", "kind": "client", "source": "builtin:guests_fuzz/client.py"}
    for response, problem in (
        ({"raw": "HTTP/1.1 200 OK\r\n\r\n", "status": 200}, "leave out status"),
        ({"raw": "\u2603"}, r"U\+0000 to U\+00FF"),
        ({"raw": "x", "action": "close-mid-body"}, "a raw response goes with one of"),
    ):
        data = {**base, "scenario": [{**scenario, "origin": {"response": [response]}}]}
        with pytest.raises(InputError, match=problem):
            parse_matrix(data, tmp_path / "m.toml")


def test_known_files_name_a_signature_or_a_scenario(tmp_path: Path) -> None:
    path = tmp_path / "known.toml"
    path.write_text('[[known]]\nsignature = "*set-cookie*"\nengine = "jco"\nreason = "upstream"\n')
    [entry] = read_known(path)
    assert entry.covers("jco", "fuzz-x", "stdout.entries[set-cookie]: joined with b','", "stdout")
    assert not entry.covers("wasmtime", "fuzz-x", "stdout.entries[set-cookie]: joined with b','", "stdout")
    by_name = KnownClass("jco", "r", scenario="fuzz-server-requests-*", field="responses[*].status")
    assert by_name.covers("jco", "fuzz-server-requests-1234", "s", "responses[0].status")
    assert not by_name.covers("jco", "fuzz-server-requests-1234", "s", "responses[0].body")
    path.write_text('[[known]]\nengine = "jco"\nreason = "r"\n')
    with pytest.raises(InputError, match="signature"):
        read_known(path)
