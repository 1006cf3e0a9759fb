"""Read and validate `matrix.toml` into plain data.

Every problem becomes one `InputError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from portcheck.errors import InputError
from portcheck.expectations import valid_field

Kind = Literal["client", "server"]
KINDS: tuple[Kind, ...] = ("client", "server")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DEFAULT_TIMEOUT = 30.0
BUILTIN_DIR = Path(__file__).parent / "scenarios"
# Engine names usable in `engines = [...]` without an [engines.NAME] table, and the types a table can name.
KNOWN_ENGINES = ("wasmtime", "jco")
ENGINE_TYPES = ("wasmtime", "wasmtime-py", "jco")
ENGINE_KEYS = {
    "wasmtime": ("type", "version", "compiler", "flags"),
    "wasmtime-py": ("type", "version"),
    "jco": ("type", "runtime", "runtime_version", "flags"),
}
RUNTIMES = ("node", "bun", "deno")


Pairs = tuple[tuple[str, str], ...]
# What the origin does with a request, beyond answering it (see fixtures/origin.py).
ORIGIN_ACTIONS = ("respond", "reset", "close", "close-mid-body", "stall", "stall-mid-body")
HEADER_ENCODINGS = ("utf-8", "latin-1")


@dataclass(frozen=True)
class OriginResponse:
    status: int
    headers: Pairs = ()
    body: bytes = b""
    trailers: Pairs | None = None  # set: the body is sent chunked, then these trailers
    header_encoding: str = "utf-8"
    action: str = "respond"


@dataclass(frozen=True)
class Origin:
    """The local origin server a scenario's component talks to."""

    responses: tuple[OriginResponse, ...] = ()
    refuse: bool = False  # hand out a local port that refuses connections instead
    blackhole: bool = False  # a port that never completes a connection (for connect timeouts)
    host: str = "127.0.0.1"  # or "::1", to serve on IPv6 loopback


@dataclass(frozen=True)
class ScriptedRequest:
    method: str
    path: str
    headers: Pairs = ()
    body: bytes = b""
    header_encoding: str = "utf-8"


CHECKS = ("equals", "contains", "not_contains", "matches", "one_of")


@dataclass(frozen=True)
class Expectation:
    """What the spec says should be observed in one field, on every engine."""

    field: str
    check: str  # one of CHECKS
    value: Any
    spec: str  # where the answer comes from: an RFC section or a WIT doc line


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
    position: int = 0  # index in the whole matrix: shards of a run merge back into this order


@dataclass(frozen=True)
class EngineSpec:
    """One engine column: its type, and the exact variant (`[engines.NAME]` in matrix.toml)."""

    name: str
    type: str  # one of ENGINE_TYPES
    version: str | None = None  # None: the version portcheck itself depends on
    compiler: str | None = None  # wasmtime: "cranelift" or "winch"
    runtime: str = "node"  # jco: "node", "bun" or "deno"
    runtime_version: str | None = None  # jco: None is the runtime's default version
    flags: tuple[str, ...] = ()  # extra engine flags, on every run and compile

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in dataclasses.asdict(self).items() if value not in (None, ())}


@dataclass(frozen=True)
class Known:
    """A divergence that is known and tracked upstream: it does not fail the run while it lasts."""

    scenario: str
    engine: str
    field: str | None  # None: every difference (or the error) of that cell
    reason: str
    link: str = ""

    def covers(self, field: str) -> bool:
        if self.field is None:
            return True
        return field == self.field or field.startswith((self.field + ".", self.field + "["))

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "engine": self.engine,
            "field": self.field,
            "reason": self.reason,
            "link": self.link,
        }


@dataclass(frozen=True)
class Matrix:
    path: Path
    engines: tuple[EngineSpec, ...]
    baseline: str
    scenarios: tuple[Scenario, ...]
    strict_headers: bool = False
    timeout: float = DEFAULT_TIMEOUT
    known: tuple[Known, ...] = ()


class Table:
    """A TOML table read with typed accessors; every complaint names file and key."""

    def __init__(self, data: dict[str, Any], file: Path, key: str, allowed: tuple[str, ...]) -> None:
        self.data, self.file, self.key = data, file, key
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.fail(unknown[0], f"unknown key (expected one of: {', '.join(allowed)})")

    def where(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def fail(self, name: str, problem: str) -> InputError:
        raise InputError(self.file, self.where(name), problem)

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, kind: type | tuple[type, ...], expected: str, default: Any = None) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(name, f"expected {expected}, got {describe(value)}")
        return value

    def require(self, name: str, kind: type | tuple[type, ...], expected: str) -> Any:
        if name not in self.data:
            self.fail(name, f"missing (expected {expected})")
        return self.get(name, kind, expected)

    def string(self, name: str, default: str | None = None) -> str | None:
        return self.get(name, str, "a string", default)

    def number(self, name: str, default: float, minimum: float = 0) -> float:
        value = self.get(name, (int, float), "a number", default)
        if value <= minimum:
            self.fail(name, f"expected a number above {minimum}, got {value}")
        return float(value)

    def strings(self, name: str) -> list[str]:
        values = self.get(name, list, "a list of strings", [])
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise InputError(
                    self.file, f"{self.where(name)}[{index}]", f"expected a string, got {describe(value)}"
                )
        return values

    def tables(self, name: str) -> list[dict[str, Any]]:
        values = self.get(name, list, f"an array of tables ([[{self.where(name)}]])", [])
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise InputError(
                    self.file, f"{self.where(name)}[{index}]", f"expected a table, got {describe(value)}"
                )
        return values

    def pairs(self, name: str) -> tuple[tuple[str, str], ...]:
        values = self.get(name, list, 'a list of ["name", "value"] pairs', [])
        for index, pair in enumerate(values):
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            ):
                raise InputError(
                    self.file,
                    f"{self.where(name)}[{index}]",
                    f'expected a ["name", "value"] pair, got {describe(pair)}',
                )
        return tuple((pair[0], pair[1]) for pair in values)

    def body(self, name: str) -> bytes:
        """`body = "text"` (sent as UTF-8), or `body_file = "path"` (its bytes, relative to this file)."""
        file_key = f"{name}_file"
        if self.has(name) and self.has(file_key):
            self.fail(file_key, f"give either {name} or {file_key}, not both")
        if not self.has(file_key):
            return (self.string(name, "") or "").encode("utf-8")
        path = self.file.parent / (self.string(file_key) or "")
        try:
            return path.read_bytes()
        except OSError as error:
            self.fail(file_key, f"cannot read {path}: {error.strerror or error}")
            raise


def describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, "", f"cannot read: {error}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, "", f"invalid TOML: {error}") from None


def load_matrix(path: Path) -> Matrix:
    data = read_toml(path)
    top = Table(data, path, "", ("matrix", "scenario", "known", "engines"))
    section = top.get("matrix", dict, "a [matrix] table", None)
    if section is None:
        top.fail("matrix", "missing (expected a [matrix] table with engines = [...])")
    matrix = Table(section, path, "matrix", ("engines", "baseline", "builtins", "strict_headers", "timeout"))
    raw_tables = top.get("engines", dict, "[engines.NAME] tables", {})
    engine_tables = Table(raw_tables, path, "engines", tuple(raw_tables))
    engines = parse_engines(matrix, engine_tables)
    baseline = matrix.string("baseline", engines[0].name)
    if baseline not in {engine.name for engine in engines}:
        matrix.fail(
            "baseline",
            f"expected one of the engines ({', '.join(e.name for e in engines)}), got {baseline!r}",
        )
    timeout = matrix.number("timeout", DEFAULT_TIMEOUT)
    scenarios = select_builtins(matrix, timeout)
    for index, table in enumerate(top.tables("scenario")):
        scenarios.append(parse_scenario(table, path, f"scenario[{index}]", timeout))
    check_unique(scenarios, path)
    scenarios = [dataclasses.replace(scenario, position=index) for index, scenario in enumerate(scenarios)]
    if not scenarios:
        top.fail("scenario", 'no scenarios: add [[scenario]] tables or builtins = ["*"] under [matrix]')
    return Matrix(
        path=path,
        engines=tuple(engines),
        baseline=baseline,
        scenarios=tuple(scenarios),
        strict_headers=bool(matrix.get("strict_headers", bool, "true or false", False)),
        timeout=timeout,
        known=parse_known(top, scenarios, engines),
    )


def parse_known(top: Table, scenarios: list[Scenario], engines: list[EngineSpec]) -> tuple[Known, ...]:
    names, columns = {s.name for s in scenarios}, {e.name for e in engines}
    found = []
    for index, item in enumerate(top.tables("known")):
        entry = Table(item, top.file, f"known[{index}]", ("scenario", "engine", "field", "reason", "link"))
        scenario = entry.require("scenario", str, "the name of a scenario of this matrix")
        if scenario not in names:
            entry.fail("scenario", f"no scenario named {scenario!r} in this matrix")
        engine = entry.require("engine", str, "the name of an engine of this matrix")
        if engine not in columns:
            entry.fail(
                "engine", f"expected one of the engines ({', '.join(sorted(columns))}), got {engine!r}"
            )
        field = entry.string("field")
        whole_item = field is not None and re.fullmatch(r"(responses|origin\.requests)\[\d+\]", field)
        if field is not None and field != "error" and not whole_item and (problem := valid_field(field)):
            entry.fail("field", f"{problem}, got {field!r}")
        reason = entry.require("reason", str, "why this divergence is accepted (one line)")
        found.append(Known(scenario, engine, field, reason, entry.string("link", "") or ""))
    return tuple(found)


def parse_engines(matrix: Table, tables: Table) -> list[EngineSpec]:
    names = matrix.strings("engines")
    if not names:
        matrix.fail(
            "engines", f"missing or empty (expected a list of engines, such as {list(KNOWN_ENGINES)})"
        )
    specs = []
    for index, name in enumerate(names):
        where = f"matrix.engines[{index}]"
        if name in {spec.name for spec in specs}:
            raise InputError(matrix.file, where, f"engine {name!r} is listed twice")
        if tables.has(name):
            specs.append(parse_engine(name, tables))
        elif name in KNOWN_ENGINES:
            specs.append(EngineSpec(name=name, type=name))
        else:
            known = ", ".join([*KNOWN_ENGINES, *(key for key in tables.data if key not in KNOWN_ENGINES)])
            raise InputError(
                matrix.file,
                where,
                f"unknown engine {name!r} (known: {known}; or define it in [engines.{name}])",
            )
    return specs


def parse_engine(name: str, tables: Table) -> EngineSpec:
    data = tables.get(name, dict, f"an [engines.{name}] table", {})
    kind = data.get("type")
    if kind not in ENGINE_TYPES:
        where = f"engines.{name}.type"
        raise InputError(
            tables.file, where, f"expected one of {', '.join(ENGINE_TYPES)}, got {describe(kind)}"
        )
    table = Table(data, tables.file, f"engines.{name}", ENGINE_KEYS[kind])
    version = table.string("version")
    if version is not None and not re.fullmatch(r"\d+(\.\d+)*([.-]?\w+)*", version):
        table.fail("version", f"expected an exact version such as 36.0.9, got {version!r}")
    compiler = one_of(table, "compiler", ("cranelift", "winch"), "cranelift") if kind == "wasmtime" else None
    runtime = one_of(table, "runtime", RUNTIMES, "node") if kind == "jco" else "node"
    return EngineSpec(
        name=name,
        type=kind,
        version=version,
        compiler=None if compiler == "cranelift" else compiler,
        runtime=runtime,
        runtime_version=table.string("runtime_version"),
        flags=tuple(table.strings("flags")),
    )


def builtin_scenarios(timeout: float = DEFAULT_TIMEOUT) -> list[Scenario]:
    """Every built-in scenario, one TOML file each in portcheck/scenarios/, sorted by name."""
    found = [
        parse_scenario(read_toml(path), path, "", timeout, builtin=True)
        for path in BUILTIN_DIR.glob("*.toml")
    ]
    return sorted(found, key=lambda scenario: scenario.name)


def select_builtins(matrix: Table, timeout: float) -> list[Scenario]:
    patterns = matrix.strings("builtins")
    if not patterns:
        return []
    available = builtin_scenarios(timeout)
    for index, pattern in enumerate(patterns):
        if not any(fnmatch.fnmatchcase(s.name, pattern) for s in available):
            raise InputError(
                matrix.file,
                f"matrix.builtins[{index}]",
                f"no built-in scenario matches {pattern!r} (see `portcheck list-builtins`)",
            )
    return [s for s in available if any(fnmatch.fnmatchcase(s.name, p) for p in patterns)]


SCENARIO_KEYS = (
    "name",
    "kind",
    "description",
    "component",
    "source",
    "build",
    "env",
    "origin",
    "request",
    "normalize",
    "timeout",
    "expected",
    "concurrent",
)
REQUEST_KEYS = ("method", "path", "headers", "body", "body_file", "header_encoding")


def parse_scenario(
    data: dict[str, Any], file: Path, key: str, timeout: float, builtin: bool = False
) -> Scenario:
    table = Table(data, file, key, SCENARIO_KEYS)
    name = table.require("name", str, "a scenario name")
    if not NAME_PATTERN.match(name):
        table.fail("name", f"expected letters, digits, '.', '_' or '-', got {name!r}")
    table.key = f'scenario "{name}"' if not builtin else ""
    kind = table.require("kind", str, '"client" or "server"')
    if kind not in KINDS:
        table.fail("kind", f'expected "client" or "server", got {kind!r}')
    component, source, build = parse_origin_of_component(table, file.parent)
    requests = tuple(
        parse_request(Table(t, file, f"{table.where('request')}[{i}]", REQUEST_KEYS))
        for i, t in enumerate(table.tables("request"))
    )
    if kind == "server" and not requests:
        table.fail("request", "a server scenario needs at least one [[scenario.request]]")
    if kind == "client" and requests:
        table.fail(
            "request", "only server scenarios take [[scenario.request]]; a client makes its own requests"
        )
    return Scenario(
        name=name,
        kind=kind,
        defined_in=file,
        description=table.string("description", "") or "",
        component=component,
        source=source,
        build=build,
        env=parse_env(table),
        origin=parse_origin(table),
        requests=requests,
        normalize=parse_normalize(table),
        timeout=table.number("timeout", timeout),
        builtin=builtin,
        expected=parse_expected(table),
        concurrent=bool(table.get("concurrent", bool, "true or false", False)),
    )


def parse_origin_of_component(table: Table, base: Path) -> tuple[Path | None, Path | None, str | None]:
    component, source, build = table.string("component"), table.string("source"), table.string("build")
    if (component is None) == (source is None):
        table.fail("component", 'expected exactly one of component = "x.wasm" or source = "x.py"/"x.wat"')
    if build is not None and source is None:
        table.fail("build", 'a build command needs source = "..." to build from')
    if build is not None and "{output}" not in build:
        table.fail("build", "expected a command containing {output} (and usually {source})")
    name = "component" if component is not None else "source"
    path = (base / (component or source or "")).resolve()
    if not path.is_file():
        table.fail(name, f"no such file: {path}")
    if source is not None and build is None and path.suffix not in (".py", ".wat"):
        table.fail(
            "source", f'expected a .py or .wat file, or a build = "..." command for {path.suffix or "it"}'
        )
    return (path, None, None) if component is not None else (None, path, build)


def parse_env(table: Table) -> tuple[tuple[str, str], ...]:
    env = table.get("env", dict, 'a table of strings, such as env = { NAME = "value" }', {})
    for name, value in env.items():
        if not name or "=" in name or "\0" in name:
            table.fail(f"env.{name}", "expected an environment variable name without '=' or NUL")
        if not isinstance(value, str):
            table.fail(f"env.{name}", f"expected a string, got {describe(value)}")
        if name == "PORTCHECK_ORIGIN":
            table.fail(f"env.{name}", "is set by portcheck to the origin server's URL")
    return tuple(sorted(env.items()))


def parse_origin(table: Table) -> Origin | None:
    data = table.get("origin", dict, "a [scenario.origin] table", None)
    if data is None:
        return None
    origin = Table(data, table.file, table.where("origin"), ("response", "refuse", "blackhole", "host"))
    host = one_of(origin, "host", ("127.0.0.1", "::1"), "127.0.0.1")
    refuse = bool(origin.get("refuse", bool, "true or false", False))
    blackhole = bool(origin.get("blackhole", bool, "true or false", False))
    keys = ("status", "headers", "body", "body_file", "trailers", "header_encoding", "action")
    responses = [
        parse_origin_response(Table(item, table.file, f"{origin.where('response')}[{index}]", keys))
        for index, item in enumerate(origin.tables("response"))
    ]
    if refuse and blackhole:
        origin.fail("blackhole", "an origin cannot both refuse and swallow connections")
    if (refuse or blackhole) and responses:
        origin.fail("response", "an origin that refuses or swallows connections cannot also have responses")
    if not (refuse or blackhole or responses):
        origin.fail("response", "expected at least one [[scenario.origin.response]] (or refuse = true)")
    return Origin(responses=tuple(responses), refuse=refuse, blackhole=blackhole, host=host)


def parse_origin_response(response: Table) -> OriginResponse:
    status = response.get("status", int, "an integer status code", 200)
    if not 100 <= status <= 999:
        response.fail("status", f"expected a status code from 100 to 999, got {status}")
    action = one_of(response, "action", ORIGIN_ACTIONS, "respond")
    trailers = response.pairs("trailers") if response.has("trailers") else None
    return OriginResponse(
        status=status,
        headers=response.pairs("headers"),
        body=response.body("body"),
        trailers=trailers,
        header_encoding=one_of(response, "header_encoding", HEADER_ENCODINGS, "utf-8"),
        action=action,
    )


def one_of(table: Table, name: str, choices: tuple[str, ...], default: str) -> str:
    value = table.string(name, default) or default
    if value not in choices:
        table.fail(name, f"expected one of {', '.join(repr(c) for c in choices)}, got {value!r}")
    return value


def parse_expected(table: Table) -> tuple[Expectation, ...]:
    found = []
    for index, item in enumerate(table.tables("expected")):
        entry = Table(item, table.file, f"{table.where('expected')}[{index}]", ("field", "spec", *CHECKS))
        field = entry.require("field", str, 'a field, such as "stdout" or "responses[0].status"')
        if problem := valid_field(field):
            entry.fail("field", f"{problem}, got {field!r}")
        checks = [name for name in CHECKS if entry.has(name)]
        if len(checks) != 1:
            entry.fail("field", f"expected exactly one check among {', '.join(CHECKS)}")
        check = checks[0]
        value = entry.data[check]
        if check == "matches":
            try:
                re.compile(entry.require("matches", str, "a regular expression"))
            except re.error as error:
                entry.fail("matches", f"invalid regex: {error}")
        if check == "one_of" and not isinstance(value, list):
            entry.fail("one_of", f"expected a list of acceptable values, got {describe(value)}")
        spec = entry.require(
            "spec", str, "where the expected answer comes from (an RFC section or WIT doc line)"
        )
        found.append(Expectation(field=field, check=check, value=value, spec=spec))
    return tuple(found)


def parse_request(request: Table) -> ScriptedRequest:
    method = request.string("method", "GET") or "GET"
    if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", method):
        request.fail("method", f"expected an HTTP method token, got {method!r}")
    path = request.string("path", "/") or "/"
    if any(char in path for char in " \r\n"):
        request.fail("path", f"expected a request target without spaces or line breaks, got {path!r}")
    return ScriptedRequest(
        method=method,
        path=path,
        headers=request.pairs("headers"),
        body=request.body("body"),
        header_encoding=one_of(request, "header_encoding", HEADER_ENCODINGS, "utf-8"),
    )


def parse_normalize(table: Table) -> Normalize:
    data = table.get("normalize", dict, "a [scenario.normalize] table", {})
    normalize = Table(data, table.file, table.where("normalize"), ("stdout", "body"))
    masks = {}
    for name in ("stdout", "body"):
        masks[name] = tuple(normalize.strings(name))
        for index, pattern in enumerate(masks[name]):
            try:
                re.compile(pattern)
            except re.error as error:
                raise InputError(
                    table.file, f"{normalize.where(name)}[{index}]", f"invalid regex: {error}"
                ) from None
    return Normalize(stdout=masks["stdout"], body=masks["body"])


def check_unique(scenarios: list[Scenario], file: Path) -> None:
    seen: set[str] = set()
    for scenario in scenarios:
        if scenario.name in seen:
            raise InputError(
                file, f'scenario "{scenario.name}"', "name used twice (scenario names must be unique)"
            )
        seen.add(scenario.name)


def select(matrix: Matrix, scenario_patterns: list[str], engine_names: list[str]) -> Matrix:
    """Part of a matrix: scenarios matching any of the globs, and the named engines (in matrix order)."""
    scenarios = matrix.scenarios
    for pattern in scenario_patterns:
        if not any(fnmatch.fnmatchcase(s.name, pattern) for s in scenarios):
            raise InputError("--scenario", pattern, f"matches no scenario of {matrix.path}")
    if scenario_patterns:
        scenarios = tuple(
            s for s in scenarios if any(fnmatch.fnmatchcase(s.name, p) for p in scenario_patterns)
        )
    engines = matrix.engines
    known = [engine.name for engine in engines]
    for name in engine_names:
        if name not in known:
            raise InputError(
                "--engine", name, f"is not an engine of {matrix.path} (engines: {', '.join(known)})"
            )
    if engine_names:
        engines = tuple(engine for engine in engines if engine.name in engine_names)
    baseline = matrix.baseline if matrix.baseline in {e.name for e in engines} else engines[0].name
    return dataclasses.replace(matrix, scenarios=scenarios, engines=engines, baseline=baseline)


def shard(matrix: Matrix, spec: str | None) -> Matrix:
    """`K/N`: the K-th of N deterministic, disjoint parts of the scenarios (every N-th, from the K-th)."""
    if spec is None:
        return matrix
    found = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not found or not 1 <= int(found[1]) <= int(found[2]):
        raise InputError("--shard", spec, "expected K/N with 1 <= K <= N, such as 2/4")
    part, parts = int(found[1]), int(found[2])
    chosen = tuple(s for index, s in enumerate(matrix.scenarios) if index % parts == part - 1)
    return dataclasses.replace(matrix, scenarios=chosen)
