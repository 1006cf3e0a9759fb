"""The generators make valid inputs, the same ones for the same seed, and scenarios that load."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from hypothesis import find, settings

from portcheck.fuzz import GENERATORS, search
from portcheck.fuzz.api_sequences import BY_NAME, ApiCase
from portcheck.fuzz.client_messages import ClientCase, wire
from portcheck.fuzz.interface import ClientInput
from portcheck.fuzz.seeds import Seeds
from portcheck.fuzz.server_requests import INSTRUCTION, ServerCase
from portcheck.matrix.load import parse_matrix
from portcheck.matrix.scenarios import METHOD_TOKEN, SCENARIOS_DIR
from portcheck.model.scenario import OriginResponse

CASES = 100
INTERPRETER_OPS = SCENARIOS_DIR / "guests_fuzz" / "ops.py"


def drawn(name: str, seed: int = 7, count: int = CASES) -> list[object]:
    return [item.value for item in search.draws(GENERATORS[name]().strategy(), seed, count)]


@pytest.mark.parametrize("name", list(GENERATORS))
def test_the_same_seed_gives_the_same_cases(name: str) -> None:
    assert drawn(name, 7, 60) == drawn(name, 7, 60)
    assert drawn(name, 7, 60) != drawn(name, 8, 60)


@pytest.mark.parametrize("name", list(GENERATORS))
def test_every_case_is_a_scenario_the_matrix_loader_takes(name: str, tmp_path: Path) -> None:
    """A case's [[scenario]] table loads (the found.toml of a run is made of them)."""
    generator = GENERATORS[name]()
    source = f"builtin:{generator.guests['python']}"
    tables = []
    for index, case in enumerate(drawn(name, 3, 60)):
        table = {
            "name": f"case-{index}",
            "kind": generator.kind,
            "source": source,
            **generator.scenario_table(case),
        }
        for request in table.get("request", []):
            if isinstance(request.get("body"), bytes):  # found.py writes such a body to a file
                request["body"] = request["body"].decode("latin-1")
        tables.append(table)
    matrix = parse_matrix({"matrix": {"engines": ["wasmtime"]}, "scenario": tables}, tmp_path / "m.toml")
    assert len(matrix.scenarios) == 60
    assert {str(s.source) for s in matrix.scenarios} == {str(SCENARIOS_DIR / generator.guests["python"])}


def test_client_messages_send_an_http_response_and_a_json_instruction() -> None:
    generator = GENERATORS["client-messages"]()
    kinds = set()
    for case in drawn("client-messages"):
        assert isinstance(case, ClientCase)
        given = generator.session_input(case)
        assert isinstance(given, ClientInput)
        json.dumps(given.instruction)
        [response] = given.responses
        assert isinstance(response, OriginResponse) and response.raw == wire(case.message)
        assert response.raw.startswith(b"HTTP/1.1 ")
        assert response.action in ("respond-close", "respond-reset", "respond-stall")
        if (
            case.message.framing == "content-length"
            and case.message.length_text is None
            and case.message.cut is None
        ):
            declared = int(re.search(rb"Content-Length: (-?\d+)\r\n", response.raw)[1])  # type: ignore[index]
            assert declared == len(case.message.body) + case.message.length_change
        kinds.add(case.message.framing)
    assert kinds == {"content-length", "chunked", "close"}


def test_server_requests_are_requests_the_driver_can_send() -> None:
    generator = GENERATORS["server-requests"]()
    instructed = 0
    for case in drawn("server-requests"):
        assert isinstance(case, ServerCase)
        request = generator.session_input(case)
        assert METHOD_TOKEN.fullmatch(request.method)
        assert not any(c in request.path for c in " \r\n")
        request.path.encode("latin-1")
        for name, value in request.headers:
            name.encode("latin-1"), value.encode("latin-1")
        lines = [value for name, value in request.headers if name == INSTRUCTION]
        if lines:
            instructed += 1
            assert json.loads(lines[0])["status"] >= 0
    assert 0 < instructed < CASES


def test_a_user_server_gets_no_instructions() -> None:
    generator = GENERATORS["server-requests"](generic=False)
    cases = [item.value for item in search.draws(generator.strategy(), 7, 60)]
    assert all(case.instruction is None for case in cases)


def test_api_sequences_name_only_ops_the_interpreter_has_and_earlier_slots() -> None:
    known = set(re.findall(r'^    "([a-z.-]+)": ', INTERPRETER_OPS.read_text(), re.M))
    assert set(BY_NAME) == known
    reached = set()
    for case in drawn("api-sequences", 7, 200):
        assert isinstance(case, ApiCase)
        json.loads(json.dumps(case.to_json()))
        for index, (name, *args) in enumerate(case.ops):
            reached.add(name)
            assert name in known
            assert all(arg["slot"] < index for arg in args if isinstance(arg, dict))
    assert {
        "outgoing-handler.handle",
        "future-incoming-response.wait",
        "incoming-body.stream",
        "drop",
    } <= reached


def test_api_sequences_cases_fit_one_environment_variable_and_unpack_to_themselves() -> None:
    """Twenty-four 64 KiB writes would pass Linux's 128 KiB limit on one variable (E2BIG when
    `portcheck run` reproduces the case): long strings travel as runs, and the guest expands them."""
    unpack = runpy.run_path(str(SCENARIOS_DIR / "guests_fuzz" / "unpack.py"))["unpacked"]
    writes = tuple(("outgoing-body.write", {"slot": 0}, "x" * 65536) for _ in range(24))
    case = ApiCase((("fields.from-list", [["x-a", "/" + "p" * 5000]]), *writes))
    packed = json.dumps(case.to_json())
    assert len(packed) < 4096
    assert unpack(json.loads(packed)["ops"]) == [list(op) for op in json.loads(json.dumps(case.ops))]
    for case in drawn("api-sequences", 7, 200):
        assert unpack(json.loads(json.dumps(case.to_json()))["ops"]) == json.loads(json.dumps(case.ops))


def test_user_scenarios_seed_cases_and_values() -> None:
    matrix = parse_matrix(
        {
            "matrix": {"engines": ["wasmtime"]},
            "scenario": [
                {
                    "name": "mine",
                    "kind": "client",
                    "source": "builtin:guests_fuzz/client.py",
                    "origin": {"response": [{"status": 299, "headers": [["X-Mine", "seeded"]], "body": "b"}]},
                },
                {
                    "name": "my-server",
                    "kind": "server",
                    "source": "builtin:guests_fuzz/server.py",
                    "request": [{"method": "PURGE", "path": "/mine", "headers": [["X-Mine", "seeded"]]}],
                },
            ],
        },
        Path("m.toml"),
    )
    seeds = Seeds.from_scenarios(matrix.scenarios)
    assert seeds.statuses == (299,) and "X-Mine" in seeds.header_names and b"seeded" in seeds.header_values
    [client] = GENERATORS["client-messages"](seeds).seed_cases()
    assert b"X-Mine: seeded\r\n" in wire(client.message) and client.message.status == 299
    [server] = GENERATORS["server-requests"](seeds).seed_cases()
    assert (server.method, server.target, server.headers) == ("PURGE", "/mine", (("X-Mine", b"seeded"),))
    seeded = find(  # the seeded status is one the strategy draws
        GENERATORS["client-messages"](seeds).strategy(),
        lambda case: case.message.status == 299,
        settings=settings(max_examples=5000, database=None),
    )
    assert seeded.message.status == 299
