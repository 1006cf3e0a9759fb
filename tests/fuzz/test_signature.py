"""Signatures abstract values and indices, fold consequences into causes, and read the guests' records."""

from __future__ import annotations

from portcheck.fuzz import GENERATORS
from portcheck.fuzz.buckets import MAX_BUCKETS, Buckets
from portcheck.fuzz.change import lines_change, name_class
from portcheck.fuzz.signature import Element
from portcheck.judge.diff import Options, compare
from portcheck.model.observation import Exchange, Observation


def signatures(base: Observation, engine: Observation, generator: str = "client-messages") -> list[str]:
    differences = compare(base, engine, Options()).differences
    return [e.signature for e in GENERATORS[generator]().elements(differences, base, engine)]


def client(stdout: str, failure: str | None = None) -> Observation:
    return Observation(kind="client", exit_code=0 if failure is None else 1, stdout=stdout, failure=failure)


def server(exchange: Exchange) -> Observation:
    return Observation(kind="server", exchanges=[exchange])


RECORD = "status: 200\nentry 'set-cookie': b'a=1'\nentry 'set-cookie': b'b=2'\n"
RECORD += "get 'set-cookie': [b'a=1', b'b=2']\n"


def test_values_and_names_are_abstracted() -> None:
    assert lines_change([b"a=1", b"b=2"], [b"a=1,b=2"]) == "joined with b','"
    assert lines_change([b"x", b"y", b"z"], [b"x, y, z"]) == "joined with b', '"
    assert lines_change([b"1", b"2"], [b"2"]) == "only the last kept"
    assert lines_change([b"caf\xe9"], [b"caf\xc3\xa9"]) == "value re-encoded as UTF-8 (obs-text)"
    assert lines_change([], [b"chunked"]) == "added"
    assert name_class("X-Q7") == name_class("x-other") == "<list field>"
    assert name_class("Transfer-Encoding") == "<hop-by-hop field>"
    assert name_class("x fuzz") == "<name with whitespace>"


def test_a_joined_set_cookie_is_one_bucket_whatever_the_values() -> None:
    joined = "status: 200\nentry 'set-cookie': b'a=1,b=2'\nget 'set-cookie': [b'a=1,b=2']\n"
    other = RECORD.replace("a=1", "q=9").replace("b=2", "r=8")
    assert signatures(client(RECORD), client(joined)) == ["stdout.entries[set-cookie]: joined with b','"]
    assert signatures(
        client(other),
        client(
            other.replace("b'q=9'\nentry 'set-cookie': b'r=8'", "b'q=9,r=8'").replace(
                "[b'q=9', b'r=8']", "[b'q=9,r=8']"
            )
        ),
    ) == ["stdout.entries[set-cookie]: joined with b','"]


def test_an_error_instead_of_a_response_hides_what_follows() -> None:
    refused = "response: error-code.http-protocol-error\n"
    assert signatures(client(RECORD), client(refused)) == [
        "stdout.outcome: status vs response error-code.http-protocol-error"
    ]


def test_a_crash_explains_the_output_it_cut_short() -> None:
    crashed = Observation(
        kind="client", exit_code=1, stdout="status: 200\n", failure="crash", message="TypeError: bad 42"
    )
    assert signatures(client(RECORD), crashed) == ["failure: none vs crash (TypeError: bad N)"]


def test_another_status_hides_the_other_headers_and_body() -> None:
    ok = Exchange("GET /", 200, "OK", [("content-type", "text/plain")], b"method: GET\n", "content-length")
    rejected = Exchange("GET /", 400, "Bad Request", [], b"", "content-length")
    assert signatures(server(ok), server(rejected), "server-requests") == ["responses[*].status: 2xx vs 4xx"]


def test_a_server_that_died_is_part_of_its_exchange() -> None:
    ok = Exchange("GET /", 200, "OK", [], b"", "content-length")
    died = Exchange("GET /", failure="no-response", alive_after=False)
    assert signatures(server(ok), server(died), "server-requests") == [
        "responses[*]: status vs no-response, the server died"
    ]


def test_the_echo_body_is_read_line_by_line() -> None:
    seen = "method: GET\nentry 'x-a': b'1'\nentry 'x-a': b'2'\nget 'x-a': [b'1', b'2']\n"
    seen += "body: b'' (closed)\ntrailers: none\n"
    joined = seen.replace("entry 'x-a': b'1'\nentry 'x-a': b'2'", "entry 'x-a': b'1, 2'").replace(
        "[b'1', b'2']", "[b'1, 2']"
    )
    joined = joined.replace("trailers: none", "trailers: []")
    ours = Exchange("GET /", 200, "OK", [], seen.encode(), "chunked")
    theirs = Exchange("GET /", 200, "OK", [], joined.encode(), "chunked")
    assert sorted(signatures(server(ours), server(theirs), "server-requests")) == [
        "responses[*].body.entries[<field>]: joined with b', '",
        "responses[*].body.trailers: none vs []",
    ]


def test_a_sequence_diverges_at_its_first_differing_step() -> None:
    base = "0: fields.new() -> #0 fields\n1: incoming-body.stream(#0) -> #1 input-stream\n2: drop(#0) -> "
    engine = base + "ok\n3: x() -> ok\n"
    trapped = Observation(
        kind="client", exit_code=1, stdout=base, failure="trap", message="resource has children"
    )
    assert signatures(trapped, client(engine), "api-sequences") == [
        "steps[drop fields]: the run ended (trap) vs ok"
    ]


def test_one_generator_past_its_bucket_cap_leaves_room_for_the_next() -> None:
    # A run once kept 59 buckets from the first two generators and one from api-sequences: the
    # cap was shared, and a generator that finds much filled it for the others.
    buckets = Buckets()
    for number in range(MAX_BUCKETS + 5):
        found = {"jco": [Element(f"stdout: class {number}", "stdout")]}
        buckets.record("client-messages", found, case=None, drawn=None, number=number, source="generated")
    opened = buckets.record(
        "api-sequences", {"jco": [Element("steps[x]: a vs b", "stdout")]}, None, None, 0, "generated"
    )
    assert len(buckets.of("client-messages")) == MAX_BUCKETS and len(opened) == 1
    assert len(buckets.dropped["client-messages"]) == 5 and "api-sequences" not in buckets.dropped
