"""`portcheck repro`: a folder that reproduces one scenario with the engines' own command lines.

It holds the component, the scenario as data, the exact command lines, and a script that starts
the same origin (for a client) or sends the same requests (for a server) using a copy of
portcheck's own fixtures, so that it behaves as the run that found the divergence did.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

from portcheck import __version__
from portcheck.config import Origin, Scenario
from portcheck.engines.interface import Engine, Invocation
from portcheck.observations import body_to_json
from portcheck.verdict import Report, ScenarioResult

PACKAGE = Path(__file__).resolve().parent
# The stdlib-only modules the script needs: the fixtures and the plain data they use.
VENDORED = (
    "__init__.py",
    "config.py",
    "errors.py",
    "expectations.py",
    "observations.py",
    "procs.py",
    "projection.py",
    "fixtures/__init__.py",
    "fixtures/http1.py",
    "fixtures/origin.py",
    "fixtures/driver.py",
)
COMPONENT = "component.wasm"


def origin_json(origin: Origin | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    responses = [
        {
            "status": r.status,
            "headers": r.headers,
            "body": body_to_json(r.body),
            "trailers": r.trailers,
            "header_encoding": r.header_encoding,
            "action": r.action,
        }
        for r in origin.responses
    ]
    return {
        "refuse": origin.refuse,
        "blackhole": origin.blackhole,
        "host": origin.host,
        "responses": responses,
    }


def command_json(invocation: Invocation) -> dict[str, Any]:
    return {"argv": invocation.argv, "env": invocation.env}


def engine_commands(engine: Engine, scenario: Scenario) -> dict[str, Any]:
    env = dict(scenario.env)
    if scenario.origin is not None:
        env["PORTCHECK_ORIGIN"] = "{origin}"
    if scenario.kind == "client":
        return {"client": command_json(engine.cli_client(COMPONENT, env))}
    # A port number no real command contains, turned into the {port} the script fills in.
    invocation = engine.cli_server(COMPONENT, 65535, env)
    argv = [word.replace("65535", "{port}") for word in invocation.argv]
    return {"server": {"argv": argv, "env": invocation.env}}


def scenario_json(scenario: Scenario, engines: list[Engine]) -> dict[str, Any]:
    return {
        "scenario": scenario.name,
        "kind": scenario.kind,
        "description": scenario.description,
        "timeout": scenario.timeout,
        "origin": origin_json(scenario.origin),
        "requests": [
            {
                "method": r.method,
                "path": r.path,
                "headers": r.headers,
                "body": body_to_json(r.body),
                "header_encoding": r.header_encoding,
            }
            for r in scenario.requests
        ],
        "engines": {
            engine.name: engine_commands(engine, scenario)
            for engine in engines
            if not engine.skip_reason(scenario.kind)
        },
    }


def readme(scenario: Scenario, data: dict[str, Any], report: Report, result: ScenarioResult) -> str:
    versions = ", ".join(f"{engine.name} {engine.version}" for engine in report.engines)
    lines = [f"# portcheck repro: {scenario.name}", "", scenario.description.strip(), ""]
    lines += [f"Seen with portcheck {__version__} ({versions}): {result.verdict}."]
    for engine, cell in result.cells.items():
        if cell.differences:
            lines.append(
                f"{engine} differs from {report.baseline} in: {', '.join(d.field for d in cell.differences)}."
            )
        if cell.error:
            lines.append(f"{engine}: error: {cell.error.splitlines()[0]}")
    lines += [
        "",
        "Run it (Python 3.11+; the engines on PATH, or named by $WASMTIME and $JCO):",
        "",
        "    python3 repro.py",
        "",
    ]
    lines += ["The exact commands, per engine:", ""]
    for engine, commands in data["engines"].items():
        for spec in commands.values():
            env = " ".join(f"{name}={shlex.quote(value)}" for name, value in spec["env"].items())
            lines.append(f"    {env + ' ' if env else ''}{shlex.join(spec['argv'])}    # {engine}")
    lines += ["", "{origin} is the URL of the origin server repro.py starts; {port} a free port it picks."]
    return "\n".join(lines) + "\n"


def write(output: Path, scenario: Scenario, component: Path, engines: list[Engine], report: Report) -> None:
    result = next(item for item in report.scenarios if item.name == scenario.name)
    output.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(component, output / COMPONENT)
    for name in VENDORED:
        target = output / "vendor" / "portcheck" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE / name, target)
    data = scenario_json(scenario, engines)
    (output / "scenario.json").write_text(json.dumps(data, indent=2) + "\n")
    for engine in engines:
        for extra in engine.repro_files():
            shutil.copyfile(extra, output / extra.name)
    shutil.copyfile(PACKAGE / "repro_script.py", output / "repro.py")
    (output / "repro.py").chmod(0o755)
    (output / "README.md").write_text(readme(scenario, data, report, result))
