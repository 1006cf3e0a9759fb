"""What a matrix asks for: scenarios, the origin and requests they script, engines, known divergences."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from portcheck.model import fields
from portcheck.model.observation import body_from_json, body_to_json

Kind = Literal["client", "server"]
KINDS: tuple[Kind, ...] = ("client", "server")
DEFAULT_TIMEOUT = 30.0
Pairs = tuple[tuple[str, str], ...]
# What the origin does with a request, beyond answering it (see harness/origin.py). The
# respond-* actions send the whole response, then close, reset or hold the connection.
ORIGIN_ACTIONS = (
    "respond",
    "reset",
    "close",
    "close-mid-body",
    "stall",
    "stall-mid-body",
    "handshake",
    "respond-close",
    "respond-reset",
    "respond-stall",
)
# When the driver tells the origin it has what a server sent (see ScriptedRequest.handshake).
HANDSHAKES = ("head", "body", "end")
HEADER_ENCODINGS = ("utf-8", "latin-1")
CHECKS = ("equals", "contains", "not_contains", "matches", "one_of", "absent", "between")
# How strong the rule an expectation cites is (RFC 2119); a WIT doc line's "must" is must.
LEVELS = ("must", "should", "may")
# The WASI versions a scenario's component can target: 0.2 (wasi:http/incoming-handler, the
# default) or 0.3 (wasi:http/handler, component-model async: streams and futures).
WASI_VERSIONS = ("0.2", "0.3")
DEFAULT_WASI = "0.2"


def plain(value: Any) -> Any:
    """A scenario's value as JSON data: dataclasses as objects, bytes as body JSON, paths as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return body_to_json(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def optional_path(text: str | None) -> Path | None:
    return None if text is None else Path(text)


def pairs(data: list[list[str]] | None) -> Pairs:
    return tuple((name, value) for name, value in data or [])


@dataclass(frozen=True)
class OriginResponse:
    status: int
    headers: Pairs = ()
    body: bytes = b""
    trailers: Pairs | None = None  # set: the body is sent chunked, then these trailers
    header_encoding: str = "utf-8"
    action: str = "respond"
    raw: bytes | None = None  # set: these bytes are the response, exactly (status, headers... unused)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OriginResponse:
        trailers = None if data["trailers"] is None else pairs(data["trailers"])
        fixed = {
            "headers": pairs(data["headers"]),
            "body": body_from_json(data["body"]),
            "trailers": trailers,
            "raw": body_from_json(data.get("raw")),
        }
        return cls(**{**data, **fixed})


@dataclass(frozen=True)
class Origin:
    """The local origin server a scenario's component talks to."""

    responses: tuple[OriginResponse, ...] = ()
    refuse: bool = False  # hand out a local port that refuses connections instead
    blackhole: bool = False  # a port that never completes a connection (for connect timeouts)
    host: str = "127.0.0.1"  # or "::1", to serve on IPv6 loopback
    # Record the requests sorted, not in arrival order: for a component that sends several at
    # once, which arrives first is a race, not a behaviour of the engine.
    sorted_requests: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Origin:
        responses = tuple(OriginResponse.from_json(item) for item in data["responses"])
        return cls(**{**data, "responses": responses})


@dataclass(frozen=True)
class ScriptedRequest:
    method: str
    path: str
    headers: Pairs = ()
    body: bytes = b""
    header_encoding: str = "utf-8"
    host: bool = True  # add a Host header when `headers` has none; false sends none at all
    # Once the response head ("head"), the first bytes of its body ("body") or all of it ("end")
    # arrived (or, in any case, the exchange is over), the driver lets the origin answer one
    # request it holds (an origin response with action = "handshake"): a guest waits on that
    # instead of sleeping, so what it flushed is on the wire before its next step.
    handshake: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScriptedRequest:
        return cls(**{**data, "headers": pairs(data["headers"]), "body": body_from_json(data["body"])})


@dataclass(frozen=True)
class Expectation:
    """What the spec says should be observed in one field, on every engine."""

    field: str  # a field path; with [*], checked on every item (model/fields.py)
    check: str  # one of CHECKS
    value: Any
    spec: str  # where the answer comes from: an RFC section or a WIT doc line
    level: str  # one of LEVELS: the strength of that rule


@dataclass(frozen=True)
class Normalize:
    """Regex masks for output the user knows to vary between runs."""

    stdout: tuple[str, ...] = ()
    body: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: Kind
    defined_in: Path
    description: str = ""
    component: Path | None = None
    source: Path | None = None
    build: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    origin: Origin | None = None
    requests: tuple[ScriptedRequest, ...] = ()
    normalize: Normalize = Normalize()
    timeout: float = DEFAULT_TIMEOUT
    builtin: bool = False
    expected: tuple[Expectation, ...] = ()
    concurrent: bool = False  # send the scripted requests all at once
    wasi: str = DEFAULT_WASI  # one of WASI_VERSIONS: the world its component is built against
    twin: str | None = None  # a 0.3 scenario's 0.2 counterpart: the report compares the two builds
    position: int = 0  # index in the whole matrix: shards of a run merge back into this order

    def to_json(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scenario:
        return cls(
            **{
                **data,
                "defined_in": Path(data["defined_in"]),
                "component": optional_path(data["component"]),
                "source": optional_path(data["source"]),
                "env": pairs(data["env"]),
                "origin": None if data["origin"] is None else Origin.from_json(data["origin"]),
                "requests": tuple(ScriptedRequest.from_json(item) for item in data["requests"]),
                "normalize": Normalize(tuple(data["normalize"]["stdout"]), tuple(data["normalize"]["body"])),
                "expected": tuple(Expectation(**item) for item in data["expected"]),
            }
        )


OptionValue = str | tuple[str, ...]


@dataclass(frozen=True)
class EngineSpec:
    """One engine column: its type, and the options of its `[engines.NAME]` table.

    Which options a type takes, with their types and defaults, is the engine type's own
    business (its `OPTIONS`); here they are only names and values, as given.
    """

    name: str
    type: str
    options: tuple[tuple[str, OptionValue], ...] = ()

    def option(self, name: str, default: OptionValue | None = None) -> Any:
        return dict(self.options).get(name, default)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, **dict(self.options)}


@dataclass(frozen=True)
class Known:
    """A divergence that is known and tracked upstream: it does not fail the run while it lasts."""

    scenario: str
    engine: str
    field: str | None  # None: every difference (or the error) of that cell
    reason: str
    link: str = ""

    def covers(self, field: str) -> bool:
        return self.field is None or fields.covers(self.field, field)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "engine": self.engine,
            "field": self.field,
            "reason": self.reason,
            "link": self.link,
        }


@dataclass(frozen=True)
class Shard:
    """Which part of a run a shard is, and of what run: so that shards merge only when complete."""

    k: int  # this part, from 1
    n: int  # of this many parts
    matrix: str  # digest of the matrix as loaded (its TOML data and scenario names)
    selection: str  # digest of what the whole run chose (--scenario, --engine): engines and scenarios
    scenarios: int  # scenarios in the whole run, every shard together

    @property
    def label(self) -> str:
        return f"{self.k}/{self.n}"

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Shard | None:
        return None if data is None else cls(**data)


@dataclass(frozen=True)
class Matrix:
    path: Path
    engines: tuple[EngineSpec, ...]
    baseline: str
    scenarios: tuple[Scenario, ...]
    strict_headers: bool = False
    timeout: float = DEFAULT_TIMEOUT
    known: tuple[Known, ...] = ()
    digest: str = ""  # of the matrix as loaded: shards of one matrix share it
    shard: Shard | None = None  # set by --shard K/N: this matrix is one part of a run
