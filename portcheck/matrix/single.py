"""One component as a matrix: what `portcheck try` runs, and what its `--save` writes.

The command-line options become the TOML data of a matrix file, and that data goes through the
same parser as any matrix.toml, so the saved file means exactly what was run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from portcheck import engines
from portcheck.errors import InputError
from portcheck.matrix.load import parse_matrix
from portcheck.matrix.scenarios import METHOD_TOKEN, NAME_PATTERN
from portcheck.model.scenario import Kind, Matrix
from portcheck.toolchains.world import EXPORTS

DEFAULT_REQUEST = "GET /"
ORIGIN_VARIABLE = "PORTCHECK_ORIGIN"
SAVED_HEADER = """\
# The matrix `portcheck try` ran; `portcheck run {name}` runs it again.
# Grow it into your own: more [[scenario]] tables, [[scenario.expected]] answers, engine variants
# under [engines.NAME] (see the README's matrix.toml reference).

"""


@dataclass(frozen=True)
class Trial:
    """`portcheck try`'s options, as given on the command line."""

    component: Path
    kind: Kind
    engines: tuple[str, ...] = engines.DEFAULT_ENGINES
    requests: tuple[str, ...] = ()  # "METHOD /path?query" (a server)
    headers: tuple[str, ...] = ()  # "Name: value": on every request, or the origin's answer (a client)
    body: str | None = None  # TEXT, or @FILE
    respond: int | None = None  # the origin's status (a client)
    env: tuple[str, ...] = ()  # NAME=VALUE
    timeout: float | None = None
    wasi: str = "0.2"  # what the component's exports say (toolchains/world.py)


def trial_matrix(trial: Trial, file: Path) -> tuple[Matrix, dict[str, Any]]:
    """The matrix to run, and its TOML data; `file` is where it would be saved (paths are relative to it)."""
    document = matrix_document(trial, file.parent)
    return parse_matrix(document, file), document


def saved_text(document: dict[str, Any], file: Path) -> str:
    """The matrix as a person writes it: a scenario's env as an inline table, as in the README."""
    scenarios = []
    for scenario in document["scenario"]:
        env = tomlkit.inline_table()
        env.update(scenario.get("env", {}))
        scenarios.append({**scenario, "env": env} if env else scenario)
    return SAVED_HEADER.format(name=file.name) + tomlkit.dumps({**document, "scenario": scenarios})


def matrix_document(trial: Trial, folder: Path) -> dict[str, Any]:
    columns = list(dict.fromkeys(trial.engines))
    for name in columns:
        if name not in engines.TYPES:
            raise InputError(
                "--engine", name, f"unknown engine type (expected one of: {', '.join(engines.TYPES)})"
            )
    matrix: dict[str, Any] = {"engines": columns, "baseline": columns[0]}
    if trial.timeout is not None:
        matrix["timeout"] = trial.timeout
    scenario: dict[str, Any] = {
        "name": scenario_name(trial.component),
        "kind": trial.kind,
        "component": relative(trial.component, folder),
    }
    if trial.wasi != "0.2":
        scenario["wasi"] = trial.wasi
    if trial.env:
        scenario["env"] = dict(env_pair(item) for item in trial.env)
    scenario |= server_part(trial, folder) if trial.kind == "server" else client_part(trial, folder)
    return {"matrix": matrix, "scenario": [scenario]}


def server_part(trial: Trial, folder: Path) -> dict[str, Any]:
    """The requests to send: each with every --header and the --body."""
    if trial.respond is not None:
        raise InputError(
            "--respond",
            str(trial.respond),
            f"{trial.component.name} is a server (it exports {EXPORTS['server']}): it is sent --request; "
            "--respond is the origin's answer to a client",
        )
    headers = [header_pair(item) for item in trial.headers]
    lines = trial.requests or (DEFAULT_REQUEST,)
    return {"request": [{**request_line(line), **message(headers, trial.body, folder)} for line in lines]}


def client_part(trial: Trial, folder: Path) -> dict[str, Any]:
    """The origin's one answer (the last answer repeats): --respond, every --header, the --body."""
    if trial.requests:
        raise InputError(
            "--request",
            trial.requests[0],
            f"{trial.component.name} is a client (it exports {EXPORTS['client']}): it makes its own "
            "requests; --request is for a server",
        )
    headers = [header_pair(item) for item in trial.headers]
    status = 200 if trial.respond is None else trial.respond
    return {"origin": {"response": [{"status": status, **message(headers, trial.body, folder)}]}}


def scenario_name(component: Path) -> str:
    """The component's file name without `.wasm` (and `.component`), as a scenario name."""
    stem = component.name.removesuffix(".wasm").removesuffix(".component")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).lstrip("._-")
    return name if NAME_PATTERN.match(name) else "component"


def relative(path: Path, folder: Path) -> str:
    return os.path.relpath(path.resolve(), folder.resolve())


def utf8(option: str, value: str) -> str:
    """Text from the command line that TOML and the wire can carry (undecodable bytes cannot)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(option, ascii(value), "expected UTF-8 text") from None
    return value


def request_line(line: str) -> dict[str, str]:
    parts = utf8("--request", line).split()
    if len(parts) != 2 or not METHOD_TOKEN.fullmatch(parts[0]):
        raise InputError(
            "--request", line, 'expected "METHOD /path?query", such as "GET /" or "POST /items?x=1"'
        )
    return {"method": parts[0], "path": parts[1]}


def header_pair(header: str) -> list[str]:
    name, colon, value = utf8("--header", header).partition(":")
    if not colon or not name.strip() or name != name.strip():
        raise InputError("--header", header, 'expected "Name: value", such as "Set-Cookie: a=1"')
    return [name, value.strip(" \t")]


def env_pair(item: str) -> tuple[str, str]:
    name, equals, value = utf8("--env", item).partition("=")
    if not equals or not name:
        raise InputError("--env", item, "expected NAME=VALUE")
    if name == ORIGIN_VARIABLE:
        raise InputError("--env", item, "is set by portcheck to the origin server's URL")
    return name, value


def message(headers: list[list[str]], body: str | None, folder: Path) -> dict[str, Any]:
    """The headers and body of a request or of the origin's answer, as matrix keys."""
    found: dict[str, Any] = {"headers": headers} if headers else {}
    if body is None or body == "":
        return found
    if not body.startswith("@"):
        return {**found, "body": utf8("--body", body)}
    path = Path(body[1:])
    if not path.is_file():
        raise InputError("--body", body, f"no such file: {path}")
    return {**found, "body_file": relative(path, folder)}
